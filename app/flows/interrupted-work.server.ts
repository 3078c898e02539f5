/**
 * Work a dead process left half done, found and finished (or undone) once: the
 * `maintenance:sweep-interrupted` job (a job scheduler every few minutes, re-created by the outbox
 * reconciler when Redis loses it). Everything is measured against `now` (injected: tests move it
 * instead of waiting), and nothing younger than its grace period is touched, so work still in
 * progress is left alone. Work that still has an unfinished outbox row is the outbox's (the
 * reconciler re-dispatches it if Redis lost its job); only work without one is swept.
 *
 *   1. Refunds reserved and never recorded (the process stopped between the gateway and our
 *      record): looked up at the gateway by their idempotency key, never made again; recorded if
 *      the gateway made them, dropped if it did not, left for the next pass while it cannot say
 *      (order-refunded's settleInterruptedRefunds).
 *   2. AI copy jobs still queued or running with no job left to run them (their credits held):
 *      failed with the words a given-up job gets, so the credits are released and Retry is offered.
 *   3. Dropship forwards paid (wallet or by hand) and never sent to the supplier: sent (the
 *      supplier's order has the forward's id, so sending twice creates one order).
 *   4. AutoCount syncs still pending with no job left: queued again through the outbox; the sync
 *      looks every document up by its number before writing it, so nothing is booked twice. A
 *      sync that has started too often without finishing is failed for the admin to see and retry.
 */
import { and, eq, inArray, isNull, lt, ne, sql } from "drizzle-orm";

import { queueSyncJob } from "~/domain/accounting/sync.server";
import { copyJobGaveUp } from "~/domain/ai/copy-processor.server";
import { sendForward } from "~/domain/dropship/forwarding.server";
import { INTERRUPTED_REFUND_AFTER_MS } from "~/domain/orders/refunds.server";
import { logger } from "~/lib/logger.server";
import { asPlatform, schema, withShop } from "~db/client";

import { settleInterruptedRefunds } from "./order-refunded.server";

/** How long each kind of work may go without progress before it counts as interrupted. */
export const SWEEP_GRACE_MS = {
  refund: INTERRUPTED_REFUND_AFTER_MS,
  aiCopy: 30 * 60_000,
  forward: 10 * 60_000,
  accountingSync: 30 * 60_000,
} as const;
/** A sync that has started this many times without finishing is failed instead of queued again (the admin retries it). */
const MAX_SYNC_ATTEMPTS = 24;
const BATCH = 200;

export interface SweepResult {
  refunds: { recorded: number; dropped: number; unknown: number };
  aiJobsFailed: number;
  forwardsSent: number;
  syncsRequeued: number;
  syncsFailed: number;
}

/** The `payload->>key` of every unfinished outbox row of `queue`: work the outbox still owns. */
async function liveOutboxKeys(queue: string, key: string): Promise<Set<string>> {
  const rows = await asPlatform((tx) =>
    tx
      .select({ value: sql<string>`${schema.outbox.payload}->>${key}` })
      .from(schema.outbox)
      .where(and(eq(schema.outbox.queue, queue), isNull(schema.outbox.finishedAt))),
  );
  return new Set(rows.map((r) => r.value));
}

const before = (now: Date, ms: number) => new Date(now.getTime() - ms);

