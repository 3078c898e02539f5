import { parse } from "csv-parse/sync";
import { and, asc, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getProduct } from "~/domain/catalog/products.server";
import { CARRIERS, trackingProblem, trackingUrl } from "~/domain/orders/carriers";
import { getCustomer, listCustomers, mergeCustomers } from "~/domain/orders/customers.server";
import { documentData, documentHtml, documentPdf } from "~/domain/orders/documents.server";
import { fulfilOrder } from "~/domain/orders/fulfilments.server";
import { addOrderNote, getOrderDetail, MANUAL_MOVES, moveOrder, orderFulfilments } from "~/domain/orders/order-admin.server";
import { exportOrdersCsv, listOrders, OrderListQuerySchema } from "~/domain/orders/order-list.server";
import { canTransition, ORDER_STATUSES, type OrderStatus } from "~/domain/orders/order-status";
import { updateCompanyDetails } from "~/domain/shops/company.server";
import { cancelUnpaidOrder } from "~/flows/order-cancelled.server";
import { markOrderPaid } from "~/flows/order-paid.server";
import { cancelPaidOrder, refundOrder } from "~/flows/order-refunded.server";
import { paymentGatewayFor } from "~/integrations/payment-gateways.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { choose } from "../helpers/merchant-endpoint";
import { makeOrder } from "../helpers/orders";

let shopId: string;
let ownerId: string;
let actor: { userId: string; ip: string; userAgent: string };
let kain: string; // RM 45.00, stock 20
let kopi: string; // RM 12.50, stock 50

beforeAll(async () => {
  const owner = await makeUser();
  ownerId = owner.id;
  actor = { userId: ownerId, ip: "127.0.0.1", userAgent: "vitest" };
  shopId = (await makeShop(owner.id)).id;
  const a = await makeProduct(shopId, ownerId, { title: "Kain Batik", price: "45.00", stock: 20, status: "active" });
  kain = (await getProduct(shopId, a.productId))!.variants[0].id;
  const b = await makeProduct(shopId, ownerId, { title: "Kopi Tenom", price: "12.50", stock: 50, status: "active" });
  kopi = (await getProduct(shopId, b.productId))!.variants[0].id;
});
afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

const orderRow = (id: string) =>
  withShop(
    shopId,
    async (tx) =>
      (
        await tx
          .select()
          .from(schema.orders)
          .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, id)))
      )[0],
  );
const linesOf = (id: string) =>
  withShop(shopId, (tx) =>
    tx
      .select()
      .from(schema.orderLines)
      .where(and(eq(schema.orderLines.shopId, shopId), eq(schema.orderLines.orderId, id)))
      .orderBy(asc(schema.orderLines.position)),
  );
const messagesOf = (purposePrefix = "order.") =>
  withShop(shopId, (tx) =>
    tx.select().from(schema.messages).where(eq(schema.messages.shopId, shopId)).orderBy(desc(schema.messages.createdAt)),
  ).then((rows) => rows.filter((m) => m.purpose.startsWith(purposePrefix)));
const eventsOf = (id: string) =>
  withShop(shopId, (tx) =>
    tx
      .select()
      .from(schema.orderEvents)
      .where(and(eq(schema.orderEvents.shopId, shopId), eq(schema.orderEvents.orderId, id)))
      .orderBy(asc(schema.orderEvents.createdAt)),
  );
const auditOf = (id: string) => withShop(shopId, (tx) => tx.select().from(schema.auditLog).where(eq(schema.auditLog.targetId, id)));
/** Puts a fresh paid order straight into a status (test set-up only). */
async function orderIn(status: OrderStatus, phone = "+60123456789") {
  const order = await makeOrder(shopId, { lines: [{ variantId: kopi, quantity: 1 }], paid: status !== "pending_payment", phone });
  if (status !== "pending_payment" && status !== "paid") {
    await withShop(shopId, (tx) =>
      tx
        .update(schema.orders)
        .set({ status })
        .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, order.id))),
    );
  }
  return order;
}
const ledger = (variantId: string) =>
  withShop(shopId, (tx) =>
    tx
      .select()
      .from(schema.inventoryMovements)
      .where(eq(schema.inventoryMovements.variantId, variantId))
      .orderBy(desc(schema.inventoryMovements.createdAt)),
  );

