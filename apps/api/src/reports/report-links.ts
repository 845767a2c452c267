import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#config';
import { AppError } from '#experiments';
import { SigningKeyRepository } from '#persistence';

/** Whatever carries the address a request came in on (Express, or a GraphQL context's req). */
interface Origin {
  protocol?: string;
  headers: { host?: string };
}

/**
 * Report pages are opened in browsers, which cannot send a bearer token with a link. So the API
 * hands out signed links instead: the path, the project and an expiry, HMAC-SHA256'd with a key
 * kept in Postgres (the same for every API process). A link opens its one page until it expires.
 */
@Injectable()
export class ReportLinks implements OnModuleInit {
  private key: Buffer | undefined;

  constructor(
    private readonly keys: SigningKeyRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.key = await this.keys.secret('reports');
  }

  run(origin: Origin | undefined, projectId: string, runId: string): string {
    return this.sign(origin, `/reports/runs/${runId}`, projectId);
  }

  experiment(origin: Origin | undefined, projectId: string, experimentId: string): string {
    return this.sign(origin, `/reports/experiments/${experimentId}`, projectId);
  }

  check(origin: Origin | undefined, projectId: string, checkId: string): string {
    return this.sign(origin, `/reports/checks/${checkId}`, projectId);
  }

  /** Selectors as in /v1/compare: run:ID, experiment:ID[:POINT], baseline:NAME. */
  compare(origin: Origin | undefined, projectId: string, baseline: string, candidate: string): string {
    return this.sign(origin, `/reports/compare/${encodeURIComponent(baseline)}/${encodeURIComponent(candidate)}`, projectId);
  }

  /** The project a signed link was made for; UNAUTHENTICATED naming what is wrong with it. */
  verify(path: string, query: Record<string, unknown>): string {
    const { project, expires, sig } = query;
    if (typeof project !== 'string' || typeof expires !== 'string' || typeof sig !== 'string') {
      throw new AppError('UNAUTHENTICATED', 'open a report through the reportUrl the API returns (it carries project, expires and sig), or send an API token');
    }
    const expected = this.signature(path, project, expires);
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AppError('UNAUTHENTICATED', 'this report link is not one the API made (its signature does not match); ask the API for the reportUrl again');
    }
    if (Number(expires) * 1000 < Date.now()) {
      throw new AppError('UNAUTHENTICATED', `this report link expired at ${new Date(Number(expires) * 1000).toISOString()}; ask the API for the reportUrl again`);
    }
    return project;
  }

  private sign(origin: Origin | undefined, path: string, projectId: string): string {
    const expires = String(Math.floor(Date.now() / 1000) + this.config.REPORT_LINK_TTL_S);
    const sig = this.signature(path, projectId, expires).toString('base64url');
    return `${this.base(origin)}${path}?project=${projectId}&expires=${expires}&sig=${sig}`;
  }

  private signature(path: string, projectId: string, expires: string): Buffer {
    if (!this.key) throw new Error('ReportLinks used before its key was loaded');
    return createHmac('sha256', this.key).update(`${path}\n${projectId}\n${expires}`).digest();
  }

  private base(origin: Origin | undefined): string {
    if (this.config.PUBLIC_URL) return this.config.PUBLIC_URL;
    const host = origin?.headers.host;
    return host ? `${origin?.protocol ?? 'http'}://${host}` : '';
  }
}
