import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { graphqlBreaks, openapiBreaks } from './contract/breaking-changes.js';

/**
 * `npm run contract`: compares the committed GraphQL schema and OpenAPI document with main's and
 * fails on a breaking change that apps/api/contract-breaks.json does not list as intended. The
 * base is CONTRACT_BASE, else origin/main or main when HEAD is not it, else the commit before
 * HEAD (on main itself, CI checks what the last commit changed).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const FILES = { graphql: 'apps/api/schema.gql', openapi: 'apps/api/openapi.json' };
const INTENDED = 'apps/api/contract-breaks.json';

function git(...args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function baseRef(): string | undefined {
  if (process.env.CONTRACT_BASE) return process.env.CONTRACT_BASE;
  const head = git('rev-parse', 'HEAD');
  for (const ref of ['origin/main', 'main']) {
    const sha = git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
    if (sha && sha !== head) return ref;
  }
  return git('rev-parse', '--verify', '--quiet', 'HEAD~1^{commit}') ? 'HEAD~1' : undefined;
}

function main(): number {
  const base = baseRef();
  if (!base) {
    console.log('contract: no earlier commit to compare with');
    return 0;
  }
  const before = { graphql: git('show', `${base}:${FILES.graphql}`), openapi: git('show', `${base}:${FILES.openapi}`) };
  const after = { graphql: readFileSync(path.join(ROOT, FILES.graphql), 'utf8'), openapi: readFileSync(path.join(ROOT, FILES.openapi), 'utf8') };
  const breaks = [
    ...(before.graphql ? graphqlBreaks(before.graphql, after.graphql) : []),
    ...(before.openapi ? openapiBreaks(JSON.parse(before.openapi), JSON.parse(after.openapi)) : []),
  ];
  const intended = new Set(
    existsSync(path.join(ROOT, INTENDED)) ? (JSON.parse(readFileSync(path.join(ROOT, INTENDED), 'utf8')) as { intended: { change: string; why: string }[] }).intended.map((i) => i.change) : [],
  );
  const unmarked = breaks.filter((b) => !intended.has(b));
  for (const b of breaks) console.log(`contract: ${intended.has(b) ? 'intended' : 'BREAKING'}: ${b}`);
  if (unmarked.length) {
    console.error(`contract: ${unmarked.length} breaking change(s) against ${base}. Keep the old field or route, or, if the break is meant, add each line above to ${INTENDED} as {"change": "...", "why": "..."}`);
    return 1;
  }
  console.log(`contract: GraphQL schema and OpenAPI document compatible with ${base}${breaks.length ? ` (${breaks.length} intended break(s))` : ''}`);
  return 0;
}

process.exitCode = main();
