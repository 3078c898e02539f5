/**
 * The outbox owns the truth until the work is done (docs/decisions/0003-outbox.md). A row that
 * was dispatched but is not finished must have its job in Redis; Redis can lose it (a restart
 * without persistence, a managed Redis's failover). Every pass this reconciler:
 *
 * - looks up the job of each dispatched, unfinished row in Redis (one pipeline per queue);
 * - job gone: clears the row's dispatch, so the dispatcher enqueues it again with the same job id
 *   (no earlier than the wait recorded on the row);
 * - job finished in Redis but not recorded (PostgreSQL was away when it finished): records it;
 * - re-asserts the job schedulers when Redis has lost them, instead of waiting for a restart.
 *
 * A Redis or PostgreSQL error ends the pass and the next one tries again: an unanswered lookup
 * is never taken for a lost job.
 */
import { and, asc, inArray, isNotNull, isNull } from "drizzle-orm";

import { markOutboxFinished } from "~/domain/jobs/outbox.server";
import { logger } from "~/lib/logger.server";
import { queue, redis } from "~/lib/redis.server";
import { asPlatform, schema } from "~db/client";

const BATCH = 1_000;

export interface ReconcileResult {
  requeued: number;
  recorded: number;
  schedulersRestored: boolean;
}

export class OutboxReconciler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;
  private again = false;
  private lastError = { message: "", at: 0 };

  constructor(
    private readonly options: {
      everyMs?: number;
      /** Called after rows were cleared for re-dispatch (wakes the dispatcher). */
      onRequeue?: () => void;
      /** Whether the job schedulers are still in Redis (a cheap probe). */
      schedulersPresent?: () => Promise<boolean>;
      /** Re-creates the job schedulers. */
      restoreSchedulers?: () => Promise<void>;
    } = {},
  ) {}

  start(): void {
    this.schedule();
  }

  /** Runs a pass now (or right after the current one): Redis just came back, perhaps empty. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms = this.options.everyMs ?? 5_000) {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      let failed = false;
      this.running = this.pass()
        .catch((error: Error) => {
          failed = true;
          if (error.message === this.lastError.message && Date.now() - this.lastError.at < 60_000) return;
          this.lastError = { message: error.message, at: Date.now() };
          logger().warn({ err: error.message }, "outbox reconcile pass failed; retrying");
        })
        .finally(() => {
          this.running = undefined;
          const again = this.again;
          this.again = false;
          // A failed pass (Redis or PostgreSQL still coming back) is tried again soon.
          const every = this.options.everyMs ?? 5_000;
          this.schedule(again ? 0 : failed ? Math.min(every, 1_000) : every);
        });
    }, ms);
  }

  async pass(): Promise<ReconcileResult> {
    const result: ReconcileResult = { requeued: 0, recorded: 0, schedulersRestored: false };
    if (this.options.schedulersPresent && this.options.restoreSchedulers && !(await this.options.schedulersPresent())) {
      await this.options.restoreSchedulers();
      result.schedulersRestored = true;
      logger().warn("job schedulers were missing from Redis (data lost?): re-created");
    }
    const rows = await asPlatform((tx) =>
      tx
        .select({ id: schema.outbox.id, queue: schema.outbox.queue })
        .from(schema.outbox)
        .where(and(isNotNull(schema.outbox.dispatchedAt), isNull(schema.outbox.finishedAt)))
        .orderBy(asc(schema.outbox.dispatchedAt))
        .limit(BATCH),
    );
    const byQueue = new Map<string, string[]>();
    for (const row of rows) byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), row.id]);
    const lost: string[] = [];
    for (const [name, ids] of byQueue) {
      const q = queue(name);
      const pipeline = redis().pipeline();
      for (const id of ids) {
        pipeline.exists(q.toKey(id));
        pipeline.hget(q.toKey(id), "finishedOn");
        pipeline.zscore(q.toKey("failed"), id);
      }
      const replies = (await pipeline.exec()) ?? [];
      if (replies.length !== ids.length * 3) throw new Error("Redis answered part of the lookup");
      for (const [i, id] of ids.entries()) {
        const [[e1, exists], [e2, finishedOn], [e3, failed]] = replies.slice(i * 3, i * 3 + 3);
        if (e1 || e2 || e3) throw e1 ?? e2 ?? e3;
        if (exists === 0) lost.push(id);
        else if (finishedOn) {
          await markOutboxFinished(id, failed === null ? null : "failed (recorded from Redis)");
          result.recorded++;
        }
      }
    }
    if (lost.length) {
      const cleared = await asPlatform((tx) =>
        tx
          .update(schema.outbox)
          .set({ dispatchedAt: null, lastError: "its job was lost from Redis: dispatched again" })
          .where(and(inArray(schema.outbox.id, lost), isNull(schema.outbox.finishedAt), isNotNull(schema.outbox.dispatchedAt)))
          .returning({ id: schema.outbox.id }),
      );
      result.requeued = cleared.length;
      logger().warn({ jobs: cleared.length }, "outbox: jobs lost from Redis were dispatched again");
      this.options.onRequeue?.();
    }
    return result;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