describe("status machine from the order page", () => {
  it.each(ORDER_STATUSES.flatMap((from) => MANUAL_MOVES.map((to) => [from, to] as const)))(
    "%s → %s: allowed moves happen, audited and told; others are refused with words and change nothing",
    async (from, to) => {
      const order = await orderIn(from);
      const before = await orderRow(order.id);
      const result = await moveOrder(shopId, order.id, to, actor);
      const after = await orderRow(order.id);
      if (canTransition(from, to)) {
        expect(result).toEqual({ ok: true, to });
        expect(after.status).toBe(to);
        expect((await auditOf(order.id)).map((a) => a.action)).toContain(`order.${to}`);
        const events = await eventsOf(order.id);
        expect(events.filter((e) => e.type === "status_changed").at(-1)?.actorUserId).toBe(ownerId);
        const told = events.find((e) => e.type === "notified" && (e.data as { kind?: string }).kind === to);
        expect(told?.messageId).toBeTruthy();
        const [message] = await withShop(shopId, (tx) => tx.select().from(schema.messages).where(eq(schema.messages.id, told!.messageId!)));
        expect(message).toMatchObject({ channel: "whatsapp", recipient: "+60123456789", purpose: `order.${to}` });
      } else {
        expect(result).toEqual({ ok: false, errors: { form: { key: "orders:problems.moveRefused", values: { from, to } } } });
        expect(after.status).toBe(before.status);
        expect(after.updatedAt).toEqual(before.updatedAt);
        expect((await eventsOf(order.id)).filter((e) => e.type === "notified" && (e.data as { kind?: string }).kind === to)).toHaveLength(
          0,
        );
      }
    },
  );

  it("cancels an unpaid order (told by email when there is no phone), and refuses to cancel it twice", async () => {
    const order = await makeOrder(shopId, {
      lines: [{ variantId: kopi, quantity: 2 }],
      paid: false,
      phone: null,
      email: "unpaid@example.my",
    });
    expect(await cancelUnpaidOrder(shopId, order.id, actor, "customer asked")).toEqual({ ok: true, to: "cancelled" });
    const row = await orderRow(order.id);
    expect(row).toMatchObject({ status: "cancelled", cancelReason: "customer asked" });
    const told = (await messagesOf("order.cancelled")).find((m) => m.recipient === "unpaid@example.my");
    expect(told?.channel).toBe("email");
    const again = await cancelUnpaidOrder(shopId, order.id, actor, "");
    expect(again).toEqual({
      ok: false,
      errors: { form: { key: "orders:problems.moveRefused", values: { from: "cancelled", to: "cancelled" } } },
    });
  });

  it("refuses to cancel a paid order without its refund, and cancelling a shipped order at all", async () => {
    const paid = await orderIn("paid");
    expect(await cancelUnpaidOrder(shopId, paid.id, actor, "")).toEqual({
      ok: false,
      errors: { form: { key: "orders:problems.paidCancel" } },
    });
    const shipped = await orderIn("shipped");
    const refused = await cancelPaidOrder(shopId, shipped.id, actor, { reason: "x", manual: "on" });
    expect(refused).toMatchObject({ ok: false });
    expect((await orderRow(shipped.id)).status).toBe("shipped");
  });

  it("keeps internal notes on the timeline with who wrote them", async () => {
    const order = await orderIn("paid");
    expect(await addOrderNote(shopId, order.id, actor, { note: "" })).toMatchObject({
      ok: false,
      errors: { note: { key: "orders:problems.noteEmpty" } },
    });
    expect(await addOrderNote(shopId, order.id, actor, { note: "Gift wrap, please" })).toEqual({ ok: true });
    await moveOrder(shopId, order.id, "processing", actor);
    const detail = (await getOrderDetail(shopId, order.id))!;
    expect(detail.events.find((e) => e.type === "note")).toMatchObject({ summary: "Gift wrap, please", actorName: expect.any(String) });
    expect(detail.events.find((e) => e.type === "notified")?.message).toMatchObject({ status: "pending", channel: "whatsapp" });
  });
});