export async function sweepInterruptedWork(options: { now?: Date } = {}): Promise<SweepResult> {
  const now = options.now ?? new Date();
  const result: SweepResult = {
    refunds: { recorded: 0, dropped: 0, unknown: 0 },
    aiJobsFailed: 0,
    forwardsSent: 0,
    syncsRequeued: 0,
    syncsFailed: 0,
  };
  const step = async (name: string, work: () => Promise<void>) => {
    // One kind's failure (a gateway down) does not stop the others; the next pass tries again.
    await work().catch((error) => logger().warn({ err: (error as Error).message, step: name }, "interrupted-work sweep step failed"));
  };

  // 1. Refunds between the gateway and our record.
  await step("refunds", async () => {
    const orders = await asPlatform((tx) =>
      tx
        .selectDistinct({ shopId: schema.payments.shopId, orderId: schema.payments.orderId })
        .from(schema.payments)
        .where(
          and(
            eq(schema.payments.kind, "refund"),
            eq(schema.payments.status, "pending"),
            lt(schema.payments.createdAt, before(now, SWEEP_GRACE_MS.refund)),
          ),
        )
        .limit(BATCH),
    );
    for (const { shopId, orderId } of orders) {
      if (!orderId) continue;
      const done = await settleInterruptedRefunds(shopId, orderId, undefined, now);
      result.refunds.recorded += done.recorded;
      result.refunds.dropped += done.dropped;
      result.refunds.unknown += done.unknown;
    }
  });

  // 2. AI copy jobs nobody will run.
  await step("ai-copy", async () => {
    const live = await liveOutboxKeys("ai-copy", "jobId");
    const stuck = await asPlatform((tx) =>
      tx
        .select({ id: schema.aiJobs.id, shopId: schema.aiJobs.shopId })
        .from(schema.aiJobs)
        .where(
          and(
            eq(schema.aiJobs.kind, "copy"),
            inArray(schema.aiJobs.status, ["queued", "running"]),
            lt(schema.aiJobs.updatedAt, before(now, SWEEP_GRACE_MS.aiCopy)),
          ),
        )
        .limit(BATCH),
    );
    for (const job of stuck) {
      if (live.has(job.id)) continue;
      await copyJobGaveUp(job.shopId, job.id);
      result.aiJobsFailed++;
    }
  });

  // 3. Paid forwards never sent to their supplier.
  await step("forwards", async () => {
    const live = await liveOutboxKeys("dropship", "orderId");
    const unsent = await asPlatform((tx) =>
      tx
        .select({ id: schema.dropshipForwards.id, shopId: schema.dropshipForwards.shopId, orderId: schema.dropshipForwards.orderId })
        .from(schema.dropshipForwards)
        .where(
          and(
            isNull(schema.dropshipForwards.sentAt),
            ne(schema.dropshipForwards.payment, "unpaid"),
            ne(schema.dropshipForwards.status, "cancelled"),
            lt(schema.dropshipForwards.updatedAt, before(now, SWEEP_GRACE_MS.forward)),
          ),
        )
        .limit(BATCH),
    );
    for (const forward of unsent) {
      if (live.has(forward.orderId)) continue;
      await sendForward(forward.shopId, forward.id);
      result.forwardsSent++;
    }
  });

  // 4. AutoCount syncs with no job left.
  await step("accounting", async () => {
    const live = await liveOutboxKeys("accounting", "syncId");
    const pending = await asPlatform((tx) =>
      tx
        .select({ id: schema.accountingSyncs.id, shopId: schema.accountingSyncs.shopId, attempts: schema.accountingSyncs.attempts })
        .from(schema.accountingSyncs)
        .where(
          and(
            eq(schema.accountingSyncs.status, "pending"),
            lt(schema.accountingSyncs.updatedAt, before(now, SWEEP_GRACE_MS.accountingSync)),
          ),
        )
        .limit(BATCH),
    );
    for (const sync of pending) {
      if (live.has(sync.id)) continue;
      const outcome = await withShop(sync.shopId, async (tx) => {
        // Claimed under the row's lock: two sweepers queue it once.
        const [row] = await tx
          .update(schema.accountingSyncs)
          .set({
            ...(sync.attempts >= MAX_SYNC_ATTEMPTS
              ? { status: "failed" as const, error: "The sync was interrupted too often. Press Retry to send it again." }
              : {}),
            updatedAt: now,
          })
          .where(
            and(
              eq(schema.accountingSyncs.id, sync.id),
              eq(schema.accountingSyncs.status, "pending"),
              lt(schema.accountingSyncs.updatedAt, before(now, SWEEP_GRACE_MS.accountingSync)),
            ),
          )
          .returning({ status: schema.accountingSyncs.status });
        if (!row) return "taken";
        if (row.status === "failed") return "failed";
        await queueSyncJob(tx, sync.shopId, sync.id);
        return "requeued";
      });
      if (outcome === "requeued") result.syncsRequeued++;
      if (outcome === "failed") result.syncsFailed++;
    }
  });

  const swept =
    result.refunds.recorded +
    result.refunds.dropped +
    result.aiJobsFailed +
    result.forwardsSent +
    result.syncsRequeued +
    result.syncsFailed;
  if (swept > 0) logger().warn({ ...result }, "interrupted work finished or undone");
  return result;
}
