/**
 * The billing cycle through its real job path: a `maintenance:billing-cycle` job carrying an
 * injected clock, run by the maintenance worker (a private Redis, so no other file's jobs reach
 * this worker). Two runs at the same clock: one renewal invoice per shop and period; a payload
 * with a malformed clock fails without running.
 */
import type { Worker } from "bullmq";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DAY_MS } from "~/domain/billing/periods";
import { closeRedis, queue } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { runBillingCycleJob, startMaintenanceWorker } from "../../workers/maintenance";
import { until } from "../helpers/async";
import { subscriptionOf, trialShop } from "../helpers/billing";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";

let stack: IsolatedStack;
let worker: Worker;

beforeAll(async () => {
  stack = await isolatedStack();
  worker = startMaintenanceWorker();
});
afterAll(async () => {
  await worker?.close();
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

describe("maintenance:billing-cycle with an injected clock", () => {
  it("issues each due shop's renewal once, however often the job runs at that clock", async () => {
    const t0 = new Date("2026-08-03T02:00:00Z");
    const shops = await Promise.all([1, 2, 3].map(() => trialShop(t0)));
    const end = (await subscriptionOf(shops[0].shop.id)).currentPeriodEnd!;
    const now = new Date(end.getTime() - 3 * DAY_MS);

    const first = await runBillingCycleJob(now);
    expect(first).toMatchObject({ shops: 3, invoices: 3 });
    const again = await runBillingCycleJob(now);
    expect(again).toMatchObject({ shops: 3, invoices: 0 });
    for (const { shop } of shops) {
      const invoices = await withShop(shop.id, (tx) =>
        tx.select().from(schema.platformInvoices).where(eq(schema.platformInvoices.shopId, shop.id)),
      );
      expect(invoices).toEqual([expect.objectContaining({ kind: "renewal", status: "open", planId: "growth", dueAt: end })]);
    }

    // Past the trial's end, the same job falls the unpaid trials back to Free.
    expect(await runBillingCycleJob(end)).toMatchObject({ trialsEnded: 3 });
    expect((await subscriptionOf(shops[1].shop.id)).planId).toBe("free");
  });

  it("refuses a malformed clock without running", async () => {
    const job = await queue("maintenance").add("billing-cycle", { now: "next Tuesday" });
    await until(async () => (await job.getState()) === "failed");
    expect((await queue("maintenance").getJob(job.id!))?.failedReason).toMatch(/invalid payload/);
  });
});