describe("fulfilment", () => {
  it("checks tracking numbers against each courier's format and links to its tracking page", () => {
    expect(trackingProblem("jnt", "630012345678")).toBeUndefined();
    expect(trackingProblem("jnt", "6300 1234 5678")).toBeUndefined();
    expect(trackingProblem("jnt", "EP123456789MY")).toMatch(/not a J&T Express tracking number/);
    expect(trackingProblem("poslaju", "ep123456789my")).toBeUndefined();
    expect(trackingProblem("poslaju", "630012345678")).toMatch(/Pos Laju/);
    expect(trackingProblem("ninjavan", "NVMY12345678ABC")).toBeUndefined();
    expect(trackingProblem("ninjavan", "12345")).toMatch(/Ninja Van/);
    expect(trackingProblem("citylink", "0601234567890")).toBeUndefined();
    expect(trackingProblem("gdex", "4912345678")).toBeUndefined();
    expect(trackingProblem("dhl", "MYCGU0012345678")).toBeUndefined();
    expect(trackingProblem("other", "anything-goes-123")).toBeUndefined();
    expect(trackingProblem("other", "no <script>")).toMatch(/letters and digits/);
    for (const c of CARRIERS.filter((c) => c !== "other")) expect(trackingUrl(c, "X1")).toMatch(/^https:\/\//);
    expect(trackingUrl("jnt", "630012345678")).toBe("https://www.jtexpress.my/tracking/630012345678");
    expect(trackingUrl("other", "ABC123")).toBeNull();
  });

  it("sends an order in two parcels: partial by line, then the rest; statuses follow and the customer gets each tracking", async () => {
    const order = await makeOrder(shopId, {
      lines: [
        { variantId: kain, quantity: 2 },
        { variantId: kopi, quantity: 1 },
      ],
      phone: "+60111222333",
    });
    const [kainLine, kopiLine] = await linesOf(order.id);

    const wrong = await fulfilOrder(shopId, order.id, actor, {
      carrier: "jnt",
      trackingNumber: "EP123456789MY",
      [`qty_${kainLine.id}`]: "1",
    });
    expect(wrong).toMatchObject({
      ok: false,
      errors: { trackingNumber: { key: "orders:problems.trackingFormat", values: { carrier: "J&T Express" } } },
    });
    const tooMany = await fulfilOrder(shopId, order.id, actor, {
      carrier: "jnt",
      trackingNumber: "630012345678",
      [`qty_${kainLine.id}`]: "3",
    });
    expect(tooMany).toMatchObject({
      ok: false,
      errors: { [`qty_${kainLine.id}`]: { key: "orders:problems.atMostSend", values: { count: 2 } } },
    });
    const nothing = await fulfilOrder(shopId, order.id, actor, { carrier: "jnt", trackingNumber: "630012345678" });
    expect(nothing).toMatchObject({ ok: false, errors: { form: { key: "orders:problems.choosePacked" } } });
    expect(await withShop(shopId, (tx) => orderFulfilments(tx, shopId, order.id))).toEqual([]);

    const first = await fulfilOrder(shopId, order.id, actor, {
      carrier: "jnt",
      trackingNumber: "6300 1234 5678",
      [`qty_${kainLine.id}`]: "1",
    });
    expect(first).toMatchObject({ ok: true, fulfilmentStatus: "partially_fulfilled" });
    expect(await orderRow(order.id)).toMatchObject({ status: "processing", fulfilmentStatus: "partially_fulfilled" });
    let told = (await messagesOf("order.shipped")).filter((m) => m.recipient === "+60111222333");
    expect(told).toHaveLength(1);
    expect(told[0].body).toContain("J&T Express 630012345678");
    expect(told[0].body).toContain("https://www.jtexpress.my/tracking/630012345678");

    const second = await fulfilOrder(shopId, order.id, actor, {
      carrier: "poslaju",
      trackingNumber: "EP123456789MY",
      [`qty_${kainLine.id}`]: "1",
      [`qty_${kopiLine.id}`]: "1",
    });
    expect(second).toMatchObject({ ok: true, fulfilmentStatus: "fulfilled" });
    expect(await orderRow(order.id)).toMatchObject({ status: "shipped", fulfilmentStatus: "fulfilled" });
    expect((await linesOf(order.id)).map((l) => l.fulfilledQuantity)).toEqual([2, 1]);
    told = (await messagesOf("order.shipped")).filter((m) => m.recipient === "+60111222333");
    expect(told).toHaveLength(2);

    const parcels = await withShop(shopId, (tx) => orderFulfilments(tx, shopId, order.id));
    expect(parcels.map((p) => [p.carrier, p.trackingNumber, p.items.map((i) => [i.title, i.quantity])])).toEqual([
      ["jnt", "630012345678", [["Kain Batik", 1]]],
      [
        "poslaju",
        "EP123456789MY",
        [
          ["Kain Batik", 1],
          ["Kopi Tenom", 1],
        ],
      ],
    ]);
    expect(
      await fulfilOrder(shopId, order.id, actor, { carrier: "jnt", trackingNumber: "630012345679", [`qty_${kopiLine.id}`]: "1" }),
    ).toMatchObject({
      ok: false,
      errors: { [`qty_${kopiLine.id}`]: { key: "orders:problems.lineSent" } },
    });
    expect(await moveOrder(shopId, order.id, "delivered", actor)).toEqual({ ok: true, to: "delivered" });
  });

  it("refuses to fulfil an unpaid order", async () => {
    const order = await makeOrder(shopId, { lines: [{ variantId: kopi, quantity: 1 }], paid: false });
    const [line] = await linesOf(order.id);
    expect(
      await fulfilOrder(shopId, order.id, actor, { carrier: "jnt", trackingNumber: "630012345678", [`qty_${line.id}`]: "1" }),
    ).toMatchObject({ ok: false, errors: { form: { key: "orders:problems.unpaidFulfil" } } });
  });
});

/** A paid order whose charge is a real bill paid at the sandbox's hosted page. */
async function sandboxPaidOrder(lines: Array<{ variantId: string; quantity: number }>, gateway: "payseller" | "billplz" = "payseller") {
  const order = await makeOrder(shopId, { lines });
  const client = paymentGatewayFor({ gateway });
  const created = await client.createPayment({
    orderReference: `NS-${order.number}`,
    amountMinor: order.totalMinor,
    currency: "MYR",
    customer: { name: "Siti Rahmah", phone: "+60123456789" },
    description: `Order #${order.number}`,
    callbackUrl: "http://127.0.0.1:9/callback",
    redirectUrl: "http://127.0.0.1:9/return",
  });
  await choose(created.paymentUrl, "paid");
  await withShop(shopId, (tx) =>
    tx
      .update(schema.payments)
      .set({ gateway, gatewayReference: created.gatewayReference })
      .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.orderId, order.id), eq(schema.payments.kind, "charge"))),
  );
  return { order, reference: created.gatewayReference, client };
}
const refundsOf = (orderId: string) =>
  withShop(shopId, (tx) =>
    tx
      .select()
      .from(schema.payments)
      .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.orderId, orderId), eq(schema.payments.kind, "refund"))),
  );

