/**
 * Dropshipping: import with pricing rules, stock and cost sync, forwarding (idempotent under
 * duplicate payment callbacks and worker retries), the exact fields a supplier receives, the
 * wallet under 50 concurrent forwards, supplier fulfilment back to the merchant's order (mixed
 * orders included), rejected lines, and tenancy between suppliers and between merchants.
 * Job handlers are called directly, as the dropship worker would (retries = calling again).
 */
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { forwardOrder, listForwards, payHeldForward, supplierOrderCancelled } from "~/domain/dropship/forwarding.server";
import { saveDropshipSettings, saveProductRule, syncSupplierVariants } from "~/domain/dropship/import.server";
import { networkProduct, NetworkQuerySchema, searchNetwork, toggleFavourite } from "~/domain/dropship/network.server";
import { marginPercent, priceFor } from "~/domain/dropship/pricing";
import {
  acceptSupplierOrder,
  getSupplierOrder,
  getSupplierProduct,
  listSupplierOrders,
  rejectSupplierLine,
  shipSupplierOrder,
  updateSupplierProduct,
} from "~/domain/dropship/supplier-portal.server";
import { newTopUpToken, recordTopUp, setSupplierStatus } from "~/domain/dropship/suppliers.server";
import { addImageFromBuffer, processMedia } from "~/domain/media/media.server";
import { cancelPaidOrder } from "~/flows/order-refunded.server";
import { supplierOrderChanged } from "~/flows/supplier-shipment.server";
import { headObject } from "~/integrations/storage.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema, withShop } from "~db/client";

import { makePng, makeProduct } from "../helpers/catalog";
import {
  importInto,
  makeDropshipOrder,
  makeMerchant,
  makeOperator,
  makeSupplier,
  makeSupplierProduct,
  payOrder,
  topUp,
} from "../helpers/dropship";
import { TEST_ADDRESS } from "../helpers/orders";

const who = { ip: "127.0.0.1", userAgent: "vitest" };
const q = (over: Record<string, string> = {}) => NetworkQuerySchema.parse(over);

afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

async function outboxFor(shopId: string, name: string) {
  return asPlatform((tx) =>
    tx
      .select()
      .from(schema.outbox)
      .where(and(eq(schema.outbox.shopId, shopId), eq(schema.outbox.jobName, name))),
  );
}
async function variantOf(shopId: string, variantId: string) {
  return withShop(shopId, async (tx) => {
    const [v] = await tx.select().from(schema.variants).where(eq(schema.variants.id, variantId));
    const [level] = await tx.select().from(schema.inventoryLevels).where(eq(schema.inventoryLevels.variantId, variantId));
    return { ...v, onHand: level.onHand };
  });
}

