// Prisma 7 reads the connection URL here, not from schema.prisma. Only the CLI uses this file
// (`prisma generate`, and `prisma migrate deploy` where its engine is available); the services
// connect through @prisma/adapter-pg with the URL from libs/config.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/iopath' },
});
