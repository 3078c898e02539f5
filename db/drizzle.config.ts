import { defineConfig } from "drizzle-kit";

// Only `generate` uses this file; migrations are applied by db/migrate.ts (roles and RLS too).
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  strict: true,
});
