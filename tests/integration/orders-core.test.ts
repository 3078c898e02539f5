import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getProduct } from "~/domain/catalog/products.server";
import { deliverMessage } from "~/domain/notify/messages.server";
import { nextShopNumber } from "~/domain/orders/counters.server";
import { notifyOrderCustomer } from "~/domain/orders/customer-messages.server";
import { OrderTransitionError, transitionOrder } from "~/domain/orders/status.server";
import { markOrderPaid } from "~/flows/order-paid.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { emailsTo, latestWhatsApp } from "../helpers/auth";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser, unique } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { uniquePhone } from "../helpers/phones";

let shopId: string;
let ownerId: string;

beforeAll(async () => {
  const owner = await makeUser();
  ownerId = owner.id;
  shopId = (await makeShop(owner.id)).id;
});
afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

async function insertOrder(): Promise<string> {
  return withShop(shopId, async (tx) => {
    const number = await nextShopNumber(tx, shopId, "order");
    const [row] = await tx
      .insert(schema.orders)
      .values({ shopId, number, currency: "MYR", subtotalMinor: 1000, totalMinor: 1000 })
      .returning({ id: schema.orders.id });
    return row.id;
  });
}

describe("per-shop counters", () => {
  it("gives every concurrent transaction its own number, and a rolled-back one gives its number back", async () => {
    const attempts = Array.from({ length: 30 }, (_, i) =>
      withShop(shopId, async (tx) => {
        const n = await nextShopNumber(tx, shopId, "invoice");
        if (i % 5 === 0) throw new Error("rolled back on purpose");
        return n;
      }).catch(() => null),
    );
    const taken = (await Promise.all(attempts)).filter((n): n is number => n !== null).sort((a, b) => a - b);
    expect(taken).toHaveLength(24);
    // No duplicates and no gaps: the survivors hold exactly 1..24.
    expect(taken).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });

  it("numbers orders from 1001, separately per shop", async () => {
    const other = await makeShop(ownerId);
    const first = await withShop(other.id, (tx) => nextShopNumber(tx, other.id, "order"));
    const second = await withShop(other.id, (tx) => nextShopNumber(tx, other.id, "order"));
    expect([first, second]).toEqual([1001, 1002]);
  });
});

describe("the order status machine", () => {
  it("moves along allowed transitions, recording the timeline and the audit log", async () => {
    const orderId = await insertOrder();
    await withShop(shopId, (tx) => transitionOrder(tx, { shopId, orderId, to: "paid", actorUserId: null }));
    await withShop(shopId, (tx) => transitionOrder(tx, { shopId, orderId, to: "processing", actorUserId: ownerId }));
    const { order, events, audits } = await withShop(shopId, async (tx) => ({
      order: (await tx.select().from(schema.orders).where(eq(schema.orders.id, orderId)))[0],
      events: await tx
        .select()
        .from(schema.orderEvents)
        .where(eq(schema.orderEvents.orderId, orderId))
        .orderBy(schema.orderEvents.createdAt),
      audits: await tx
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.targetId, orderId), eq(schema.auditLog.action, "order.processing"))),
    }));
    expect(order.status).toBe("processing");
    expect(order.paidAt).toBeInstanceOf(Date);
    // Each event also stores how its reader is told of it (order-timeline.test.ts checks that wording).
    expect(events.map((e) => e.data)).toMatchObject([
      { from: "pending_payment", to: "paid", wording: { key: "statusChanged" } },
      { from: "paid", to: "processing", wording: { key: "statusChanged" } },
    ]);
    expect(events[1].actorUserId).toBe(ownerId);
    expect(audits).toHaveLength(1);
  });

  it("refuses a move the machine does not allow, with words for people, and changes nothing", async () => {
    const orderId = await insertOrder();
    const attempt = withShop(shopId, (tx) => transitionOrder(tx, { shopId, orderId, to: "shipped", actorUserId: ownerId }));
    await expect(attempt).rejects.toBeInstanceOf(OrderTransitionError);
    await expect(attempt).rejects.toThrow(
      "The order is awaiting payment, so it cannot be marked shipped. It can be marked paid or cancelled.",
    );
    const [order] = await withShop(shopId, (tx) => tx.select().from(schema.orders).where(eq(schema.orders.id, orderId)));
    expect(order.status).toBe("pending_payment");
  });

  it("treats cancelled as final", async () => {
    const orderId = await insertOrder();
    await withShop(shopId, (tx) =>
      transitionOrder(tx, { shopId, orderId, to: "cancelled", actorUserId: null, reason: "Not paid in time" }),
    );
    const again = withShop(shopId, (tx) => transitionOrder(tx, { shopId, orderId, to: "paid", actorUserId: null }));
    await expect(again).rejects.toThrow("The order is cancelled; its status can no longer change.");
  });
});

