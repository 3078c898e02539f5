import { randomUUID } from "node:crypto";

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  claimFlashSalePrices,
  endFlashSale,
  FlashSaleLimitError,
  releaseFlashSaleClaims,
  runningSalePrices,
  saveFlashSale,
  toLocalDateTime,
} from "~/domain/storefront/flash-sales.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { signIn } from "../helpers/auth";
import { makeShop, makeUser } from "../helpers/factories";
import { HOUR, makeActiveProduct, makeFlashSale } from "../helpers/storefront";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

let owner: Awaited<ReturnType<typeof makeUser>>;
let shop: Awaited<ReturnType<typeof makeShop>>;
let web: Awaited<ReturnType<typeof startWeb>> | undefined;
process.env.TRUST_PROXY = "1";

async function variantOf(shopId: string, productId: string): Promise<{ id: string; priceMinor: number }> {
  const [v] = await withShop(shopId, (tx) => tx.select().from(schema.variants).where(eq(schema.variants.productId, productId)));
  return v;
}
async function sale(shopId: string, id: string) {
  const [row] = await withShop(shopId, (tx) => tx.select().from(schema.flashSales).where(eq(schema.flashSales.id, id)));
  return row;
}
/** One order placing `quantity` of a variant, in its own transaction like checkout. */
function order(shopId: string, variant: { id: string; priceMinor: number }, customerKey: string, quantity = 1, now?: Date) {
  const orderId = randomUUID();
  return withShop(shopId, (tx) =>
    claimFlashSalePrices(tx, {
      shopId,
      orderId,
      customerKey,
      now,
      lines: [{ variantId: variant.id, quantity, unitPriceMinor: variant.priceMinor }],
    }),
  ).then((lines) => ({ orderId, lines }));
}