describe("refunds against the gateway sandbox", () => {
  it("refunds in full through the gateway: refund payment with the gateway's reference, order refunded, customer told", async () => {
    const { order, reference, client } = await sandboxPaidOrder([{ variantId: kopi, quantity: 2 }]);
    const result = await refundOrder(shopId, order.id, actor, { mode: "full", reason: "out of stock" });
    expect(result).toMatchObject({ ok: true, amountMinor: order.totalMinor, manual: false });
    expect(await client.getPayment(reference)).toMatchObject({ refundedAmountMinor: order.totalMinor });
    const [refund] = await refundsOf(order.id);
    expect(refund).toMatchObject({
      gateway: "payseller",
      status: "succeeded",
      amountMinor: order.totalMinor,
      reason: "out of stock",
      actorUserId: ownerId,
    });
    expect(refund.gatewayReference).toBeTruthy();
    expect(await orderRow(order.id)).toMatchObject({ status: "refunded", paymentStatus: "refunded", refundedMinor: order.totalMinor });
    expect((await auditOf(order.id)).map((a) => a.action)).toEqual(expect.arrayContaining(["order.refunded"]));
    expect((await eventsOf(order.id)).some((e) => e.type === "notified" && (e.data as { kind: string }).kind === "refunded")).toBe(true);
    expect(await refundOrder(shopId, order.id, actor, { mode: "full" })).toMatchObject({
      ok: false,
      errors: { form: { key: "orders:problems.refundedAll" } },
    });
  });

  it("refunds by line with restock, then by amount; statuses follow; never more than was paid", async () => {
    const { order, reference, client } = await sandboxPaidOrder([
      { variantId: kain, quantity: 2 },
      { variantId: kopi, quantity: 1 },
    ]);
    const [kainLine] = await linesOf(order.id);
    const ledgerBefore = (await ledger(kain)).length;
    const tooMany = await refundOrder(shopId, order.id, actor, { mode: "lines", [`rq_${kainLine.id}`]: "3", restock: "on" });
    expect(tooMany).toMatchObject({
      ok: false,
      errors: { [`rq_${kainLine.id}`]: { key: "orders:problems.atMostRefundQty", values: { count: 2 } } },
    });

    const byLine = await refundOrder(shopId, order.id, actor, { mode: "lines", [`rq_${kainLine.id}`]: "1", restock: "on" });
    expect(byLine).toMatchObject({ ok: true, amountMinor: 4500, manual: false });
    expect(await orderRow(order.id)).toMatchObject({
      status: "partially_refunded",
      paymentStatus: "partially_refunded",
      refundedMinor: 4500,
    });
    expect((await linesOf(order.id))[0].refundedQuantity).toBe(1);
    const movements = await ledger(kain);
    expect(movements.length).toBe(ledgerBefore + 1);
    expect(movements[0]).toMatchObject({ delta: 1, reason: "returned" });

    const left = order.totalMinor - 4500;
    const over = await refundOrder(shopId, order.id, actor, { mode: "amount", amount: ((left + 1) / 100).toFixed(2) });
    expect(over).toMatchObject({ ok: false, errors: { amount: { key: "orders:problems.atMostRefund" } } });
    const part = await refundOrder(shopId, order.id, actor, { mode: "amount", amount: "10.00", reason: "late delivery" });
    expect(part).toMatchObject({ ok: true, amountMinor: 1000 });
    expect(await client.getPayment(reference)).toMatchObject({ refundedAmountMinor: 5500 });
    const rest = await refundOrder(shopId, order.id, actor, { mode: "full" });
    expect(rest).toMatchObject({ ok: true, amountMinor: left - 1000 });
    expect(await orderRow(order.id)).toMatchObject({ status: "refunded", paymentStatus: "refunded", refundedMinor: order.totalMinor });
    expect(await client.getPayment(reference)).toMatchObject({ refundedAmountMinor: order.totalMinor });
  });

  it("records a manual refund with its reason where the gateway has no refund API (Billplz), and asks for the reason", async () => {
    const { order } = await sandboxPaidOrder([{ variantId: kopi, quantity: 1 }], "billplz");
    expect(await refundOrder(shopId, order.id, actor, { mode: "full" })).toMatchObject({
      ok: false,
      errors: { reason: { key: "orders:problems.refundReasonGateway" } },
    });
    expect(await refundsOf(order.id)).toHaveLength(0);
    const result = await refundOrder(shopId, order.id, actor, { mode: "full", reason: "Paid back by DuitNow transfer" });
    expect(result).toMatchObject({ ok: true, manual: true });
    const [refund] = await refundsOf(order.id);
    expect(refund).toMatchObject({
      gateway: "manual",
      status: "succeeded",
      reason: "Paid back by DuitNow transfer",
      gatewayReference: null,
    });
    expect(await orderRow(order.id)).toMatchObject({ status: "refunded", paymentStatus: "refunded" });
  });

  it("refunds once under ten concurrent clicks: one succeeds, the gateway paid back exactly the total", async () => {
    const { order, reference, client } = await sandboxPaidOrder([{ variantId: kain, quantity: 1 }]);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => refundOrder(shopId, order.id, actor, { mode: "full", reason: "double click" })),
    );
    expect(results.filter((r) => r?.ok)).toHaveLength(1);
    expect(results.filter((r) => r && !r.ok)).toHaveLength(9);
    expect(await client.getPayment(reference)).toMatchObject({ refundedAmountMinor: order.totalMinor });
    expect((await refundsOf(order.id)).map((r) => r.status)).toEqual(["succeeded"]);
    expect((await orderRow(order.id)).refundedMinor).toBe(order.totalMinor);
  });

  it("settles a refund interrupted between the gateway and the record before the next one, paying out once", async () => {
    const { order, reference, client } = await sandboxPaidOrder([{ variantId: kopi, quantity: 4 }]);
    // A refund of RM 12.50 was reserved and paid out by the gateway, then the process stopped before recording it.
    const [stuck] = await withShop(shopId, (tx) =>
      tx
        .insert(schema.payments)
        .values({
          shopId,
          orderId: order.id,
          kind: "refund",
          gateway: "payseller",
          amountMinor: 1250,
          currency: "MYR",
          status: "pending",
          reason: "interrupted",
          createdAt: new Date(Date.now() - 10 * 60_000),
        })
        .returning(),
    );
    await client.refund({ gatewayReference: reference, amountMinor: 1250, idempotencyKey: stuck.id });
    const next = await refundOrder(shopId, order.id, actor, { mode: "amount", amount: "5.00", reason: "late" });
    expect(next).toMatchObject({ ok: true, amountMinor: 500 });
    expect(await client.getPayment(reference)).toMatchObject({ refundedAmountMinor: 1750 });
    expect((await refundsOf(order.id)).map((r) => [r.amountMinor, r.status]).sort()).toEqual(
      [
        [1250, "succeeded"],
        [500, "succeeded"],
      ].sort(),
    );
    expect(await orderRow(order.id)).toMatchObject({ refundedMinor: 1750, paymentStatus: "partially_refunded" });
  });

  it("cancels a paid order with its refund and restock", async () => {
    const { order, client, reference } = await sandboxPaidOrder([{ variantId: kopi, quantity: 3 }]);
    const result = await cancelPaidOrder(shopId, order.id, actor, { reason: "customer changed mind", restock: "on" });
    expect(result).toMatchObject({ ok: true });
    expect(await orderRow(order.id)).toMatchObject({ status: "cancelled", paymentStatus: "refunded", refundedMinor: order.totalMinor });
    expect((await ledger(kopi))[0]).toMatchObject({ delta: 3, reason: "returned" });
    expect(await client.getPayment(reference)).toMatchObject({ refundedAmountMinor: order.totalMinor });
  });
});

