import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';

/**
 * Applies prisma/migrations/<timestamp>_<name>/migration.sql in order, each in its own transaction,
 * and records it in Prisma's own `_prisma_migrations` table with Prisma's checksum (sha256 of the
 * file), so `prisma migrate deploy` — where its engine can run — sees the same history.
 * Our runner exists because the Prisma CLI's schema engine cannot be downloaded here.
 *
 * Safe to call from every process at start: a Postgres advisory lock makes concurrent callers
 * wait, and an applied migration whose file has changed stops the start with a clear error.
 */
export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

const LOCK_ID = 0x10_9a7; // any constant shared by every iopath process

export async function migrate(databaseUrl: string, dir = migrationsDir()): Promise<MigrationReport> {
  await ensureDatabase(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = new Map<string, string>(
      (
        await client.query<{ migration_name: string; checksum: string }>(
          'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
        )
      ).rows.map((r) => [r.migration_name, r.checksum]),
    );
    const report: MigrationReport = { applied: [], alreadyApplied: 0 };
    for (const name of await migrationNames(dir)) {
      const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const recorded = done.get(name);
      if (recorded !== undefined) {
        if (recorded !== checksum) {
          throw new Error(
            `migration ${name} was changed after it was applied (checksum ${recorded.slice(0, 12)} in the database, ` +
              `${checksum.slice(0, 12)} on disk): restore the file and put the change in a new migration`,
          );
        }
        report.alreadyApplied++;
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), 1)`,
          [randomUUID(), checksum, name],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${name} failed and was rolled back: ${(err as Error).message}`, { cause: err });
      }
      report.applied.push(name);
    }
    return report;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}

/**
 * The migrations folder: IOPATH_MIGRATIONS_DIR, else prisma/migrations in the nearest folder above
 * this file that has one (the same from the sources and from dist/).
 */
export function migrationsDir(): string {
  if (process.env.IOPATH_MIGRATIONS_DIR) return process.env.IOPATH_MIGRATIONS_DIR;
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('prisma/migrations not found above ' + import.meta.dirname + '; set IOPATH_MIGRATIONS_DIR');
  }
}

async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && /^\d{14}_/.test(e.name))
    .map((e) => e.name)
    .sort();
}

/** Creates the database named in the URL when it does not exist yet (a fresh machine has none). */
async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  const probe = new pg.Client({ connectionString: databaseUrl });
  try {
    await probe.connect();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err; // 3D000: database does not exist
  } finally {
    await probe.end().catch(() => undefined);
  }
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } catch (err) {
    // Created meanwhile by another process starting at the same time: 42P04, or 23505 from the catalog.
    const code = (err as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw err;
  } finally {
    await admin.end();
  }
}