beforeAll(async () => {
  owner = await makeUser();
  shop = await makeShop(owner.id);
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

describe("flash sale pricing at checkout", () => {
  it("applies the sale price only inside the window, and leaves other lines alone", async () => {
    const onSale = await makeActiveProduct(shop.id, owner.id, { title: "Songket Sampin", price: "100.00", stock: 50 });
    const regular = await makeActiveProduct(shop.id, owner.id, { title: "Pewter Tankard", price: "80.00", stock: 50 });
    const v = await variantOf(shop.id, onSale.productId);
    const other = await variantOf(shop.id, regular.productId);
    const start = new Date(Date.now() + 2 * HOUR);
    await makeFlashSale(shop, owner.id, { from: start, to: new Date(start.getTime() + HOUR), prices: { [v.id]: "59.90" } });

    const before = await order(shop.id, v, "before@example.com", 1, new Date(start.getTime() - 60_000));
    expect(before.lines[0]).toEqual({ variantId: v.id, unitPriceMinor: 10000, regularUnitPriceMinor: null, flashSaleId: null });

    const during = await withShop(shop.id, (tx) =>
      claimFlashSalePrices(tx, {
        shopId: shop.id,
        orderId: randomUUID(),
        customerKey: "During@Example.com",
        now: new Date(start.getTime() + 60_000),
        lines: [
          { variantId: other.id, quantity: 1, unitPriceMinor: 8000 },
          { variantId: v.id, quantity: 2, unitPriceMinor: 10000 },
        ],
      }),
    );
    expect(during[0]).toMatchObject({ variantId: other.id, unitPriceMinor: 8000, flashSaleId: null });
    expect(during[1]).toMatchObject({ variantId: v.id, unitPriceMinor: 5990, regularUnitPriceMinor: 10000 });
    expect(during[1].flashSaleId).toBeTruthy();

    const after = await order(shop.id, v, "after@example.com", 1, new Date(start.getTime() + HOUR));
    expect(after.lines[0].flashSaleId).toBeNull();
  });

  it("uses the lowest of two running sales, and an ended sale no longer applies", async () => {
    const p = await makeActiveProduct(shop.id, owner.id, { title: "Rattan Basket", price: "50.00", stock: 50 });
    const v = await variantOf(shop.id, p.productId);
    const now = Date.now();
    await makeFlashSale(shop, owner.id, { from: new Date(now - HOUR), to: new Date(now + HOUR), prices: { [v.id]: "45.00" } });
    const cheaper = await makeFlashSale(shop, owner.id, {
      from: new Date(now - HOUR),
      to: new Date(now + 2 * HOUR),
      prices: { [v.id]: "39.00" },
    });
    expect((await order(shop.id, v, "a@example.com")).lines[0]).toMatchObject({ unitPriceMinor: 3900, flashSaleId: cheaper });
    expect(await endFlashSale(shop.id, cheaper, { userId: owner.id })).toBe(true);
    expect((await order(shop.id, v, "a@example.com")).lines[0].unitPriceMinor).toBe(4500);
  });

  it("a sale price above a regular price lowered since is no discount: the regular price shows and is charged", async () => {
    const p = await makeActiveProduct(shop.id, owner.id, { title: "Batik Sarong", price: "100.00", stock: 50 });
    const v = await variantOf(shop.id, p.productId);
    await makeFlashSale(shop, owner.id, {
      from: new Date(Date.now() - HOUR),
      to: new Date(Date.now() + HOUR),
      prices: { [v.id]: "59.90" },
    });
    expect((await withShop(shop.id, (tx) => runningSalePrices(tx, [v.id]))).get(v.id)?.salePriceMinor).toBe(5990);
    await withShop(shop.id, (tx) => tx.update(schema.variants).set({ priceMinor: 5000 }).where(eq(schema.variants.id, v.id)));
    expect((await withShop(shop.id, (tx) => runningSalePrices(tx, [v.id]))).has(v.id)).toBe(false);
    expect((await order(shop.id, { id: v.id, priceMinor: 5000 }, "lowered@example.com")).lines[0]).toMatchObject({
      unitPriceMinor: 5000,
      flashSaleId: null,
    });
  });

  it("100 concurrent buyers against a cap of 10: exactly 10 get the sale price, the rest a clear refusal", async () => {
    const p = await makeActiveProduct(shop.id, owner.id, { title: "Batik Scarf", price: "30.00", stock: 500 });
    const v = await variantOf(shop.id, p.productId);
    const id = await makeFlashSale(shop, owner.id, {
      from: new Date(Date.now() - HOUR),
      to: new Date(Date.now() + HOUR),
      prices: { [v.id]: "9.90" },
      totalCap: 10,
    });

    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => order(shop.id, v, `buyer${i}@example.com`)));
    const won = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(10);
    for (const r of won) expect((r as PromiseFulfilledResult<Awaited<ReturnType<typeof order>>>).value.lines[0].unitPriceMinor).toBe(990);
    expect(refused).toHaveLength(90);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(FlashSaleLimitError);
      expect((r.reason as Error).message).toMatch(/sold out at the sale price/);
    }
    expect((await sale(shop.id, id)).claimed).toBe(10);
    const claims = await withShop(shop.id, (tx) =>
      tx.select().from(schema.flashSaleClaims).where(eq(schema.flashSaleClaims.flashSaleId, id)),
    );
    expect(claims.reduce((n, c) => n + c.quantity, 0)).toBe(10);

    // A sold-out sale no longer shows its price on the storefront, and a buyer who accepts the
    // regular price gets it without a claim.
    expect((await withShop(shop.id, (tx) => runningSalePrices(tx, [v.id]))).has(v.id)).toBe(false);
    const regular = await withShop(shop.id, (tx) =>
      claimFlashSalePrices(tx, {
        shopId: shop.id,
        orderId: randomUUID(),
        customerKey: "late@example.com",
        onLimit: "regular-price",
        lines: [{ variantId: v.id, quantity: 1, unitPriceMinor: 3000 }],
      }),
    );
    expect(regular[0]).toEqual({ variantId: v.id, unitPriceMinor: 3000, regularUnitPriceMinor: null, flashSaleId: null });
    expect((await sale(shop.id, id)).claimed).toBe(10);
  });

  it("says how many are left when an order asks for more than remain", async () => {
    const p = await makeActiveProduct(shop.id, owner.id, { title: "Kopi Mug", price: "25.00", stock: 50 });
    const v = await variantOf(shop.id, p.productId);
    await makeFlashSale(shop, owner.id, {
      from: new Date(Date.now() - HOUR),
      to: new Date(Date.now() + HOUR),
      prices: { [v.id]: "15.00" },
      totalCap: 5,
    });
    await order(shop.id, v, "x@example.com", 3);
    await expect(order(shop.id, v, "y@example.com", 3)).rejects.toThrow(/Only 2 left at the sale price/);
    expect((await order(shop.id, v, "y@example.com", 2)).lines[0].unitPriceMinor).toBe(1500);
  });

  it("keeps each customer within the per-customer limit, also when they order at once", async () => {
    const p = await makeActiveProduct(shop.id, owner.id, { title: "Tudung Bawal", price: "40.00", stock: 500 });
    const v = await variantOf(shop.id, p.productId);
    await makeFlashSale(shop, owner.id, {
      from: new Date(Date.now() - HOUR),
      to: new Date(Date.now() + HOUR),
      prices: { [v.id]: "20.00" },
      perCustomerLimit: 2,
    });

    await order(shop.id, v, "siti@example.com", 1);
    await expect(order(shop.id, v, "SITI@example.com", 2)).rejects.toThrow(/allows 2 per customer: you can add 1 more/);
    await order(shop.id, v, "siti@example.com", 1);
    const third = order(shop.id, v, "siti@example.com", 1);
    await expect(third).rejects.toBeInstanceOf(FlashSaleLimitError);
    await expect(third).rejects.toThrow(/already bought the most allowed/);
    // Another customer is not affected.
    expect((await order(shop.id, v, "+60123456789", 2)).lines[0].unitPriceMinor).toBe(2000);

    const racing = await Promise.allSettled(Array.from({ length: 20 }, () => order(shop.id, v, "racer@example.com", 1)));
    expect(racing.filter((r) => r.status === "fulfilled")).toHaveLength(2);
  });

  it("a refused claim rolls back with the order: nothing is counted", async () => {
    const p = await makeActiveProduct(shop.id, owner.id, { title: "Seroja Cushion", price: "60.00", stock: 50 });
    const v = await variantOf(shop.id, p.productId);
    const id = await makeFlashSale(shop, owner.id, {
      from: new Date(Date.now() - HOUR),
      to: new Date(Date.now() + HOUR),
      prices: { [v.id]: "30.00" },
      totalCap: 3,
      perCustomerLimit: 1,
    });
    await expect(order(shop.id, v, "greedy@example.com", 2)).rejects.toBeInstanceOf(FlashSaleLimitError);
    expect((await sale(shop.id, id)).claimed).toBe(0);
  });

  it("releasing an expired or cancelled order gives its units back, once", async () => {
    const p = await makeActiveProduct(shop.id, owner.id, { title: "Melati Kaftan", price: "90.00", stock: 50 });
    const v = await variantOf(shop.id, p.productId);
    const id = await makeFlashSale(shop, owner.id, {
      from: new Date(Date.now() - HOUR),
      to: new Date(Date.now() + HOUR),
      prices: { [v.id]: "49.00" },
      totalCap: 2,
      perCustomerLimit: 2,
    });
    const first = await order(shop.id, v, "aina@example.com", 2);
    await expect(order(shop.id, v, "ben@example.com", 1)).rejects.toThrow(/sold out/);

    expect(await withShop(shop.id, (tx) => releaseFlashSaleClaims(tx, { shopId: shop.id, orderId: first.orderId }))).toBe(2);
    expect(await withShop(shop.id, (tx) => releaseFlashSaleClaims(tx, { shopId: shop.id, orderId: first.orderId }))).toBe(0);
    expect((await sale(shop.id, id)).claimed).toBe(0);
    // Both the cap and Aina's own allowance are back.
    expect((await order(shop.id, v, "ben@example.com", 1)).lines[0].unitPriceMinor).toBe(4900);
    expect((await order(shop.id, v, "aina@example.com", 1)).lines[0].unitPriceMinor).toBe(4900);
  });
});

