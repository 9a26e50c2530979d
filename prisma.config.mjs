// Prisma 7 CLI configuration: where the schema and migrations are, and the database URL for
// `prisma migrate deploy` / `migrate dev` (on machines that can fetch Prisma's schema engine).
// `prisma generate` needs no database, so DATABASE_URL is optional here. The application does
// not read this file: it hands its URL to a driver adapter (libs/database/src/create-database.ts).
// JavaScript rather than prisma.config.ts: no tsconfig includes the repository root, and the
// type-aware lint refuses TypeScript files outside a tsconfig.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL },
});
