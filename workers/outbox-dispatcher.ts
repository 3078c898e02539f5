/**
 * Moves committed outbox rows to their BullMQ queues, with the outbox row id as the job id.
 *
 * At-least-once and deduplicated: a row is claimed and marked dispatched in one statement, and
 * that transaction commits only after BullMQ accepted its job; if anything fails in between
 * (Redis down, a crash), the row is dispatched again later and BullMQ ignores a job id it
 * already has.
 * Woken by NOTIFY on insert, and polls as a fallback.
 */
import { and, asc, inArray, isNull, lte, sql } from "drizzle-orm";

import { outboxJobOptions } from "~/domain/jobs/outbox.server";
import { logger } from "~/lib/logger.server";
import { queue } from "~/lib/redis.server";
import { asPlatform, listen, schema } from "~db/client";

// Rows per pass: one UPDATE … RETURNING that claims them, one Redis round trip per queue.
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
      // Claim the due rows and mark them dispatched in one statement (locked rows another
      // dispatcher holds are skipped); the mark commits only if Redis accepted their jobs.
      const rows = await tx
        .update(schema.outbox)
        .set({ dispatchedAt: sql`now()`, lastError: null })
        .where(
          inArray(
            schema.outbox.id,
            tx
              .select({ id: schema.outbox.id })
              .from(schema.outbox)
              .where(and(isNull(schema.outbox.dispatchedAt), lte(schema.outbox.availableAt, sql`now()`)))
              .orderBy(asc(schema.outbox.createdAt))
              .limit(BATCH)
              .for("update", { skipLocked: true }),
          ),
        )
        .returning({
          id: schema.outbox.id,
          queue: schema.outbox.queue,
          jobName: schema.outbox.jobName,
          payload: schema.outbox.payload,
          runAttempts: schema.outbox.runAttempts,
          createdAt: schema.outbox.createdAt,
        });
      if (rows.length === 0) return 0;
      // RETURNING has no order: enqueue in commit order, as the rows were claimed.
      rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      const byQueue = new Map<string, typeof rows>();
      for (const row of rows) byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), row]);
      let failed = 0;
      for (const [name, jobs] of byQueue) {
        try {
          await withTimeout(
            queue(name).addBulk(jobs.map((r) => ({ name: r.jobName, data: r.payload, opts: outboxJobOptions(r) }))),
            ENQUEUE_TIMEOUT_MS,
          );
        } catch (error) {
          // Not dispatched after all: these rows are tried again by a later pass.
          const message = (error as Error).message.slice(0, 500);
          failed += jobs.length;
          await tx
            .update(schema.outbox)
            .set({ dispatchedAt: null, attempts: sql`${schema.outbox.attempts} + 1`, lastError: message })
            .where(
              inArray(
                schema.outbox.id,
                jobs.map((r) => r.id),
              ),
            );
          logger().warn({ queue: name, jobs: jobs.length, err: message }, "outbox: queue unavailable, will retry");
        }
      }
      // A failed queue ends this pass; the next poll tries again.
      return failed === 0 ? rows.length : 0;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.unlisten?.().catch(() => {});
  }
}