describe("tax invoices and packing slips", () => {
  it("numbers invoices 1..N without gaps or duplicates under 50 concurrent payments (some rolled back)", async () => {
    const owner = await makeUser();
    const shop = (await makeShop(owner.id)).id;
    const p = await makeProduct(shop, owner.id, { title: "Teh Tarik", price: "5.00", stock: 100 });
    const variant = (await getProduct(shop, p.productId))!.variants[0].id;
    const orders = await Promise.all(
      Array.from({ length: 50 }, () => makeOrder(shop, { lines: [{ variantId: variant, quantity: 1 }], paid: false })),
    );
    const outcomes = await Promise.all(
      orders.map((o, i) =>
        withShop(shop, async (tx) => {
          const r = await markOrderPaid(tx, { shopId: shop, orderId: o.id, paymentId: null });
          if (i % 10 === 3) throw new Error("payment rolled back on purpose");
          return r.invoiceNumber;
        }).catch(() => null),
      ),
    );
    const given = outcomes.filter((n): n is number => n !== null).sort((a, b) => a - b);
    expect(given).toHaveLength(45);
    expect(given).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    const stored = await withShop(shop, (tx) =>
      tx.select({ n: schema.orders.invoiceNumber }).from(schema.orders).where(eq(schema.orders.shopId, shop)),
    );
    expect(
      stored
        .map((r) => r.n)
        .filter((n) => n !== null)
        .sort((a, b) => a! - b!),
    ).toEqual(given);
  });

  it("prints the company's name, registration number and address; validates them", async () => {
    expect(
      await updateCompanyDetails(shopId, actor, {
        companyName: "Kedai Aisyah Sdn. Bhd.",
        registrationNumber: "12-ab",
        companyAddress: "no postcode",
      }),
    ).toMatchObject({
      ok: false,
      errors: { registrationNumber: { key: "settings:errors.registrationNumber" }, companyAddress: { key: "settings:errors.postcode" } },
    });
    expect(
      await updateCompanyDetails(shopId, actor, {
        companyName: "Kedai Aisyah Sdn. Bhd.",
        registrationNumber: "202001012345",
        companyAddress: "12 Jalan Telawi 3\n59100 Kuala Lumpur",
      }),
    ).toEqual({ ok: true });
    const order = await makeOrder(shopId, { lines: [{ variantId: kain, quantity: 1 }] });
    const d = (await documentData(shopId, order.id))!;
    const html = documentHtml("invoice", d);
    expect(html).toContain("Kedai Aisyah Sdn. Bhd.");
    expect(html).toContain("Registration no. 202001012345");
    expect(html).toContain("59100 Kuala Lumpur");
    expect(html).toContain(`INV-${String(order.invoiceNumber).padStart(6, "0")}`);
    expect(html).toContain("Kain Batik");
    const pdf = await documentPdf("invoice", d);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const slip = await documentPdf("packing-slip", d);
    expect(slip.subarray(0, 5).toString()).toBe("%PDF-");
    expect(documentHtml("packing-slip", d)).toContain(`Packing slip · order #${order.number}`);
  });
});

