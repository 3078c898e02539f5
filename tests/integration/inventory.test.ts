import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { adjustInventory, adjustStock, InventoryError, ledgerDrift } from "~/domain/catalog/inventory.server";
import { getProduct } from "~/domain/catalog/products.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";

let owner: { id: string };
let shop: { id: string };
beforeAll(async () => {
  owner = await makeUser();
  shop = await makeShop(owner.id);
});
afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

describe("the inventory ledger", () => {
  it("never loses an update under concurrent adjustments, and on-hand always equals the ledger", async () => {
    const saved = await makeProduct(shop.id, owner.id, { title: "Kopi mug", options: [["Colour", ["Teal", "White"]]], stock: 100 });
    const [teal, white] = (await getProduct(shop.id, saved.productId))!.variants;
    // 60 adjustments at once over the pool's 10 connections: each its own transaction, on the same rows.
    const deltas = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? -2 : 3));
    await Promise.all(
      deltas.map((delta, i) =>
        withShop(shop.id, (tx) =>
          adjustInventory(tx, shop.id, {
            variantId: i % 2 ? teal.id : white.id,
            delta,
            reason: delta > 0 ? "received" : "damaged",
            actorUserId: owner.id,
          }),
        ),
      ),
    );
    const expected = (odd: boolean) => 100 + deltas.filter((_, i) => (i % 2 === 1) === odd).reduce((a, b) => a + b, 0);
    const after = (await getProduct(shop.id, saved.productId))!;
    expect(after.variants.find((v) => v.id === teal.id)!.onHand).toBe(expected(true));
    expect(after.variants.find((v) => v.id === white.id)!.onHand).toBe(expected(false));
    expect(after.product.stockOnHand).toBe(expected(true) + expected(false));
    // Each movement records the balance right after it: replaying the ledger in order gives those balances.
    for (const variant of [teal, white]) {
      const rows = await withShop(shop.id, (tx) =>
        tx
          .select()
          .from(schema.inventoryMovements)
          .where(eq(schema.inventoryMovements.variantId, variant.id))
          .orderBy(schema.inventoryMovements.onHandAfter),
      );
      expect(rows).toHaveLength(31);
      const afters = new Set(rows.map((r) => r.onHandAfter));
      let balance = 0;
      const replay = [...rows].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || 0);
      for (const r of replay) balance += r.delta;
      expect(balance).toBe(variant.id === teal.id ? expected(true) : expected(false));
      expect(afters.has(balance)).toBe(true);
    }
    expect(await withShop(shop.id, (tx) => ledgerDrift(tx))).toEqual([]);
  });

  it("refuses to take stock below zero, recording nothing; and allows the last units to go", async () => {
    const saved = await makeProduct(shop.id, owner.id, { title: "Wau ornament", stock: 3 });
    const [variant] = (await getProduct(shop.id, saved.productId))!.variants;
    // Five concurrent removals of one unit each: exactly three succeed.
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        withShop(shop.id, (tx) => adjustInventory(tx, shop.id, { variantId: variant.id, delta: -1, reason: "damaged" })),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused.map((r) => (r.reason as InventoryError).code)).toEqual(["insufficient", "insufficient"]);
    const after = (await getProduct(shop.id, saved.productId))!;
    expect(after.variants[0].onHand).toBe(0);
    const [{ n }] = await withShop(shop.id, (tx) =>
      tx
        .select({ n: sql<number>`count(*)::int` })
        .from(schema.inventoryMovements)
        .where(eq(schema.inventoryMovements.variantId, variant.id)),
    );
    expect(n).toBe(4); // the initial stock and three removals
  });

  it("takes a person's adjustment with a reason, and explains a refusal next to the field", async () => {
    const saved = await makeProduct(shop.id, owner.id, { title: "Pewter tankard", stock: 2 });
    const [variant] = (await getProduct(shop.id, saved.productId))!.variants;
    expect(
      await adjustStock(shop.id, saved.productId, { variantId: variant.id, delta: "+5", reason: "received", note: "PO 1142" }, owner.id),
    ).toEqual({ ok: true, onHand: 7 });
    expect(await adjustStock(shop.id, saved.productId, { variantId: variant.id, delta: "-9", reason: "damaged" }, owner.id)).toEqual({
      ok: false,
      errors: { delta: { key: "catalog:fieldErrors.stockBelowZero", values: { variant: "Default" } } },
    });
    expect(await adjustStock(shop.id, saved.productId, { variantId: variant.id, delta: "0", reason: "received" }, owner.id)).toEqual({
      ok: false,
      errors: { delta: { key: "catalog:fieldErrors.stockDeltaZero" } },
    });
    expect(await adjustStock(shop.id, saved.productId, { variantId: variant.id, delta: "2", reason: "sold" }, owner.id)).toEqual({
      ok: false,
      errors: { reason: { key: "catalog:fieldErrors.stockReasonChoice" } },
    });
    const other = await makeProduct(shop.id, owner.id, { title: "Other" });
    expect(
      await adjustStock(shop.id, other.productId, { variantId: variant.id, delta: "1", reason: "received" }, owner.id),
    ).toBeUndefined();
  });
});