describe("network and import", () => {
  let supplier: Awaited<ReturnType<typeof makeSupplier>>;
  let merchant: Awaited<ReturnType<typeof makeMerchant>>;
  let product: Awaited<ReturnType<typeof makeSupplierProduct>>;

  beforeAll(async () => {
    supplier = await makeSupplier({ state: "Pulau Pinang", handlingDays: 1 });
    merchant = await makeMerchant();
    product = await makeSupplierProduct(supplier.shopId, supplier.user.id, {
      cost: "12.34",
      price: "39.90",
      stock: 7,
      option: { name: "Size", values: "S, M" },
      category: "Scarves-net",
    });
    const mediaId = await addImageFromBuffer(supplier.shopId, product.productId, {
      body: await makePng(800, 600),
      contentType: "image/png",
      filename: "scarf.png",
      alt: "Scarf",
    });
    await processMedia({ shopId: supplier.shopId, mediaId });
  });

  it("shows only approved suppliers' published products, with filters", async () => {
    const pending = await makeSupplier({ approved: false });
    const hidden = await makeSupplierProduct(pending.shopId, pending.user.id, {
      cost: "1.00",
      price: "2.00",
      stock: 1,
      category: "Scarves-net",
    });
    const draft = await makeSupplierProduct(supplier.shopId, supplier.user.id, {
      cost: "1.00",
      price: "2.00",
      stock: 1,
      category: "Scarves-net",
      publish: false,
    });
    const found = await searchNetwork(merchant.shopId, q({ category: "Scarves-net" }));
    const ids = found.products.map((p) => p.id);
    expect(ids).toContain(product.productId);
    expect(ids).not.toContain(hidden.productId);
    expect(ids).not.toContain(draft.productId);
    expect(await networkProduct(hidden.productId)).toBeUndefined();
    expect(await networkProduct(draft.productId)).toBeUndefined();
    const row = found.products.find((p) => p.id === product.productId)!;
    expect(row).toMatchObject({ minCostMinor: 1234, suggestedPriceMinor: 3990, stock: 14, shipsFrom: "Pulau Pinang", handlingDays: 1 });
    expect(row.imageUrl).toBeTruthy();
    // Filters: ships-from, handling time, cost range, supplier.
    expect((await searchNetwork(merchant.shopId, q({ category: "Scarves-net", shipsFrom: "Johor" }))).products).toHaveLength(0);
    expect(
      (await searchNetwork(merchant.shopId, q({ category: "Scarves-net", maxHandlingDays: "0" }))).products.map((p) => p.id),
    ).not.toContain(product.productId);
    expect(
      (await searchNetwork(merchant.shopId, q({ category: "Scarves-net", maxCost: "12.00" }))).products.map((p) => p.id),
    ).not.toContain(product.productId);
    expect((await searchNetwork(merchant.shopId, q({ supplier: supplier.shopId }))).products.map((p) => p.id)).toEqual([product.productId]);
    // Favourites are the merchant's own.
    expect(await toggleFavourite(merchant.shopId, product.productId)).toBe(true);
    expect((await searchNetwork(merchant.shopId, q({ favourites: "1" }))).products.map((p) => p.id)).toEqual([product.productId]);
    const other = await makeMerchant();
    expect((await searchNetwork(other.shopId, q({ favourites: "1" }))).products).toHaveLength(0);
    // Suspending the supplier takes its products out of the network.
    const suspended = await makeSupplier();
    const gone = await makeSupplierProduct(suspended.shopId, suspended.user.id, { cost: "1.00", price: "2.00", stock: 1 });
    await setSupplierStatus(suspended.user.id, suspended.shopId, "suspended", who);
    expect(await networkProduct(gone.productId)).toBeUndefined();
  });

  it("imports one click: linked variants priced by the shop's rule with rounding, stock mirrored, images copied into the shop's media", async () => {
    const saved = await saveDropshipSettings(
      merchant.shopId,
      { userId: merchant.user.id, ...who },
      { multiplier: "1.5", markup: "2.00", rounding: "90", marginAlertPercent: "20" },
    );
    expect(saved.ok).toBe(true);
    const imported = await importInto(merchant.shopId, merchant.user.id, product.productId);
    // 12.34 × 1.5 = 18.51, + 2.00 = 20.51, rounded up to .90 = 20.90
    expect(priceFor(1234, { multiplierBp: 15000, markupMinor: 200, roundingEnding: 90 })).toBe(2090);
    expect(imported.variants.map((v) => [v.title, v.priceMinor, v.costMinor])).toEqual([
      ["S", 2090, 1234],
      ["M", 2090, 1234],
    ]);
    const links = await withShop(merchant.shopId, (tx) =>
      tx.select().from(schema.dropshipLinks).where(eq(schema.dropshipLinks.productId, imported.productId)),
    );
    expect(links.map((l) => l.supplierVariantId).sort()).toEqual(product.variants.map((v) => v.id).sort());
    expect((await variantOf(merchant.shopId, imported.variants[0].id)).onHand).toBe(7);
    const media = await withShop(merchant.shopId, (tx) =>
      tx.select().from(schema.media).where(eq(schema.media.productId, imported.productId)),
    );
    expect(media).toHaveLength(1);
    expect(media[0].originalKey.startsWith(`shops/${merchant.shopId}/media/`)).toBe(true);
    expect(await headObject(media[0].originalKey)).toBeDefined();
    // Importing again gives the same product.
    const again = await importInto(merchant.shopId, merchant.user.id, product.productId);
    expect(again.productId).toBe(imported.productId);
    // A per-product rule (×2, no rounding) re-prices that product only.
    expect(
      await saveProductRule(
        merchant.shopId,
        imported.productId,
        { userId: merchant.user.id, ...who },
        { multiplier: "2", markup: "0", rounding: "" },
      ),
    ).toEqual({ ok: true });
    expect((await variantOf(merchant.shopId, imported.variants[0].id)).priceMinor).toBe(2468);
  });

  it("rounding choices and margins", () => {
    expect(priceFor(1000, { multiplierBp: 20000, markupMinor: 0, roundingEnding: 90 })).toBe(2090);
    expect(priceFor(1995, { multiplierBp: 10000, markupMinor: 0, roundingEnding: 90 })).toBe(2090);
    expect(priceFor(1950, { multiplierBp: 10000, markupMinor: 0, roundingEnding: 99 })).toBe(1999);
    expect(priceFor(1901, { multiplierBp: 10000, markupMinor: 0, roundingEnding: 0 })).toBe(2000);
    expect(priceFor(1900, { multiplierBp: 10000, markupMinor: 0, roundingEnding: 0 })).toBe(1900);
    expect(priceFor(333, { multiplierBp: 13333, markupMinor: 50, roundingEnding: null })).toBe(494);
    expect(marginPercent(2000, 1500)).toBe(25);
  });
});

