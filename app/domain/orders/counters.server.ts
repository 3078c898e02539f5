import { sql } from "drizzle-orm";

import { schema, type Tx } from "~db/client";

/** The first number of each counter: order #1001, invoice 1. */
const FIRST = { order: 1001, invoice: 1 } as const;
export type CounterName = keyof typeof FIRST;

/**
 * Takes the next number of a per-shop counter. The upsert locks the shop's counter row until the
 * transaction ends: concurrent transactions wait in turn (no duplicates) and a rollback gives the
 * number back (no gaps). Take it late in the transaction to hold the lock briefly.
 */
export async function nextShopNumber(tx: Tx, shopId: string, name: CounterName): Promise<number> {
  const [row] = await tx
    .insert(schema.shopCounters)
    .values({ shopId, name, value: FIRST[name] })
    .onConflictDoUpdate({
      target: [schema.shopCounters.shopId, schema.shopCounters.name],
      set: { value: sql`${schema.shopCounters.value} + 1` },
    })
    .returning({ value: schema.shopCounters.value });
  return row.value;
}