describe("order list and CSV", () => {
  it("filters, searches, sorts and pages by keyset without repeats; CSV has the same rows", async () => {
    const owner = await makeUser();
    const shop = (await makeShop(owner.id)).id;
    const p = await makeProduct(shop, owner.id, { title: "Dodol", price: "8.00", stock: 100 });
    const variant = (await getProduct(shop, p.productId))!.variants[0].id;
    const made: Array<Awaited<ReturnType<typeof makeOrder>>> = [];
    for (let i = 0; i < 12; i++) {
      made.push(
        await makeOrder(shop, {
          lines: [{ variantId: variant, quantity: 1 + (i % 3) }],
          paid: i % 4 !== 0,
          customerName: i % 2 ? `Aminah ${i}` : `Wei Ling ${i}`,
          email: `c${i}@example.my`,
          phone: `+6012345${String(6000 + i)}`,
          createdAt: new Date(Date.UTC(2026, 10, 1 + i, 4)),
        }),
      );
    }
    const q = (o: Record<string, string>) => OrderListQuerySchema.parse(o);
    const all = await listOrders(shop, q({}));
    expect(all.total).toBe(12);
    expect(all.items.map((i) => i.number)).toEqual([...made].reverse().map((m) => m.number));
    expect((await listOrders(shop, q({ payment: "unpaid" }))).total).toBe(3);
    expect((await listOrders(shop, q({ status: "paid" }))).total).toBe(9);
    expect((await listOrders(shop, q({ q: "aminah" }))).items.every((i) => i.customerName.startsWith("Aminah"))).toBe(true);
    expect((await listOrders(shop, q({ q: "aminah" }))).total).toBe(6);
    expect((await listOrders(shop, q({ q: `#${made[3].number}` }))).items.map((i) => i.id)).toEqual([made[3].id]);
    expect((await listOrders(shop, q({ q: "C5@EXAMPLE.MY" }))).items.map((i) => i.id)).toEqual([made[5].id]);
    expect((await listOrders(shop, q({ q: "012-345 6007" }))).items.map((i) => i.id)).toEqual([made[7].id]);
    expect((await listOrders(shop, q({ from: "2026-11-03", to: "2026-11-05" }))).total).toBe(3);
    expect((await listOrders(shop, q({ source: "dropship" }))).total).toBe(0);
    const byTotal = await listOrders(shop, q({ sort: "total" }));
    expect(byTotal.items.map((i) => i.totalMinor)).toEqual([...byTotal.items.map((i) => i.totalMinor)].sort((a, b) => b - a));

    // Keyset pages of 5, forwards then back.
    const seen: string[] = [];
    let page = await listOrders(shop, q({ sort: "oldest" }), 5);
    seen.push(...page.items.map((i) => i.id));
    const firstPage = page.items.map((i) => i.id);
    const secondPage = await listOrders(shop, q({ sort: "oldest", after: page.nextCursor! }), 5);
    page = secondPage;
    seen.push(...page.items.map((i) => i.id));
    page = await listOrders(shop, q({ sort: "oldest", after: page.nextCursor! }), 5);
    seen.push(...page.items.map((i) => i.id));
    expect(page.nextCursor).toBeUndefined();
    expect(seen).toEqual(made.map((m) => m.id));
    const back = await listOrders(shop, q({ sort: "oldest", before: secondPage.prevCursor! }), 5);
    expect(back.items.map((i) => i.id)).toEqual(firstPage);
    // Search pages too.
    const s1 = await listOrders(shop, q({ q: "wei ling" }), 4);
    const s2 = await listOrders(shop, q({ q: "wei ling", after: s1.nextCursor! }), 4);
    expect([...s1.items, ...s2.items].map((i) => i.id).sort()).toEqual(
      made
        .filter((_, i) => i % 2 === 0)
        .map((m) => m.id)
        .sort(),
    );

    let csv = "";
    for await (const chunk of exportOrdersCsv(shop, q({ payment: "paid" }), { userId: owner.id })) csv += chunk;
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(9);
    const paidOrders = made.filter((_, i) => i % 4 !== 0);
    expect(rows.map((r) => r.Order).sort()).toEqual(paidOrders.map((m) => `#${m.number}`).sort());
    const sample = rows.find((r) => r.Order === `#${made[5].number}`)!;
    expect(sample).toMatchObject({
      Customer: "Aminah 5",
      Email: "c5@example.my",
      Status: "paid",
      Payment: "paid",
      Total: (made[5].totalMinor / 100).toFixed(2),
      Currency: "MYR",
    });
    expect(
      await withShop(shop, (tx) => tx.select().from(schema.auditLog).where(eq(schema.auditLog.action, "orders.exported"))),
    ).toHaveLength(1);
  });
});

