import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";

import { looksPersonal, NOT_PERSONAL, PRIVACY_MAP } from "~/domain/privacy/privacy-map.server";
import { asPlatform, closeDatabase } from "~db/client";

afterAll(() => closeDatabase());

async function columns(): Promise<Array<{ table: string; column: string }>> {
  const rows = await asPlatform((tx) =>
    tx.execute<{ table_name: string; column_name: string }>(sql`
      select c.table_name, c.column_name
        from information_schema.columns c
        join information_schema.tables t using (table_schema, table_name)
       where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
       order by 1, 2`),
  );
  return [...rows].map((r) => ({ table: r.table_name, column: r.column_name }));
}

describe("the privacy map", () => {
  it("covers every column that looks personal (a new one fails here until it is mapped)", async () => {
    const unmapped = (await columns())
      .filter((c) => looksPersonal(c.column))
      .filter((c) => !PRIVACY_MAP.some((m) => m.table === c.table && m.column === c.column))
      .filter((c) => !(`${c.table}.${c.column}` in NOT_PERSONAL))
      .map((c) => `${c.table}.${c.column}`);
    expect(unmapped).toEqual([]);
  });

  it("lists only columns that exist, and every retained column says why and for how long", async () => {
    const all = new Set((await columns()).map((c) => `${c.table}.${c.column}`));
    expect(PRIVACY_MAP.map((m) => `${m.table}.${m.column}`).filter((k) => !all.has(k))).toEqual([]);
    expect(Object.keys(NOT_PERSONAL).filter((k) => !all.has(k))).toEqual([]);
    for (const m of PRIVACY_MAP) {
      if (m.deletion.action === "retain") {
        expect(m.deletion.reason.length).toBeGreaterThan(20);
        expect(m.deletion.years).toBeGreaterThan(0);
      }
    }
  });
});
