import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

describe('parseConfig', () => {
  it('fills defaults and reads numbers from strings', () => {
    const c = parseConfig({ API_PORT: '4000', WORKER_CONCURRENCY: '2' });
    expect(c.API_PORT).toBe(4000);
    expect(c.WORKER_CONCURRENCY).toBe(2);
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.DATABASE_URL).toMatch(/^postgresql:\/\//);
  });

  it('names every wrong variable, what it expects and what it got', () => {
    expect(() => parseConfig({ REDIS_URL: 'localhost:6379', API_PORT: 'eighty', WORKER_CONCURRENCY: '0' })).toThrow(
      /REDIS_URL: must be a redis:\/\/ URL \(got "localhost:6379"\)[\s\S]*API_PORT: .*\(got "eighty"\)[\s\S]*WORKER_CONCURRENCY: .*\(got "0"\)/,
    );
  });
});