describe("stock and cost sync", () => {
  it("stock and cost changes reach linked variants through the outbox; locked prices stay; low margins alert the merchant", async () => {
    const supplier = await makeSupplier();
    const product = await makeSupplierProduct(supplier.shopId, supplier.user.id, { cost: "10.00", price: "30.00", stock: 5 });
    const a = await makeMerchant();
    const b = await makeMerchant();
    const ia = await importInto(a.shopId, a.user.id, product.productId); // default ×2.00 → 20.00
    const ib = await importInto(b.shopId, b.user.id, product.productId);
    await saveProductRule(b.shopId, ib.productId, { userId: b.user.id, ...who }, { multiplier: "", priceLocked: "on" });
    expect((await variantOf(a.shopId, ia.variants[0].id)).priceMinor).toBe(2000);

    const vid = product.variants[0].id;
    const result = await updateSupplierProduct(
      supplier.shopId,
      product.productId,
      { userId: supplier.user.id, ...who },
      { [`cost_${vid}`]: "17.00", [`price_${vid}`]: "30.00", [`stock_${vid}`]: "3", publish: "on" },
    );
    expect(result).toEqual({ ok: true });
    const queued = await outboxFor(supplier.shopId, "sync-variants");
    expect(queued.at(-1)!.payload).toEqual({ supplierShopId: supplier.shopId, variantIds: [vid] });

    const outcome = await syncSupplierVariants({ supplierShopId: supplier.shopId, variantIds: [vid] });
    expect(outcome.merchants).toBe(2);
    const va = await variantOf(a.shopId, ia.variants[0].id);
    expect([va.priceMinor, va.costMinor, va.onHand]).toEqual([3400, 1700, 3]);
    const vb = await variantOf(b.shopId, ib.variants[0].id);
    // Locked: the price stays 20.00 while the cost rose to 17.00 → margin 15% < 20%: alert.
    expect([vb.priceMinor, vb.costMinor, vb.onHand]).toEqual([2000, 1700, 3]);
    const alerts = await withShop(b.shopId, (tx) => tx.select().from(schema.dropshipAlerts));
    expect(alerts.map((x) => x.kind)).toEqual(["margin_low"]);
    const messages = await withShop(b.shopId, (tx) =>
      tx.select().from(schema.messages).where(eq(schema.messages.purpose, "dropship.margin_low")),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0].body).toContain("15%");
    expect(await withShop(a.shopId, (tx) => tx.select().from(schema.dropshipAlerts))).toHaveLength(0);

    // A retry of the same job changes nothing and does not alert twice.
    await syncSupplierVariants({ supplierShopId: supplier.shopId, variantIds: [vid] });
    expect(await withShop(b.shopId, (tx) => tx.select().from(schema.dropshipAlerts))).toHaveLength(1);

    // Out of stock at the supplier → 0 on hand at the merchant (the storefront shows it sold out).
    await updateSupplierProduct(
      supplier.shopId,
      product.productId,
      { userId: supplier.user.id, ...who },
      { [`cost_${vid}`]: "17.00", [`price_${vid}`]: "30.00", [`stock_${vid}`]: "0", publish: "on" },
    );
    await syncSupplierVariants({ supplierShopId: supplier.shopId, variantIds: [vid] });
    expect((await variantOf(a.shopId, ia.variants[0].id)).onHand).toBe(0);
    // Unpublished by the supplier → unavailable too, whatever its stock.
    await updateSupplierProduct(
      supplier.shopId,
      product.productId,
      { userId: supplier.user.id, ...who },
      { [`cost_${vid}`]: "17.00", [`price_${vid}`]: "30.00", [`stock_${vid}`]: "9" },
    );
    await syncSupplierVariants({ supplierShopId: supplier.shopId, variantIds: [vid] });
    expect((await variantOf(a.shopId, ia.variants[0].id)).onHand).toBe(0);
  });
});

