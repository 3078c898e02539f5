/**
 * Work a dead process left half done (app/flows/interrupted-work.server.ts), and a refund whose
 * gateway answer never arrived: each crash point is set up for real (the steps before it run, the
 * ones after it do not), then the sweeper runs at an injected `now` past its grace period. Each is
 * finished or undone once: a second pass changes nothing, and the provider saw one call.
 */
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { requestCopy } from "~/domain/ai/copy-requests.server";
import { creditBalances } from "~/domain/ai/credits.server";
import { forwardOrder } from "~/domain/dropship/forwarding.server";
import { reserveRefund } from "~/domain/orders/refunds.server";
import { sweepInterruptedWork } from "~/flows/interrupted-work.server";
import { refundOrder } from "~/flows/order-refunded.server";
import { paymentGatewayFor } from "~/integrations/payment-gateways.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { makeProduct } from "../helpers/catalog";
import { importInto, makeDropshipOrder, makeMerchant, makeSupplier, makeSupplierProduct, topUp } from "../helpers/dropship";
import { makeShop, makeUser } from "../helpers/factories";
import { choose } from "../helpers/merchant-endpoint";
import { makeOrder } from "../helpers/orders";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";

// Its own database and sandbox: the sweeper looks at every shop, and runs at a `now` far ahead.
let stack: IsolatedStack;
let shopId: string;
let actor: { userId: string; ip: string; userAgent: string };
let variantId: string;

beforeAll(async () => {
  stack = await isolatedStack();
  const owner = await makeUser();
  actor = { userId: owner.id, ip: "127.0.0.1", userAgent: "vitest" };
  shopId = (await makeShop(owner.id)).id;
  const product = await makeProduct(shopId, owner.id, { title: "Kopi Tenom", price: "12.50", stock: 500, status: "active" });
  const [variant] = await withShop(shopId, (tx) =>
    tx.select().from(schema.variants).where(eq(schema.variants.productId, product.productId)),
  );
  variantId = variant.id;
});

afterAll(async () => {
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

const minutes = (n: number) => new Date(Date.now() + n * 60_000);

async function paidOrder(quantity = 4) {
  const order = await makeOrder(shopId, { lines: [{ variantId, quantity }] });
  const client = paymentGatewayFor({ gateway: "payseller" });
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
      .set({ gateway: "payseller", gatewayReference: created.gatewayReference })
      .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.orderId, order.id), eq(schema.payments.kind, "charge"))),
  );
  return { order, reference: created.gatewayReference, client };
}

const refundsOf = (orderId: string) =>
  withShop(shopId, (tx) =>
    tx
      .select()
      .from(schema.payments)
      .where(and(eq(schema.payments.orderId, orderId), eq(schema.payments.kind, "refund"))),
  );
const orderOf = async (orderId: string) =>
  (await withShop(shopId, (tx) => tx.select().from(schema.orders).where(eq(schema.orders.id, orderId))))[0];

/** Step 1 of a refund (reserved under the order's lock), as the order page's action does it. */
async function reserve(orderId: string, amount: string) {
  const plan = await withShop(shopId, (tx) => reserveRefund(tx, shopId, orderId, actor, { mode: "amount", amount, reason: "crash test" }));
  if (!plan || "ok" in plan) throw new Error("not reserved");
  return plan;
}