describe("customers", () => {
  it("lists customers with orders and spend, finds duplicates by phone or email and merges them", async () => {
    const [survivor, duplicate, stranger] = await withShop(shopId, (tx) =>
      tx
        .insert(schema.customers)
        .values([
          { shopId, name: "Nurul Huda", phone: "+60199990001", email: "nurul@example.my" },
          {
            shopId,
            name: "Nurul H.",
            phone: "+60199990001",
            email: "nurul.h@example.my",
            marketingConsent: true,
            marketingConsentAt: new Date(),
            note: "Prefers WhatsApp",
          },
          { shopId, name: "Someone Else", phone: "+60199990002" },
        ])
        .returning(),
    );
    await withShop(shopId, (tx) =>
      tx.insert(schema.customerAddresses).values({
        shopId,
        customerId: duplicate.id,
        address: { name: "Nurul", line1: "1 Jalan Ampang", city: "KL", state: "WP Kuala Lumpur", postcode: "50450", country: "MY" },
      }),
    );
    const o1 = await makeOrder(shopId, { lines: [{ variantId: kopi, quantity: 1 }], customerId: survivor.id });
    const o2 = await makeOrder(shopId, { lines: [{ variantId: kain, quantity: 1 }], customerId: duplicate.id });
    const o3 = await makeOrder(shopId, { lines: [{ variantId: kain, quantity: 1 }], customerId: duplicate.id, paid: false });

    const found = (await getCustomer(shopId, survivor.id))!;
    expect(found.duplicates.map((d) => d.id)).toEqual([duplicate.id]);
    expect(found.spent).toBe(o1.totalMinor);
    expect(await mergeCustomers(shopId, survivor.id, stranger.id, actor)).toEqual({
      ok: false,
      errors: { form: { key: "orders:problems.mergeUnrelated" } },
    });

    expect(await mergeCustomers(shopId, survivor.id, duplicate.id, actor)).toEqual({ ok: true, movedOrders: 2 });
    const merged = (await getCustomer(shopId, survivor.id))!;
    expect(merged.orders.map((o) => o.id).sort()).toEqual([o1.id, o2.id, o3.id].sort());
    expect(merged.spent).toBe(o1.totalMinor + o2.totalMinor);
    expect(merged.addresses).toHaveLength(1);
    expect(merged.customer).toMatchObject({ marketingConsent: true, note: "Prefers WhatsApp" });
    expect((await getCustomer(shopId, duplicate.id))!.customer.mergedIntoId).toBe(survivor.id);
    expect(merged.duplicates).toEqual([]);
    expect((await listCustomers(shopId, { q: "+60199990001" })).items.map((c) => c.id)).toEqual([survivor.id]);
    expect(await mergeCustomers(shopId, survivor.id, duplicate.id, actor)).toEqual({
      ok: false,
      errors: { form: { key: "orders:problems.mergedAlready" } },
    });
  });
});