describe("forwarding", () => {
  let supplier: Awaited<ReturnType<typeof makeSupplier>>;
  let product: Awaited<ReturnType<typeof makeSupplierProduct>>;
  beforeAll(async () => {
    supplier = await makeSupplier();
    product = await makeSupplierProduct(supplier.shopId, supplier.user.id, { cost: "10.00", price: "30.00", stock: 10_000 });
  });

  it("is idempotent under duplicate payment callbacks and worker retries: one supplier order, one charge", async () => {
    const merchant = await makeMerchant();
    const linked = await importInto(merchant.shopId, merchant.user.id, product.productId);
    await topUp(merchant.shopId, 10_000);
    const order = await makeDropshipOrder(merchant.shopId, [{ variantId: linked.variants[0].id, quantity: 2 }], { paid: false });
    // Two gateway callbacks for the same payment: one paid transition, one outbox entry.
    const first = await payOrder(merchant.shopId, order.id);
    const second = await payOrder(merchant.shopId, order.id);
    expect([first.alreadyPaid, second.alreadyPaid]).toEqual([false, true]);
    const entries = (await outboxFor(merchant.shopId, "forward-order")).filter(
      (e) => (e.payload as { orderId: string }).orderId === order.id,
    );
    expect(entries).toHaveLength(1);
    // The worker runs the job several times (retries, a duplicate delivery), some at once.
    await Promise.all([
      forwardOrder({ shopId: merchant.shopId, orderId: order.id }),
      forwardOrder({ shopId: merchant.shopId, orderId: order.id }),
    ]);
    await forwardOrder({ shopId: merchant.shopId, orderId: order.id });
    const { forwards } = await listForwards(merchant.shopId);
    expect(forwards).toHaveLength(1);
    expect(forwards[0]).toMatchObject({ status: "open", payment: "wallet", costTotalMinor: 2000 });
    expect(forwards[0].sentAt).not.toBeNull();
    const charges = await withShop(merchant.shopId, (tx) =>
      tx.select().from(schema.dropshipWalletEntries).where(eq(schema.dropshipWalletEntries.kind, "charge")),
    );
    expect(charges.map((c) => [c.amountMinor, c.balanceAfterMinor])).toEqual([[-2000, 8000]]);
    const supplierOrders = (await listSupplierOrders(supplier.shopId)).filter((o) => o.id === forwards[0].id);
    expect(supplierOrders).toHaveLength(1);
    const lines = await withShop(supplier.shopId, (tx) =>
      tx.select().from(schema.supplierOrderLines).where(eq(schema.supplierOrderLines.supplierOrderId, forwards[0].id)),
    );
    expect(lines.map((l) => [l.quantity, l.unitCostMinor, l.variantId])).toEqual([[2, 1000, product.variants[0].id]]);
    // The supplier's stock went down once by what was sold, and the merchants' copies follow by the sync job.
    const stock = await variantOf(supplier.shopId, product.variants[0].id);
    expect(stock.onHand).toBe(10_000 - 2);
    expect(
      (await outboxFor(supplier.shopId, "sync-variants")).some((e) =>
        (e.payload as { variantIds: string[] }).variantIds.includes(product.variants[0].id),
      ),
    ).toBe(true);
  });

  it("gives the supplier only the recipient's name, phone and address and the lines", async () => {
    const merchant = await makeMerchant();
    const linked = await importInto(merchant.shopId, merchant.user.id, product.productId);
    await topUp(merchant.shopId, 5_000);
    const order = await makeDropshipOrder(merchant.shopId, [{ variantId: linked.variants[0].id, quantity: 1 }]);
    await forwardOrder({ shopId: merchant.shopId, orderId: order.id });
    const [forward] = (await listForwards(merchant.shopId)).forwards;
    const view = await getSupplierOrder(supplier.shopId, forward.id);
    expect(Object.keys(view!).sort()).toEqual([
      "carrier",
      "costTotalMinor",
      "createdAt",
      "currency",
      "id",
      "lines",
      "recipient",
      "reference",
      "status",
      "trackingNumber",
    ]);
    expect(view!.recipient).toEqual({
      name: TEST_ADDRESS.name,
      phone: TEST_ADDRESS.phone,
      line1: TEST_ADDRESS.line1,
      line2: null,
      city: TEST_ADDRESS.city,
      state: TEST_ADDRESS.state,
      postcode: TEST_ADDRESS.postcode,
      country: "MY",
    });
    expect(Object.keys(view!.lines[0]).sort()).toEqual(["id", "quantity", "sku", "status", "title", "unitCostMinor", "variantTitle"]);
    // And what is stored on the supplier's side: exactly these columns, no email, no totals paid, no note.
    const columns = await asPlatform((tx) =>
      tx.execute<{ column_name: string }>(
        sql`select column_name from information_schema.columns where table_name in ('supplier_orders') order by column_name`,
      ),
    );
    expect(columns.map((c) => c.column_name)).toEqual([
      "accepted_at",
      "address_line1",
      "address_line2",
      "carrier",
      "city",
      "cost_total_minor",
      "country",
      "created_at",
      "currency",
      "id",
      "merchant_order_id",
      "merchant_shop_id",
      "postcode",
      "recipient_name",
      "recipient_phone",
      "reference",
      "shipped_at",
      "shop_id",
      "state",
      "status",
      "tracking_number",
      "updated_at",
    ]);
    const stored = JSON.stringify(
      await withShop(supplier.shopId, (tx) => tx.select().from(schema.supplierOrders).where(eq(schema.supplierOrders.id, forward.id))),
    );
    expect(stored).not.toContain("siti@example.com");
    expect(stored).not.toContain(String(order.totalMinor));
  });

  it("never takes the wallet below zero under 50 concurrent forwards; the rest are held and the merchant alerted", async () => {
    const merchant = await makeMerchant();
    const linked = await importInto(merchant.shopId, merchant.user.id, product.productId);
    await topUp(merchant.shopId, 20 * 1000 + 500); // room for 20 orders of 10.00
    const orders = [];
    for (let i = 0; i < 50; i++) orders.push(await makeDropshipOrder(merchant.shopId, [{ variantId: linked.variants[0].id, quantity: 1 }]));
    await Promise.all(orders.map((o) => forwardOrder({ shopId: merchant.shopId, orderId: o.id })));
    const { forwards, alerts } = await listForwards(merchant.shopId);
    expect(forwards).toHaveLength(50);
    expect(forwards.filter((f) => f.payment === "wallet")).toHaveLength(20);
    expect(forwards.filter((f) => f.status === "held")).toHaveLength(30);
    expect(alerts.filter((a) => a.kind === "held")).toHaveLength(30);
    const [wallet] = await withShop(merchant.shopId, (tx) => tx.select().from(schema.dropshipWallets));
    expect(wallet.balanceMinor).toBe(500);
    const ledger = await withShop(merchant.shopId, (tx) => tx.select().from(schema.dropshipWalletEntries));
    expect(ledger.every((e) => e.balanceAfterMinor >= 0)).toBe(true);
    expect(ledger.reduce((s, e) => s + e.amountMinor, 0)).toBe(500);
    // Held orders were not sent; paying one by hand sends it.
    const held = forwards.find((f) => f.status === "held")!;
    expect(await getSupplierOrder(supplier.shopId, held.id)).toBeUndefined();
    expect(await payHeldForward(merchant.shopId, held.id, "wallet", { userId: merchant.user.id })).toMatchObject({ ok: false });
    expect(await payHeldForward(merchant.shopId, held.id, "manual", { userId: merchant.user.id })).toEqual({ ok: true });
    expect((await getSupplierOrder(supplier.shopId, held.id))!.status).toBe("open");
  });

  it("cancelling a paid order cancels the supplier's order not yet shipped and pays the wallet back", async () => {
    const merchant = await makeMerchant();
    const linked = await importInto(merchant.shopId, merchant.user.id, product.productId);
    await topUp(merchant.shopId, 5_000);
    const order = await makeDropshipOrder(merchant.shopId, [{ variantId: linked.variants[0].id, quantity: 1 }]);
    await forwardOrder({ shopId: merchant.shopId, orderId: order.id });
    const [forward] = (await listForwards(merchant.shopId)).forwards;
    const result = await cancelPaidOrder(
      merchant.shopId,
      order.id,
      { userId: merchant.user.id, ...who },
      { reason: "Customer changed their mind", manual: "on" },
    );
    expect(result).toMatchObject({ ok: true });
    const [after] = (await listForwards(merchant.shopId)).forwards;
    expect(after.status).toBe("cancelled");
    const [wallet] = await withShop(merchant.shopId, (tx) => tx.select().from(schema.dropshipWallets));
    expect(wallet.balanceMinor).toBe(5_000);
    const jobs = await outboxFor(merchant.shopId, "forward-cancelled");
    expect(jobs.map((j) => j.payload)).toEqual([{ supplierShopId: supplier.shopId, supplierOrderId: forward.id }]);
    await supplierOrderCancelled({ supplierShopId: supplier.shopId, supplierOrderId: forward.id });
    await supplierOrderCancelled({ supplierShopId: supplier.shopId, supplierOrderId: forward.id });
    expect((await getSupplierOrder(supplier.shopId, forward.id))!.status).toBe("cancelled");
    expect(
      await shipSupplierOrder(
        supplier.shopId,
        forward.id,
        { userId: supplier.user.id, ...who },
        { carrier: "jnt", trackingNumber: "630012345678" },
      ),
    ).toMatchObject({ ok: false });
  });
});