describe("refunds interrupted between the gateway and our record", () => {
  it("records a refund the gateway made (looked up by its key, not made again), once", async () => {
    const { order, reference, client } = await paidOrder();
    const plan = await reserve(order.id, "12.50");
    // Step 2 ran (the gateway paid out); the process died before step 3.
    await client.refund({ gatewayReference: reference, amountMinor: plan.amountMinor, idempotencyKey: plan.paymentId });

    // Within its grace period it may still be in progress: left alone.
    expect((await sweepInterruptedWork({ now: minutes(1) })).refunds).toEqual({ recorded: 0, dropped: 0, unknown: 0 });
    expect((await refundsOf(order.id))[0].status).toBe("pending");

    expect((await sweepInterruptedWork({ now: minutes(3) })).refunds).toMatchObject({ recorded: 1 });
    const [refund] = await refundsOf(order.id);
    expect(refund).toMatchObject({ status: "succeeded", gatewayReference: expect.stringMatching(/^rf_/) });
    expect(await orderOf(order.id)).toMatchObject({ refundedMinor: 1250, paymentStatus: "partially_refunded" });
    // Again: nothing left to do, and the gateway paid out once.
    expect((await sweepInterruptedWork({ now: minutes(3) })).refunds).toEqual({ recorded: 0, dropped: 0, unknown: 0 });
    expect(await client.getPayment(reference)).toMatchObject({ refundedAmountMinor: 1250 });
    expect((await orderOf(order.id)).refundedMinor).toBe(1250);
  });

  it("drops a refund the gateway never made, without making it", async () => {
    const { order, reference, client } = await paidOrder();
    // Reserved; the process died before calling the gateway.
    await reserve(order.id, "5.00");
    expect((await sweepInterruptedWork({ now: minutes(3) })).refunds).toMatchObject({ dropped: 1 });
    expect((await refundsOf(order.id)).map((r) => r.status)).toEqual(["failed"]);
    expect(await client.getPayment(reference)).toMatchObject({ refundedAmountMinor: 0 });
    expect(await orderOf(order.id)).toMatchObject({ refundedMinor: 0, paymentStatus: "paid" });
    const events = await withShop(shopId, (tx) =>
      tx
        .select()
        .from(schema.orderEvents)
        .where(and(eq(schema.orderEvents.orderId, order.id), eq(schema.orderEvents.type, "refund_failed"))),
    );
    expect(events).toHaveLength(1);
    expect(events[0].summary).toMatch(/interrupted refund of RM\s5\.00 was dropped: payseller has no such refund/);
  });

  it("resolves a refund whose answer was lost by looking it up: recorded once, never asked for twice", async () => {
    const { order, reference, client } = await paidOrder();
    // The gateway makes the refund and the connection is cut before its answer: an unknown outcome.
    stack.sandbox.payseller.switches.loseRefundAnswerNext = 1;
    const result = await refundOrder(shopId, order.id, actor, { mode: "amount", amount: "7.50", reason: "lost answer" });
    expect(result).toMatchObject({ ok: true, amountMinor: 750 });
    expect(stack.sandbox.payseller.switches.loseRefundAnswerNext).toBe(0);
    expect((await refundsOf(order.id)).map((r) => r.status)).toEqual(["succeeded"]);
    expect(await client.getPayment(reference)).toMatchObject({ refundedAmountMinor: 750 });
    expect(await orderOf(order.id)).toMatchObject({ refundedMinor: 750 });
  });
});

describe("AI copy jobs nobody will run", () => {
  it("fails a job left running with no job to run it, releasing its credits, once; a job the outbox still owns is left alone", async () => {
    const product = await makeProduct(shopId, actor.userId, { title: "Songket Tote Bag" });
    const stuck = await requestCopy(shopId, product.productId, { tone: "friendly", languages: ["en"] }, actor);
    const waiting = await requestCopy(shopId, product.productId, { tone: "friendly", languages: ["ms"] }, actor);
    if (!stuck?.ok || !waiting?.ok) throw new Error("not queued");
    // The worker started the first, then its job was given up without the job row hearing of it
    // (the process died between BullMQ failing it and our record): its outbox row is finished.
    await withShop(shopId, async (tx) => {
      await tx.update(schema.aiJobs).set({ status: "running" }).where(eq(schema.aiJobs.id, stuck.jobId));
      await tx
        .update(schema.outbox)
        .set({ finishedAt: sql`now()`, lastError: "job stalled more than allowable limit" })
        .where(sql`${schema.outbox.payload}->>'jobId' = ${stuck.jobId}`);
    });
    const held = (await withShop(shopId, (tx) => creditBalances(tx, shopId))).copy.held;
    expect((await sweepInterruptedWork({ now: minutes(5) })).aiJobsFailed).toBe(0); // within its grace period

    expect((await sweepInterruptedWork({ now: minutes(31) })).aiJobsFailed).toBe(1);
    const jobs = await withShop(shopId, (tx) => tx.select().from(schema.aiJobs).where(eq(schema.aiJobs.productId, product.productId)));
    expect(jobs.find((j) => j.id === stuck.jobId)).toMatchObject({ status: "failed", errorCode: "gave_up" });
    expect(jobs.find((j) => j.id === waiting.jobId)).toMatchObject({ status: "queued" }); // its outbox row is not finished
    expect((await withShop(shopId, (tx) => creditBalances(tx, shopId))).copy.held).toBeLessThan(held);
    expect((await sweepInterruptedWork({ now: minutes(31) })).aiJobsFailed).toBe(0);
  });
});

