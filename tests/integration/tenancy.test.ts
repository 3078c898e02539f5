import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { appSql, asPlatform, closeDatabase, pgErrorCode, schema, withShop } from "~db/client";

import { makeShop, makeUser } from "../helpers/factories";

let shopA: { id: string };
let shopB: { id: string };
let userA: { id: string };
let userB: { id: string };

beforeAll(async () => {
  userA = await makeUser();
  userB = await makeUser();
  shopA = await makeShop(userA.id);
  shopB = await makeShop(userB.id);
});
afterAll(() => closeDatabase());

describe("tenant isolation by row-level security", () => {
  it("inside withShop(B), shop A's rows are invisible", async () => {
    const seen = await withShop(shopB.id, async (tx) => ({
      shops: await tx.select({ id: schema.shops.id }).from(schema.shops),
      memberships: await tx.select().from(schema.shopMemberships),
      auditOfA: await tx.select().from(schema.auditLog).where(eq(schema.auditLog.shopId, shopA.id)),
      shopAById: await tx.select().from(schema.shops).where(eq(schema.shops.id, shopA.id)),
    }));
    expect(seen.shops).toEqual([{ id: shopB.id }]);
    expect(seen.memberships.map((m) => m.shopId)).toEqual([shopB.id]);
    expect(seen.auditOfA).toEqual([]);
    expect(seen.shopAById).toEqual([]);
  });

  it("inside withShop(B), writing a row for shop A fails", async () => {
    const insert = withShop(shopB.id, (tx) =>
      tx.insert(schema.shopMemberships).values({ shopId: shopA.id, userId: userB.id, role: "admin" }),
    );
    await expect(insert).rejects.toSatisfy((e) => pgErrorCode(e) === "42501"); // new row violates row-level security
    const outbox = withShop(shopB.id, (tx) =>
      tx.insert(schema.outbox).values({ shopId: shopA.id, queue: "notify", jobName: "x", payload: {} }),
    );
    await expect(outbox).rejects.toSatisfy((e) => pgErrorCode(e) === "42501");
    // Moving one of B's own rows into shop A is refused as well.
    const move = withShop(shopB.id, (tx) =>
      tx.update(schema.shopMemberships).set({ shopId: shopA.id }).where(eq(schema.shopMemberships.userId, userB.id)),
    );
    await expect(move).rejects.toSatisfy((e) => pgErrorCode(e) === "42501");
  });

  it("inside withShop(B), updates and deletes of A's rows touch nothing", async () => {
    const result = await withShop(shopB.id, async (tx) => ({
      updated: await tx.update(schema.shops).set({ name: "Hijacked" }).where(eq(schema.shops.id, shopA.id)).returning(),
      deleted: await tx.delete(schema.shopMemberships).where(eq(schema.shopMemberships.shopId, shopA.id)).returning(),
    }));
    expect(result).toEqual({ updated: [], deleted: [] });
    const [a] = await withShop(shopA.id, (tx) => tx.select().from(schema.shops).where(eq(schema.shops.id, shopA.id)));
    expect(a.name).not.toBe("Hijacked");
  });

  it("without a current shop, the app role sees no tenant rows at all", async () => {
    const [{ count }] = await appSql()`select count(*)::int as count from shop_memberships`;
    expect(count).toBe(0);
    const [{ shops }] = await appSql()`select count(*)::int as shops from shops`;
    expect(shops).toBe(0);
  });

  it("the runtime role cannot turn row-level security off", async () => {
    const sql_ = appSql();
    await expect(sql_`alter table shop_memberships disable row level security`).rejects.toSatisfy((e) => pgErrorCode(e) === "42501");
    await expect(sql_`alter table shop_memberships no force row level security`).rejects.toSatisfy((e) => pgErrorCode(e) === "42501");
    await expect(sql_`drop policy tenant_isolation on shop_memberships`).rejects.toSatisfy((e) => pgErrorCode(e) === "42501");
    await expect(sql_`set role netshop_platform`).rejects.toSatisfy((e) => pgErrorCode(e) === "42501");
    // row_security = off makes PostgreSQL raise instead of silently filtering: still no rows.
    await expect(
      sql_.begin(async (tx) => {
        await tx`set local row_security = off`;
        return tx`select * from shop_memberships`;
      }),
    ).rejects.toSatisfy((e) => pgErrorCode(e) === "42501");
    const [role] = await sql_`select rolsuper, rolbypassrls from pg_roles where rolname = current_user`;
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
  });

  it("every table with shop_id has row-level security enabled and forced, with both policies", async () => {
    const owner = postgres(process.env.DATABASE_URL!, { max: 1 });
    try {
      const tables = await owner<{ relname: string; rls: boolean; forced: boolean; policies: string[]; owner: string }[]>`
        select c.relname, c.relrowsecurity as rls, c.relforcerowsecurity as forced, pg_get_userbyid(c.relowner) as owner,
               coalesce(array_agg(p.polname order by p.polname) filter (where p.polname is not null), '{}') as policies
          from pg_class c
          join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
          left join pg_policy p on p.polrelid = c.oid
         where c.relkind = 'r'
           and (c.relname = 'shops' or exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'shop_id' and not a.attisdropped))
         group by c.oid`;
      expect(tables.length).toBeGreaterThanOrEqual(5);
      for (const t of tables) {
        expect({ table: t.relname, rls: t.rls, forced: t.forced, policies: t.policies }).toEqual({
          table: t.relname,
          rls: true,
          forced: true,
          policies: ["platform_access", "tenant_isolation"],
        });
        expect(["netshop_app", "netshop_platform"]).not.toContain(t.owner);
      }
    } finally {
      await owner.end();
    }
  });

  it("unique keys and foreign keys between tenant tables include shop_id", async () => {
    const owner = postgres(process.env.DATABASE_URL!, { max: 1 });
    try {
      // Tables whose shop_id is NOT NULL are tenant tables proper; the nullable ones are
      // platform-or-tenant logs (outbox, audit_log, messages) keyed by their own id.
      const offenders = await owner<{ name: string }[]>`
        with tenant as (
          select a.attrelid as rel, a.attnum as shop_col from pg_attribute a
            join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and c.relkind = 'r' and a.attname = 'shop_id' and a.attnotnull and not a.attisdropped
        )
        select i.indexrelid::regclass::text as name from pg_index i join tenant t on t.rel = i.indrelid
         where i.indisunique and not (t.shop_col = any (i.indkey::int2[]))
        union all
        select con.conname from pg_constraint con
          join tenant t on t.rel = con.conrelid join tenant r on r.rel = con.confrelid
         where con.contype = 'f' and not (t.shop_col = any (con.conkey))`;
      expect(offenders).toEqual([]);
    } finally {
      await owner.end();
    }
  });

  it("the platform path sees every shop (and is used only where work spans shops)", async () => {
    const ids = await asPlatform((tx) =>
      tx
        .select({ id: schema.shops.id })
        .from(schema.shops)
        .where(sql`${schema.shops.id} in (${shopA.id}, ${shopB.id})`),
    );
    expect(ids).toHaveLength(2);
  });
});