describe("flash sale editor", () => {
  it("validates the window, limits and prices with messages per field", async () => {
    const p = await makeActiveProduct(shop.id, owner.id, { title: "Orkid Brooch", price: "20.00", stock: 5 });
    const v = await variantOf(shop.id, p.productId);
    const result = await saveFlashSale(
      { shopId: shop.id, timezone: shop.timezone },
      null,
      {
        name: "X",
        startsAt: "2026-12-12T10:00",
        endsAt: "2026-12-12T09:00",
        totalCap: "0",
        perCustomerLimit: "abc",
        [`price_${v.id}`]: "25.00",
      },
      { userId: owner.id },
    );
    expect(result).toMatchObject({
      ok: false,
      errors: {
        name: { key: "deals:errors.name", values: { min: 2 } },
        endsAt: { key: "deals:errors.endsBeforeStart" },
        totalCap: { key: "deals:errors.limit" },
        perCustomerLimit: { key: "deals:errors.limit" },
        [`price_${v.id}`]: { key: "deals:errors.priceNotLower" },
      },
    });
  });

  it("reads the window in the shop's time zone", async () => {
    const p = await makeActiveProduct(shop.id, owner.id, { title: "Pandan Candle", price: "20.00", stock: 5 });
    const v = await variantOf(shop.id, p.productId);
    const result = await saveFlashSale(
      { shopId: shop.id, timezone: "Asia/Kuala_Lumpur" },
      null,
      {
        name: "12.12",
        startsAt: "2026-12-12T10:00",
        endsAt: "2026-12-12T22:00",
        totalCap: "",
        perCustomerLimit: "",
        [`price_${v.id}`]: "12.12",
      },
      { userId: owner.id },
    );
    if (!result?.ok) throw new Error(JSON.stringify(result));
    const row = await sale(shop.id, result.id);
    expect(row.startsAt.toISOString()).toBe("2026-12-12T02:00:00.000Z");
    expect(row.endsAt.toISOString()).toBe("2026-12-12T14:00:00.000Z");
  });
});