describe("AutoCount syncs with no job left", () => {
  it("queues a pending sync again through the outbox, once while that job is alive", async () => {
    const order = await makeOrder(shopId, { lines: [{ variantId, quantity: 1 }] });
    const [sync] = await withShop(shopId, (tx) =>
      tx
        .insert(schema.accountingSyncs)
        .values({ shopId, orderId: order.id, kind: "invoice", docNo: `NS-I9${order.number}` })
        .returning(),
    );
    const rows = () =>
      withShop(shopId, (tx) =>
        tx
          .select()
          .from(schema.outbox)
          .where(sql`${schema.outbox.queue} = 'accounting' and ${schema.outbox.payload}->>'syncId' = ${sync.id}`),
      );
    expect((await sweepInterruptedWork({ now: minutes(31) })).syncsRequeued).toBe(1);
    expect(await rows()).toHaveLength(1);
    // The job is queued (its outbox row unfinished): later passes leave it to the outbox.
    expect((await sweepInterruptedWork({ now: minutes(62) })).syncsRequeued).toBe(0);
    expect(await rows()).toHaveLength(1);
  });
});

describe("dropship forwards paid and never sent", () => {
  it("sends a forward whose supplier order was written but not marked sent: one supplier order, stock taken once", async () => {
    const supplier = await makeSupplier();
    const supplied = await makeSupplierProduct(supplier.shopId, supplier.user.id, { cost: "10.00", price: "25.00", stock: 30 });
    const supplierVariants = supplied.variants;
    const merchant = await makeMerchant();
    await topUp(merchant.shopId, 100_00);
    const { variants } = await importInto(merchant.shopId, merchant.user.id, supplied.productId);
    const order = await makeDropshipOrder(merchant.shopId, [{ variantId: variants[0].id, quantity: 2 }]);
    // The forward-order job ran: wallet charged, supplier order written... and the process died
    // before the merchant's side recorded it sent, and its job was not run again.
    await forwardOrder({ shopId: merchant.shopId, orderId: order.id });
    await withShop(merchant.shopId, async (tx) => {
      await tx.update(schema.dropshipForwards).set({ sentAt: null }).where(eq(schema.dropshipForwards.orderId, order.id));
      await tx
        .update(schema.outbox)
        .set({ finishedAt: sql`now()` })
        .where(sql`${schema.outbox.payload}->>'orderId' = ${order.id}`);
    });
    const stock = async () =>
      (
        await withShop(supplier.shopId, (tx) =>
          tx.select().from(schema.inventoryLevels).where(eq(schema.inventoryLevels.variantId, supplierVariants[0].id)),
        )
      )[0].onHand;
    const before = await stock();

    expect((await sweepInterruptedWork({ now: minutes(11) })).forwardsSent).toBe(1);
    const [forward] = await withShop(merchant.shopId, (tx) =>
      tx.select().from(schema.dropshipForwards).where(eq(schema.dropshipForwards.orderId, order.id)),
    );
    expect(forward.sentAt).not.toBeNull();
    const supplierOrders = await withShop(supplier.shopId, (tx) =>
      tx.select().from(schema.supplierOrders).where(eq(schema.supplierOrders.merchantOrderId, order.id)),
    );
    expect(supplierOrders.map((o) => o.id)).toEqual([forward.id]);
    expect(await stock()).toBe(before);
    expect((await sweepInterruptedWork({ now: minutes(11) })).forwardsSent).toBe(0);
  });
});
