import { inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getProduct } from "~/domain/catalog/products.server";
import { SYNC_SCHEDULERS_ID } from "~/domain/reports/schedule.server";
import { closeRedis, queue } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";

import { startWorkers } from "../../workers/main";
import { syncToAutoCountSandbox } from "../helpers/accounting";
import { until } from "../helpers/async";
import { makeProduct } from "../helpers/catalog";
import { auditDeliveries, committedDeliveries } from "../helpers/delivery-audit";
import { makeShop, makeUser, onPlan } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";

// Issue 19, item 1: a Redis that restarts without persistence (a managed Redis's failover) loses
// every job it held. The outbox owns the truth until a job's processor finishes, so the work
// is dispatched again (same job id) and done exactly once; the job schedulers come back too.
let stack: IsolatedStack;
let workers: { stop(): Promise<void> };

beforeAll(async () => {
  stack = await isolatedStack(); // its Redis runs without persistence (no AOF, no snapshots)
  // Passes far apart: what brings the lost work back is the workers seeing Redis return.
  workers = await startWorkers({ reconcileEveryMs: 600_000 });
});

afterAll(async () => {
  await workers?.stop();
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

const inbox = async () =>
  ((await (await fetch(`${stack.sandbox.url}/wassenger/inbox.json`)).json()) as { messages: Array<{ reference: string }> }).messages;

describe("Redis loses its data", () => {
  it("work already dispatched to Redis is dispatched again and done exactly once; schedulers come back", async () => {
    expect(await queue("maintenance").getJobScheduler("expire-orders")).toBeTruthy();
    // The jobs wait in Redis (the queue is paused) when Redis goes.
    await queue("notify").pause();
    const users: Array<{ id: string }> = [];
    for (let i = 0; i < 12; i++) users.push(await makeUser());
    const messages = await asPlatform((tx) =>
      tx
        .select({ id: schema.messages.id })
        .from(schema.messages)
        .where(
          inArray(
            schema.messages.userId,
            users.map((u) => u.id),
          ),
        ),
    );
    expect(messages.length).toBeGreaterThanOrEqual(users.length);
    const ids = messages.map((m) => m.id);
    const rows = () =>
      asPlatform((tx) =>
        tx
          .select()
          .from(schema.outbox)
          .where(sql`${schema.outbox.payload}->>'messageId' = any(${`{${ids.join(",")}}`}::text[])`),
      );
    await until(async () => (await rows()).every((r) => r.dispatchedAt !== null));
    expect((await rows()).every((r) => r.finishedAt === null)).toBe(true);
    expect(await queue("notify").getJobCounts("waiting")).toEqual({ waiting: ids.length });

    await stack.stopRedis();
    await stack.startRedis(); // empty: the jobs, the pause and the schedulers are gone

    await until(async () => (await rows()).every((r) => r.finishedAt !== null));
    const sent = await asPlatform((tx) => tx.select().from(schema.messages).where(inArray(schema.messages.id, ids)));
    for (const m of sent) expect(m.status).toMatch(/sent|delivered/);
    const references = (await inbox()).map((m) => m.reference).filter((r) => ids.includes(r));
    expect(references.sort()).toEqual([...ids].sort()); // every message once, none twice

    await until(async () => Boolean(await queue("maintenance").getJobScheduler("expire-orders")));
    expect(await queue("reports").getJobScheduler(SYNC_SCHEDULERS_ID)).toBeTruthy();
  });
});

describe("Redis loses the jobs of paid orders", () => {
  it("the reconciler dispatches them again under the same job ids: every message and AutoCount document exactly once", async () => {
    const owner = await makeUser();
    const shopId = (await makeShop(owner.id)).id;
    await onPlan(shopId, "growth"); // AutoCount sync is in Growth
    await syncToAutoCountSandbox({ userId: owner.id, shopId });
    stack.sandbox.autocount.rateLimit.limit = 100_000; // this test is about Redis, not AutoCount's window
    const product = await makeProduct(shopId, owner.id, { title: "Kopi Tenom", price: "12.50", stock: 100, status: "active" });
    const variantId = (await getProduct(shopId, product.productId))!.variants[0].id;

    // The jobs wait in Redis (their queues paused) when Redis goes.
    await Promise.all([queue("notify").pause(), queue("accounting").pause()]);
    for (let i = 0; i < 8; i++) {
      // Half tell the customer by WhatsApp, half (no phone) by email; the owner by WhatsApp.
      await makeOrder(shopId, {
        lines: [{ variantId, quantity: 1 }],
        phone: i % 2 ? null : "+60123456789",
        email: `buyer${i}@example.com`,
      });
    }
    const rows = () =>
      asPlatform((tx) =>
        tx
          .select()
          .from(schema.outbox)
          .where(sql`${schema.outbox.shopId} = ${shopId}`),
      );
    await until(async () => (await rows()).every((r) => r.dispatchedAt !== null));
    const before = await rows();
    expect(new Set(before.map((r) => r.queue))).toEqual(new Set(["notify", "accounting"]));
    expect(before.every((r) => r.finishedAt === null)).toBe(true);
    for (const row of before) expect(await queue(row.queue).getJob(row.id)).toBeTruthy();

    await stack.stopRedis();
    await stack.startRedis(); // empty: every job of these orders is gone

    await until(async () => (await rows()).every((r) => r.finishedAt !== null), 120_000);
    // Run again under the same job ids (the outbox row's), now completed in the new Redis.
    for (const row of before) expect(await queue(row.queue).getJob(row.id)).toMatchObject({ id: row.id, finishedOn: expect.any(Number) });
    const expected = await committedDeliveries(shopId, { autocount: true });
    expect(expected.whatsapp.length).toBe(8 + 4); // the owner for each order, the customer for half
    expect(expected.email.length).toBe(4);
    expect(expected.autocount.length).toBe(8 * 3);
    expect(await auditDeliveries(stack.sandbox.url, expected)).toEqual({
      whatsapp: { expected: 12, lost: 0, duplicated: 0 },
      email: { expected: 4, lost: 0, duplicated: 0 },
      autocount: { expected: 24, lost: 0, duplicated: 0 },
    });
  });
});
