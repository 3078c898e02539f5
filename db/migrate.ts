/**
 * Brings a database up to date: runtime roles, drizzle-kit migrations, then tenant isolation
 * (db/tenancy.ts). Safe to run concurrently: an advisory lock serialises migrators.
 * Usage: `npm run db:migrate` (reads DATABASE_URL and DB_ROLE_PASSWORD).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

import { migrationConfig } from "~/config.server";

import { applyTenancy, ensureRoles } from "./tenancy";

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
const LOCK_ID = 7_231_001; // any constant shared by all NetShop migrators

export async function migrateDatabase(options: { ownerUrl: string; rolePassword?: string }) {
  const sql = postgres(options.ownerUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${LOCK_ID})`;
    await ensureRoles(sql, options.rolePassword);
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS });
    return await applyTenancy(sql);
  } finally {
    await sql`select pg_advisory_unlock(${LOCK_ID})`.catch(() => {});
    await sql.end({ timeout: 5 });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const started = Date.now();
  Promise.resolve()
    .then(() => {
      const env = migrationConfig();
      return migrateDatabase({ ownerUrl: env.DATABASE_URL, rolePassword: env.DB_ROLE_PASSWORD });
    })
    .then(({ tenantTables }) => {
      console.log(`migrated in ${Date.now() - started} ms; row-level security forced on shops and ${tenantTables.length} tenant tables`);
    })
    .catch((error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
