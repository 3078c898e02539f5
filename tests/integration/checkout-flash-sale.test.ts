/**
 * Checkout charges a running flash sale's price, under its cap and per-customer limit, through
 * the real order placement; an order that expires gives its claim back.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadCart } from "~/domain/checkout/cart.server";
import { placeOrder } from "~/domain/checkout/checkout.server";
import { expireOrder } from "~/flows/order-cancelled.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { checkoutForm, guestWithCart, level, peninsularRateId, sellable } from "../helpers/checkout";
import { makeShop, makeUser } from "../helpers/factories";
import { HOUR, makeFlashSale } from "../helpers/storefront";

let owner: Awaited<ReturnType<typeof makeUser>>;
let shop: Awaited<ReturnType<typeof makeShop>>;
let rateId: string;

beforeAll(async () => {
  owner = await makeUser();
  shop = await makeShop(owner.id);
  rateId = await peninsularRateId(shop.id);
});
afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

const soldCount = async (saleId: string) =>
  (await withShop(shop.id, (tx) => tx.select().from(schema.flashSales).where(eq(schema.flashSales.id, saleId))))[0];

describe("checkout during a flash sale", () => {
  it("shows and charges the sale price, stops at the cap with a clear message, and an expired order gives its unit back", async () => {
    const { variantId } = await sellable(shop.id, owner.id, { stock: 20, price: "100.00", title: "Songket Sampin" });
    const saleId = await makeFlashSale(shop, owner.id, {
      from: new Date(Date.now() - HOUR),
      to: new Date(Date.now() + HOUR),
      prices: { [variantId]: "59.90" },
      totalCap: 2,
    });

    const first = await guestWithCart(shop.id, variantId, 1);
    const cart = await loadCart(first, "MYR");
    expect(cart.lines[0]).toMatchObject({ unitPriceMinor: 5990, regularUnitPriceMinor: 10000 });
    expect(cart.subtotalMinor).toBe(5990);

    const placed: string[] = [];
    for (let i = 0; i < 2; i++) {
      const who = i === 0 ? first : await guestWithCart(shop.id, variantId, 1);
      const result = await placeOrder({ who, form: checkoutForm(rateId), locale: "en" });
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      placed.push(result.orderId);
    }
    const lines = await withShop(shop.id, (tx) => tx.select().from(schema.orderLines).where(eq(schema.orderLines.variantId, variantId)));
    expect(lines.map((l) => [l.unitPriceMinor, l.regularUnitPriceMinor, l.flashSaleId])).toEqual([
      [5990, 10000, saleId],
      [5990, 10000, saleId],
    ]);
    const [order] = await withShop(shop.id, (tx) => tx.select().from(schema.orders).where(eq(schema.orders.id, placed[0])));
    expect(order.subtotalMinor).toBe(5990);

    // The cap is used up: a buyer who saw the sale price is told, not charged more silently.
    const late = await placeOrder({ who: await guestWithCart(shop.id, variantId, 1), form: checkoutForm(rateId), locale: "en" });
    expect(late.ok).toBe(false);
    if (!late.ok) expect(late.errors.form).toMatch(/sold out|left/i);
    expect((await soldCount(saleId)).claimed).toBe(2);

    // An unpaid order that expires gives its claimed unit back to the sale.
    await withShop(shop.id, (tx) =>
      tx
        .update(schema.orders)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(and(eq(schema.orders.shopId, shop.id), eq(schema.orders.id, placed[1]))),
    );
    expect(await withShop(shop.id, (tx) => expireOrder(tx, shop.id, placed[1]))).toBe(true);
    expect((await soldCount(saleId)).claimed).toBe(1);
    const again = await placeOrder({ who: await guestWithCart(shop.id, variantId, 1), form: checkoutForm(rateId), locale: "en" });
    expect(again.ok).toBe(true);
  });
});

describe("a flash sale's burst (issue 16)", () => {
  it("many buyers at once: the cap and the per-customer limit stay exact, every buyer gets an answer", async () => {
    const { variantId } = await sellable(shop.id, owner.id, { stock: 500, price: "100.00", title: "Baju Kurung Raya" });
    const saleId = await makeFlashSale(shop, owner.id, {
      from: new Date(Date.now() - HOUR),
      to: new Date(Date.now() + HOUR),
      prices: { [variantId]: "49.00" },
      totalCap: 10,
      perCustomerLimit: 1,
    });
    // 60 buyers, two carts each per email address (the same person on two devices).
    const emails = Array.from({ length: 30 }, (_, i) => `burst${i}-${saleId.slice(0, 8)}@example.com`);
    const buyers = await Promise.all(Array.from({ length: 60 }, () => guestWithCart(shop.id, variantId, 1)));
    const results = await Promise.all(
      buyers.map((who, i) => placeOrder({ who, form: checkoutForm(rateId, { email: emails[i % emails.length] }), locale: "en" })),
    );
    const placed = results.filter((r) => r.ok);
    expect(placed).toHaveLength(10);
    for (const r of results) if (!r.ok) expect(r.errors.form).toMatch(/sold out|per customer/);
    expect((await soldCount(saleId)).claimed).toBe(10);
    const orders = await withShop(shop.id, (tx) =>
      tx
        .select({ email: schema.orders.email, unit: schema.orderLines.unitPriceMinor })
        .from(schema.orderLines)
        .innerJoin(schema.orders, and(eq(schema.orders.shopId, schema.orderLines.shopId), eq(schema.orders.id, schema.orderLines.orderId)))
        .where(eq(schema.orderLines.variantId, variantId)),
    );
    expect(orders).toHaveLength(10);
    expect(new Set(orders.map((o) => o.email)).size).toBe(10); // one per customer
    expect(orders.every((o) => o.unit === 4900)).toBe(true);
    // Stock holds exactly what was ordered.
    expect(await level(shop.id, variantId)).toEqual({ onHand: 500, reserved: 10 });
  });

  it("a buyer of a used-up sale is answered while another checkout holds the variant's stock row", async () => {
    const { variantId } = await sellable(shop.id, owner.id, { stock: 50, price: "100.00", title: "Tudung Bawal" });
    const saleId = await makeFlashSale(shop, owner.id, {
      from: new Date(Date.now() - HOUR),
      to: new Date(Date.now() + HOUR),
      prices: { [variantId]: "29.00" },
      totalCap: 1,
    });
    const winner = await placeOrder({ who: await guestWithCart(shop.id, variantId, 1), form: checkoutForm(rateId), locale: "en" });
    expect(winner.ok).toBe(true);
    const late = await guestWithCart(shop.id, variantId, 1);
    // Another order's transaction is in flight and holds the stock row and the sale's row: the
    // late buyer's refusal must not wait for it (it would never come: this test holds it until then).
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = withShop(shop.id, async (tx) => {
      await tx.select().from(schema.inventoryLevels).where(eq(schema.inventoryLevels.variantId, variantId)).for("update");
      await tx.select().from(schema.flashSales).where(eq(schema.flashSales.id, saleId)).for("update");
      locked();
      await held;
    });
    await isLocked;
    const refused = await placeOrder({ who: late, form: checkoutForm(rateId), locale: "en" });
    release();
    await holder;
    expect(refused).toMatchObject({ ok: false, errors: { form: expect.stringContaining("sold out at the sale price") } });
    expect(await level(shop.id, variantId)).toEqual({ onHand: 50, reserved: 1 });
  });
});