describe("supplier fulfilment", () => {
  it("a shipment becomes the merchant order's fulfilment with tracking; the customer is told; mixed orders stay partial until the own part ships", async () => {
    const supplier = await makeSupplier();
    const product = await makeSupplierProduct(supplier.shopId, supplier.user.id, { cost: "8.00", price: "25.00", stock: 50 });
    const merchant = await makeMerchant();
    const linked = await importInto(merchant.shopId, merchant.user.id, product.productId);
    const own = await makeProduct(merchant.shopId, merchant.user.id, { title: "Own kopi", price: "15.00", stock: 10 });
    const [ownVariant] = await withShop(merchant.shopId, (tx) =>
      tx.select().from(schema.variants).where(eq(schema.variants.productId, own.productId)),
    );
    await topUp(merchant.shopId, 10_000);
    const order = await makeDropshipOrder(merchant.shopId, [
      { variantId: linked.variants[0].id, quantity: 1 },
      { variantId: ownVariant.id, quantity: 1 },
    ]);
    await forwardOrder({ shopId: merchant.shopId, orderId: order.id });
    const [forward] = (await listForwards(merchant.shopId)).forwards;
    const actor = { userId: supplier.user.id, ...who };
    expect(await acceptSupplierOrder(supplier.shopId, forward.id, actor)).toEqual({ ok: true });
    expect(await shipSupplierOrder(supplier.shopId, forward.id, actor, { carrier: "jnt", trackingNumber: "" })).toMatchObject({
      ok: false,
      errors: { trackingNumber: expect.any(String) },
    });
    expect(await shipSupplierOrder(supplier.shopId, forward.id, actor, { carrier: "jnt", trackingNumber: "630012345678" })).toEqual({
      ok: true,
    });
    expect((await outboxFor(supplier.shopId, "supplier-order-changed")).length).toBeGreaterThanOrEqual(2);
    await supplierOrderChanged({ supplierShopId: supplier.shopId, supplierOrderId: forward.id });
    await supplierOrderChanged({ supplierShopId: supplier.shopId, supplierOrderId: forward.id }); // a retry
    const after = await withShop(merchant.shopId, async (tx) => {
      const [o] = await tx.select().from(schema.orders).where(eq(schema.orders.id, order.id));
      const lines = await tx
        .select()
        .from(schema.orderLines)
        .where(eq(schema.orderLines.orderId, order.id))
        .orderBy(schema.orderLines.position);
      const events = await tx
        .select()
        .from(schema.orderEvents)
        .where(and(eq(schema.orderEvents.orderId, order.id), eq(schema.orderEvents.type, "fulfilled")));
      const messages = await tx.select().from(schema.messages).where(eq(schema.messages.purpose, "order.shipped"));
      return { o, lines, events, messages };
    });
    expect(after.lines.map((l) => [l.source, l.fulfilledQuantity])).toEqual([
      ["dropship", 1],
      ["own", 0],
    ]);
    expect(after.o.fulfilmentStatus).toBe("partially_fulfilled");
    expect(after.o.status).toBe("processing");
    expect(after.events).toHaveLength(1);
    expect(after.messages).toHaveLength(1);
    expect(after.messages[0].recipient).toBe(order.phone);
    expect(after.messages[0].body).toContain("J&T Express 630012345678");
    const [f] = (await listForwards(merchant.shopId)).forwards;
    expect([f.status, f.carrier, f.trackingNumber]).toEqual(["shipped", "jnt", "630012345678"]);
  });

  it("a rejected line alerts the merchant with the order to refund, and gives the cost back to the wallet once", async () => {
    const supplier = await makeSupplier();
    const product = await makeSupplierProduct(supplier.shopId, supplier.user.id, {
      cost: "5.00",
      price: "20.00",
      stock: 50,
      option: { name: "Colour", values: "Red, Blue" },
    });
    const merchant = await makeMerchant();
    const linked = await importInto(merchant.shopId, merchant.user.id, product.productId);
    await topUp(merchant.shopId, 10_000);
    const order = await makeDropshipOrder(
      merchant.shopId,
      linked.variants.map((v) => ({ variantId: v.id, quantity: 2 })),
    );
    await forwardOrder({ shopId: merchant.shopId, orderId: order.id });
    const [forward] = (await listForwards(merchant.shopId)).forwards;
    const view = (await getSupplierOrder(supplier.shopId, forward.id))!;
    const red = view.lines.find((l) => l.variantTitle === "Red")!;
    expect(await rejectSupplierLine(supplier.shopId, forward.id, red.id, { userId: supplier.user.id, ...who }, "Sold out")).toEqual({
      ok: true,
    });
    await supplierOrderChanged({ supplierShopId: supplier.shopId, supplierOrderId: forward.id });
    await supplierOrderChanged({ supplierShopId: supplier.shopId, supplierOrderId: forward.id });
    const { alerts } = await listForwards(merchant.shopId);
    expect(alerts.map((a) => [a.kind, a.orderId])).toEqual([["rejected", order.id]]);
    expect(alerts[0].message).toContain("Refund");
    const [wallet] = await withShop(merchant.shopId, (tx) => tx.select().from(schema.dropshipWallets));
    expect(wallet.balanceMinor).toBe(10_000 - 2000 + 1000);
    // The rest still ships.
    expect(
      await shipSupplierOrder(
        supplier.shopId,
        forward.id,
        { userId: supplier.user.id, ...who },
        { carrier: "poslaju", trackingNumber: "EP123456789MY" },
      ),
    ).toEqual({ ok: true });
  });
});

