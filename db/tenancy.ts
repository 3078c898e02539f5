/**
 * Tenant isolation, applied after every migration so no table can be forgotten:
 *
 * - the runtime roles exist (`netshop_app` for tenant code, `netshop_platform` for platform code),
 *   neither superuser nor BYPASSRLS nor owner of any table;
 * - every table with a `shop_id` column has row-level security ENABLED and FORCED, a
 *   `tenant_isolation` policy for the app role (rows of the current shop only, for reads and
 *   writes) and a `platform_access` policy for the platform role;
 * - `shops` itself is confined the same way on its `id`.
 *
 * The current shop is the transaction-local setting `app.shop_id` that `withShop` sets.
 */
import type postgres from "postgres";

import { DB_ROLES } from "~/config.server";

const CURRENT_SHOP = `nullif(current_setting('app.shop_id', true), '')::uuid`;

export async function ensureRoles(sql: postgres.Sql, password: string | undefined): Promise<void> {
  for (const role of Object.values(DB_ROLES)) {
    const [{ exists }] = await sql<{ exists: boolean }[]>`
      select exists(select 1 from pg_roles where rolname = ${role}) as exists`;
    if (!exists) {
      await sql.unsafe(`create role ${role} login nosuperuser nobypassrls nocreatedb nocreaterole noinherit`);
    }
    if (password) {
      // format(%L) quotes the literal inside PostgreSQL: no string building here.
      const [{ stmt }] = await sql<{ stmt: string }[]>`
        select format('alter role %I with login password %L', ${role}::text, ${password}::text) as stmt`;
      await sql.unsafe(stmt);
    }
  }
}

export async function applyTenancy(sql: postgres.Sql): Promise<{ tenantTables: string[] }> {
  const { app, platform } = DB_ROLES;
  const tables = await sql<{ table_name: string }[]>`
    select c.table_name
      from information_schema.columns c
      join information_schema.tables t using (table_schema, table_name)
     where c.table_schema = 'public' and c.column_name = 'shop_id' and t.table_type = 'BASE TABLE'
     order by c.table_name`;
  const tenantTables = tables.map((t) => t.table_name);

  const statements: string[] = [
    `grant usage on schema public to ${app}, ${platform}`,
    `grant select, insert, update, delete on all tables in schema public to ${app}, ${platform}`,
    `grant usage, select on all sequences in schema public to ${app}, ${platform}`,
  ];
  const confine = (table: string, column: string) => [
    `alter table ${ident(table)} enable row level security`,
    `alter table ${ident(table)} force row level security`,
    `drop policy if exists tenant_isolation on ${ident(table)}`,
    `create policy tenant_isolation on ${ident(table)} for all to ${app}
       using (${column} = ${CURRENT_SHOP}) with check (${column} = ${CURRENT_SHOP})`,
    `drop policy if exists platform_access on ${ident(table)}`,
    `create policy platform_access on ${ident(table)} for all to ${platform} using (true) with check (true)`,
  ];
  statements.push(...confine("shops", "id"));
  for (const table of tenantTables) statements.push(...confine(table, "shop_id"));

  await sql.begin(async (tx) => {
    for (const statement of statements) await tx.unsafe(statement);
  });
  return { tenantTables };
}

function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected table name ${name}`);
  return `"${name}"`;
}