describe("an order becoming paid", () => {
  it("gives each paid order the next invoice number once, however often the payment is reported", async () => {
    const orderId = await insertOrder();
    const first = await withShop(shopId, (tx) => markOrderPaid(tx, { shopId, orderId, paymentId: null }));
    const again = await withShop(shopId, (tx) => markOrderPaid(tx, { shopId, orderId, paymentId: null }));
    expect(first.alreadyPaid).toBe(false);
    expect(again).toEqual({ alreadyPaid: true, invoiceNumber: first.invoiceNumber });
    const [order] = await withShop(shopId, (tx) => tx.select().from(schema.orders).where(eq(schema.orders.id, orderId)));
    expect(order).toMatchObject({ status: "paid", paymentStatus: "paid", invoiceNumber: first.invoiceNumber });
  });
});

describe("the test order factory", () => {
  it("snapshots the variant's title and price into the lines and pays through markOrderPaid", async () => {
    const saved = await makeProduct(shopId, ownerId, {
      title: "Batik scarf",
      options: [["Colour", ["Indigo", "Rust"]]],
      price: "45.00",
      stock: 5,
    });
    const [indigo] = (await getProduct(shopId, saved.productId))!.variants;
    const order = await makeOrder(shopId, { lines: [{ variantId: indigo.id, quantity: 2 }] });
    expect(order).toMatchObject({ status: "paid", paymentStatus: "paid", subtotalMinor: 9000, totalMinor: 9800 });
    const lines = await withShop(shopId, (tx) => tx.select().from(schema.orderLines).where(eq(schema.orderLines.orderId, order.id)));
    expect(lines).toMatchObject([{ title: "Batik scarf", variantTitle: "Indigo", quantity: 2, unitPriceMinor: 4500, totalMinor: 9000 }]);
  });
});

describe("telling the customer about their order", () => {
  it("sends WhatsApp when the customer gave a number and email otherwise, in their language, and puts it on the timeline", async () => {
    const saved = await makeProduct(shopId, ownerId, { title: "Kain pelikat", price: "30.00", stock: 5 });
    const [variant] = (await getProduct(shopId, saved.productId))!.variants;
    const phone = uniquePhone().e164;
    const email = `${unique("buyer")}@example.com`;
    // Unpaid: the paid path tells the customer itself (its own tests are in payments.test.ts).
    const byWhatsApp = await makeOrder(shopId, { lines: [{ variantId: variant.id, quantity: 1 }], phone, email, paid: false });
    const byEmail = await makeOrder(shopId, { lines: [{ variantId: variant.id, quantity: 1 }], phone: null, email, paid: false });
    await withShop(shopId, (tx) => tx.update(schema.orders).set({ locale: "ms" }).where(eq(schema.orders.id, byEmail.id)));

    const vars = { shopName: "Kedai Test", total: "RM 38.00", statusUrl: "https://shop.example/o/1" };
    const ids = await withShop(shopId, async (tx) => [
      await notifyOrderCustomer(tx, { shopId, orderId: byWhatsApp.id, kind: "confirmed", vars }),
      await notifyOrderCustomer(tx, {
        shopId,
        orderId: byEmail.id,
        kind: "shipped",
        vars: { ...vars, tracking: "J&T Express 630012345678" },
      }),
    ]);
    for (const messageId of ids) await deliverMessage({ messageId: messageId!, shopId });

    expect((await latestWhatsApp(phone))?.message).toContain(`order #${byWhatsApp.number} confirmed`);
    const [mail] = await emailsTo(email);
    expect(mail.subject).toBe(`Kedai Test: pesanan #${byEmail.number} sedang dihantar`);
    expect(mail.text).toContain("Penjejakan: J&T Express 630012345678");
    const [event] = await withShop(shopId, (tx) =>
      tx
        .select()
        .from(schema.orderEvents)
        .where(and(eq(schema.orderEvents.orderId, byEmail.id), eq(schema.orderEvents.type, "notified"))),
    );
    expect(event.messageId).toBe(ids[1]);
  });
});