describe("wallet top-ups", () => {
  async function ledger(shopId: string) {
    return withShop(shopId, async (tx) => ({
      entries: await tx.select().from(schema.dropshipWalletEntries).where(eq(schema.dropshipWalletEntries.shopId, shopId)),
      balance: Number(
        (await tx.select().from(schema.dropshipWallets).where(eq(schema.dropshipWallets.shopId, shopId)))[0]?.balanceMinor ?? 0,
      ),
    }));
  }
  async function topUpAudits(shopId: string) {
    return asPlatform((tx) =>
      tx
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.shopId, shopId), eq(schema.auditLog.action, "dropship.wallet_topped_up"))),
    );
  }

  it("a form token records one top-up: a repeat, also concurrent, answers with the same result and credits nothing", async () => {
    const operator = await makeOperator();
    const merchant = await makeMerchant();
    const form = { shopSlug: merchant.shop.slug, amount: "50.00", note: "FPX 123", token: newTopUpToken() };

    const first = await recordTopUp(operator.id, form, who);
    expect(first).toEqual({ ok: true, balanceMinor: 5_000, repeated: false });
    expect(await recordTopUp(operator.id, form, who)).toEqual({ ok: true, balanceMinor: 5_000, repeated: true });

    // A double click: two submissions of one new form at the same moment.
    const again = { ...form, amount: "20.00", token: newTopUpToken() };
    const both = await Promise.all([recordTopUp(operator.id, again, who), recordTopUp(operator.id, again, who)]);
    expect(both.map((r) => r.ok && r.balanceMinor)).toEqual([7_000, 7_000]);
    expect(both.map((r) => r.ok && r.repeated).sort()).toEqual([false, true]);

    const { entries, balance } = await ledger(merchant.shopId);
    expect(entries.map((e) => [e.kind, Number(e.amountMinor), e.topupToken]).sort()).toEqual(
      [
        ["topup", 5_000, form.token],
        ["topup", 2_000, again.token],
      ].sort(),
    );
    expect(balance).toBe(7_000);
    expect(await topUpAudits(merchant.shopId)).toHaveLength(2);

    // The ledger itself refuses a second entry with a used token.
    await expect(
      withShop(merchant.shopId, (tx) =>
        tx
          .insert(schema.dropshipWalletEntries)
          .values({ shopId: merchant.shopId, kind: "topup", amountMinor: 1, balanceAfterMinor: 7_001, topupToken: form.token }),
      ),
    ).rejects.toThrow();
  });

  it("refuses a top-up without a form token", async () => {
    const operator = await makeOperator();
    const merchant = await makeMerchant();
    const result = await recordTopUp(operator.id, { shopSlug: merchant.shop.slug, amount: "50.00" }, who);
    expect(result).toMatchObject({ ok: false, errors: { form: "This form has expired. Reload the page and enter the top-up again." } });
    expect((await ledger(merchant.shopId)).entries).toHaveLength(0);
  });
});

