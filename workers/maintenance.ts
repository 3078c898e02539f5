import { QueueEvents } from "bullmq";

import { config } from "~/config.server";
import { sweepUnmigratedResults } from "~/domain/ai/kling-results.server";
import { deleteStaleCarts } from "~/domain/checkout/cart.server";
import { type CycleResult, runBillingCycle } from "~/flows/billing-cycle.server";
import { sweepInterruptedWork } from "~/flows/interrupted-work.server";
import { expireDueOrders } from "~/flows/order-cancelled.server";
import { runPrivacyRetention } from "~/flows/privacy-retention.server";
import { queue, redisConnection } from "~/lib/redis.server";

import { startProcessor } from "./processor";

/**
 * Housekeeping on the `maintenance` queue. ONE worker serves the queue, so every maintenance job
 * of every area is listed here (a worker without a job's handler fails it).
 * - ai-sweep-results: copies Kling results a dead worker left at Kling into our bucket.
 * - expire-orders: cancels unpaid orders past their time and releases their stock (every minute).
 * - sweep-carts: deletes anonymous carts untouched for 60 days (daily).
 * - billing-cycle: renewal invoices, reminders and suspension of unpaid shops (every 15 minutes).
 * - privacy-retention: WhatsApp bodies after 7 days, analytics after 13 months, export files after 7 days, due deletions (daily).
 * - sweep-interrupted: refunds, AI copy jobs, dropship forwards and AutoCount syncs a dead process left half done (every 5 minutes).
 */
export function startMaintenanceWorker() {
  return startProcessor(
    "maintenance",
    {
      "ai-sweep-results": async () => sweepUnmigratedResults(),
      "expire-orders": async () => ({ expired: await expireDueOrders() }),
      "sweep-carts": async () => ({ deleted: await deleteStaleCarts() }),
      "billing-cycle": async (payload: { now?: string }) => runBillingCycle({ now: payload.now ? new Date(payload.now) : undefined }),
      "privacy-retention": async () => runPrivacyRetention(),
      "sweep-interrupted": async () => sweepInterruptedWork(),
    },
    { concurrency: 1 },
  );
}

/** How often the AI result sweeper runs: well inside the promise that no Kling URL stays un-copied for 24 hours. */
export const AI_RESULT_SWEEP_EVERY_MS = 6 * 3600_000;

/**
 * The repeating jobs, as BullMQ job schedulers: stored in Redis, so they survive restarts, and
 * upserted (not duplicated) by every worker process that starts.
 */
export async function scheduleMaintenance(): Promise<void> {
  await queue("maintenance").waitUntilReady();
  await queue("maintenance").upsertJobScheduler(
    "ai-result-sweeper",
    { every: AI_RESULT_SWEEP_EVERY_MS },
    { name: "ai-sweep-results", data: {}, opts: { removeOnComplete: 30, removeOnFail: 100 } },
  );
  await queue("maintenance").upsertJobScheduler(
    "expire-orders",
    { every: 60_000 },
    { name: "expire-orders", data: {}, opts: { removeOnComplete: 100, removeOnFail: 500 } },
  );
  await queue("maintenance").upsertJobScheduler(
    "sweep-carts",
    { every: 24 * 3600_000 },
    { name: "sweep-carts", data: {}, opts: { removeOnComplete: 30, removeOnFail: 100 } },
  );
  await queue("maintenance").upsertJobScheduler(
    "billing-cycle",
    { every: BILLING_CYCLE_EVERY_MS },
    { name: "billing-cycle", data: {}, opts: { removeOnComplete: 100, removeOnFail: 500 } },
  );
  await queue("maintenance").upsertJobScheduler(
    INTERRUPTED_WORK_SCHEDULER,
    { every: INTERRUPTED_WORK_EVERY_MS },
    { name: "sweep-interrupted", data: {}, opts: { removeOnComplete: 100, removeOnFail: 500 } },
  );
  await queue("maintenance").upsertJobScheduler(
    "privacy-retention",
    { every: 24 * 3600_000 },
    { name: "privacy-retention", data: {}, opts: { removeOnComplete: 30, removeOnFail: 100 } },
  );
}

/**
 * One run of the billing cycle as the scheduler's job (the `maintenance` queue, through its
 * worker), at the clock given; resolves with the cycle's result once a worker has run it.
 */
export async function runBillingCycleJob(now: Date): Promise<CycleResult> {
  const events = new QueueEvents("maintenance", { connection: redisConnection(), prefix: config().QUEUE_PREFIX });
  try {
    await events.waitUntilReady();
    const job = await queue("maintenance").add("billing-cycle", { now: now.toISOString() }, { removeOnComplete: 100, removeOnFail: 500 });
    return (await job.waitUntilFinished(events)) as CycleResult;
  } finally {
    await events.close();
  }
}

/** How often the billing cycle runs: reminders and suspensions land within 15 minutes of their day. */
export const BILLING_CYCLE_EVERY_MS = 15 * 60_000;

/** The interrupted-work sweeper's scheduler (the outbox reconciler re-creates it when Redis lost it). */
export const INTERRUPTED_WORK_SCHEDULER = "sweep-interrupted";
/** How often work a dead process left half done is looked for (each kind has its own grace period). */
const INTERRUPTED_WORK_EVERY_MS = 5 * 60_000;
