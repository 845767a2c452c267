import { buildSchema, findBreakingChanges } from 'graphql';

/**
 * What a client written against the old contract would trip over in the new one: for GraphQL,
 * graphql-js's own list (a removed field, a type changed, an argument made required, ...); for
 * the OpenAPI document, a removed operation, a parameter or body field newly required, a
 * parameter removed, or an enum value dropped.
 */
export function graphqlBreaks(oldSdl: string, newSdl: string): string[] {
  return findBreakingChanges(buildSchema(oldSdl), buildSchema(newSdl)).map((c) => `graphql: ${c.description}`);
}

interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema?: { enum?: unknown[] } }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: { required?: string[] } }> };
}

type OpenApi = { paths?: Record<string, Record<string, Operation>> };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export function openapiBreaks(before: OpenApi, after: OpenApi): string[] {
  const breaks: string[] = [];
  for (const [path, methods] of Object.entries(before.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      if (!METHODS.includes(method)) continue;
      const name = `${method.toUpperCase()} ${path}`;
      const now = after.paths?.[path]?.[method];
      if (!now) {
        breaks.push(`openapi: ${name} was removed`);
        continue;
      }
      const params = new Map((now.parameters ?? []).map((p) => [`${p.in}:${p.name}`, p]));
      for (const p of op.parameters ?? []) {
        const q = params.get(`${p.in}:${p.name}`);
        if (!q) breaks.push(`openapi: ${name} no longer takes the ${p.in} parameter ${p.name}`);
        else for (const v of p.schema?.enum ?? []) if (q.schema?.enum && !q.schema.enum.includes(v)) breaks.push(`openapi: ${name} parameter ${p.name} no longer accepts ${JSON.stringify(v)}`);
      }
      const wasRequired = new Set((op.parameters ?? []).filter((p) => p.required).map((p) => `${p.in}:${p.name}`));
      for (const q of now.parameters ?? []) if (q.required && !wasRequired.has(`${q.in}:${q.name}`)) breaks.push(`openapi: ${name} now requires the ${q.in} parameter ${q.name}`);
      const bodyFields = (o: Operation) => new Set(o.requestBody?.content?.['application/json']?.schema?.required ?? []);
      const [was, is] = [bodyFields(op), bodyFields(now)];
      for (const f of is) if (!was.has(f)) breaks.push(`openapi: ${name} now requires the body field ${f}`);
      if (now.requestBody?.required && op.requestBody && !op.requestBody.required) breaks.push(`openapi: ${name} now requires a body`);
    }
  }
  return breaks;
}
