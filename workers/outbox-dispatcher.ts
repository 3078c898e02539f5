/**
 * Moves committed outbox rows to their BullMQ queues, with the outbox row id as the job id.
 *
 * At-least-once and deduplicated: a row is marked dispatched only after BullMQ accepted its
 * job, in the same transaction that locked it; if anything fails in between (Redis down, a
 * crash), the row is dispatched again later and BullMQ ignores a job id it already has.
 * Woken by NOTIFY on insert, and polls as a fallback.
 */
import { and, asc, inArray, isNull, lte, sql } from "drizzle-orm";

import { outboxJobOptions } from "~/domain/jobs/outbox.server";
import { logger } from "~/lib/logger.server";
import { queue } from "~/lib/redis.server";
import { asPlatform, listen, schema } from "~db/client";

// Rows per pass: one SELECT … FOR UPDATE, one Redis round trip per queue, one UPDATE.
const BATCH = 1_000;
/** While Redis is unreachable BullMQ waits for it; the rows stay locked meanwhile, so give up. */
const ENQUEUE_TIMEOUT_MS = 5_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not accept the jobs within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class OutboxDispatcher {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private unlisten?: () => Promise<void>;

  constructor(private readonly pollMs = 1_000) {}

  async start(): Promise<void> {
    this.unlisten = await listen("netshop_outbox", () => this.wake());
    this.schedule(0);
  }

  /** Runs a pass now (or right after the current one). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.drain()
        .then(() => {})
        .catch((error) => logger().warn({ err: error }, "outbox dispatch pass failed; retrying"))
        .finally(() => {
          this.running = undefined;
          if (this.stopped) return;
          const more = this.again;
          this.again = false;
          this.schedule(more ? 0 : this.pollMs);
        });
    }, ms);
  }

  /** Dispatches everything that is due; returns the number of jobs handed to BullMQ. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.dispatchBatch();
      total += sent;
      if (sent < BATCH) return total;
    }
  }

  private async dispatchBatch(): Promise<number> {
    return asPlatform(async (tx) => {
      const rows = await tx
        .select()
        .from(schema.outbox)
        .where(and(isNull(schema.outbox.dispatchedAt), lte(schema.outbox.availableAt, sql`now()`)))
        .orderBy(asc(schema.outbox.createdAt))
        .limit(BATCH)
        .for("update", { skipLocked: true });
      if (rows.length === 0) return 0;
      const byQueue = new Map<string, typeof rows>();
      for (const row of rows) byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), row]);
      const dispatched: string[] = [];
      for (const [name, jobs] of byQueue) {
        try {
          await withTimeout(
            queue(name).addBulk(jobs.map((r) => ({ name: r.jobName, data: r.payload, opts: outboxJobOptions(r) }))),
            ENQUEUE_TIMEOUT_MS,
          );
          dispatched.push(...jobs.map((r) => r.id));
        } catch (error) {
          const message = (error as Error).message.slice(0, 500);
          await tx
            .update(schema.outbox)
            .set({ attempts: sql`${schema.outbox.attempts} + 1`, lastError: message })
            .where(
              inArray(
                schema.outbox.id,
                jobs.map((r) => r.id),
              ),
            );
          logger().warn({ queue: name, jobs: jobs.length, err: message }, "outbox: queue unavailable, will retry");
        }
      }
      if (dispatched.length) {
        await tx
          .update(schema.outbox)
          .set({ dispatchedAt: sql`now()`, lastError: null })
          .where(inArray(schema.outbox.id, dispatched));
      }
      // A failed queue ends this pass; the next poll tries again.
      return dispatched.length === rows.length ? rows.length : 0;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.unlisten?.().catch(() => {});
  }
}
