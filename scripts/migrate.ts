import { ConfigError, loadConfig } from '#config';
import { migrate } from '#persistence';

/** `npm run migrate`: applies prisma/migrations to DATABASE_URL (creating the database if needed). */
try {
  const report = await migrate(loadConfig().DATABASE_URL);
  console.log(report.applied.length ? `applied ${report.applied.join(', ')}` : `up to date (${report.alreadyApplied} migrations)`);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