describe("tenancy", () => {
  it("supplier B can neither read nor change supplier A's orders or products; merchant B cannot touch merchant A's supplier orders", async () => {
    const a = await makeSupplier();
    const b = await makeSupplier();
    const product = await makeSupplierProduct(a.shopId, a.user.id, { cost: "5.00", price: "20.00", stock: 10 });
    const merchantA = await makeMerchant();
    const merchantB = await makeMerchant();
    const linked = await importInto(merchantA.shopId, merchantA.user.id, product.productId);
    const order = await makeDropshipOrder(merchantA.shopId, [{ variantId: linked.variants[0].id, quantity: 1 }]);
    await forwardOrder({ shopId: merchantA.shopId, orderId: order.id });
    const [forward] = (await listForwards(merchantA.shopId)).forwards;
    expect(forward.status).toBe("held"); // no wallet
    await payHeldForward(merchantA.shopId, forward.id, "manual", { userId: merchantA.user.id });
    const actorB = { userId: b.user.id, ...who };
    expect(await getSupplierOrder(b.shopId, forward.id)).toBeUndefined();
    expect(await listSupplierOrders(b.shopId)).toHaveLength(0);
    expect(await acceptSupplierOrder(b.shopId, forward.id, actorB)).toBeUndefined();
    expect(await shipSupplierOrder(b.shopId, forward.id, actorB, { carrier: "jnt", trackingNumber: "630012345678" })).toBeUndefined();
    const lineId = (await getSupplierOrder(a.shopId, forward.id))!.lines[0].id;
    expect(await rejectSupplierLine(b.shopId, forward.id, lineId, actorB, "x")).toBeUndefined();
    expect(await getSupplierProduct(b.shopId, product.productId)).toBeUndefined();
    expect(await updateSupplierProduct(b.shopId, product.productId, actorB, {})).toBeUndefined();
    expect((await getSupplierOrder(a.shopId, forward.id))!.status).toBe("open");
    // Merchant B.
    expect((await listForwards(merchantB.shopId)).forwards).toHaveLength(0);
    expect(await payHeldForward(merchantB.shopId, forward.id, "manual", { userId: merchantB.user.id })).toBeUndefined();
    // A supplier's job naming another supplier's order does nothing to the merchant's side.
    await supplierOrderChanged({ supplierShopId: b.shopId, supplierOrderId: forward.id });
    expect((await listForwards(merchantA.shopId)).forwards[0].status).toBe("open");
  });
});