describe("admin deals pages", () => {
  it("create, edit and end a sale through the forms, with field errors that keep what was typed", async () => {
    web = await startWeb();
    const p = await makeActiveProduct(shop.id, owner.id, { title: "Kemboja Sarong", price: "70.00", stock: 5 });
    const v = await variantOf(shop.id, p.productId);
    const client = new FormClient(web.url);
    client.forwardedFor = "198.51.100.77";
    await signIn(client, owner);

    expect((await client.get("/admin/deals")).status).toBe(200);
    expect(client.lastHtml).toContain('href="/admin/deals"'); // in the admin navigation
    await client.get("/admin/deals/new");
    expect(client.lastHtml).toContain(`name="price_${v.id}"`);
    const refused = await client.post("/admin/deals/new", {
      name: "Raya sale",
      startsAt: "2026-12-12T10:00",
      endsAt: "2026-12-12T22:00",
      totalCap: "",
      perCustomerLimit: "",
      [`price_${v.id}`]: "80.00",
    });
    expect(refused.status).toBe(400);
    expect(htmlDecode(client.lastHtml)).toContain("A sale price must be below the regular price.");
    expect(client.lastHtml).toContain('value="Raya sale"');

    const start = new Date(Date.now() - HOUR);
    const created = await client.post("/admin/deals/new", {
      name: "Raya sale",
      startsAt: toLocalDateTime(start, shop.timezone),
      endsAt: toLocalDateTime(new Date(Date.now() + HOUR), shop.timezone),
      totalCap: "20",
      perCustomerLimit: "2",
      [`price_${v.id}`]: "49.90",
    });
    expect(created.status).toBe(302);
    const location = created.headers.get("location")!;
    expect(location).toMatch(/^\/admin\/deals\/[0-9a-f-]{36}\?saved=1$/);
    expect((await withShop(shop.id, (tx) => runningSalePrices(tx, [v.id]))).get(v.id)?.salePriceMinor).toBe(4990);

    await client.get(location);
    expect(client.lastHtml).toContain('value="49.90"');
    const ended = await client.post(location.split("?")[0], { intent: "end" });
    expect(ended.status).toBe(302);
    expect((await withShop(shop.id, (tx) => runningSalePrices(tx, [v.id]))).has(v.id)).toBe(false);
    await client.get("/admin/deals");
    expect(client.lastHtml).toMatch(/Raya sale[\s\S]*ended/);
  });
});
