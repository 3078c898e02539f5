import { and, isNull, sql } from "drizzle-orm";

import { isUuid } from "~/lib/ids";
import { logger } from "~/lib/logger.server";
import { asPlatform, schema, type Tx } from "~db/client";

import { DEFAULT_JOB_OPTIONS, type JobName, type JobPayload, type JobQueue, jobSchema } from "./queues";

/**
 * Records work to run after this transaction commits. The outbox dispatcher enqueues it on
 * BullMQ with the outbox row id as job id: committed work is never lost, and never run twice
 * because of a dispatch retry.
 */
export async function enqueueAfterCommit<Q extends JobQueue, N extends JobName<Q>>(
  tx: Tx,
  job: { queue: Q; name: N; payload: JobPayload<Q, N>; shopId?: string | null; delayMs?: number },
): Promise<string> {
  const [id] = await enqueueManyAfterCommit(tx, [job]);
  return id;
}

/** enqueueAfterCommit for many jobs: one INSERT (a bulk action's jobs, a benchmark's events). */
export async function enqueueManyAfterCommit<Q extends JobQueue, N extends JobName<Q>>(
  tx: Tx,
  jobs: Array<{ queue: Q; name: N; payload: JobPayload<Q, N>; shopId?: string | null; delayMs?: number }>,
): Promise<string[]> {
  if (jobs.length === 0) return [];
  const values = jobs.map((job) => {
    const parsed = jobSchema(job.queue, job.name)?.parse(job.payload);
    if (parsed === undefined) throw new Error(`unknown job ${job.queue}:${job.name}`);
    return {
      queue: job.queue,
      jobName: job.name,
      payload: parsed,
      shopId: job.shopId ?? null,
      availableAt: job.delayMs ? new Date(Date.now() + job.delayMs) : undefined,
    };
  });
  const rows = await tx.insert(schema.outbox).values(values).returning({ id: schema.outbox.id });
  return rows.map((r) => r.id);
}

// --- The outbox's side of a job's life (docs/decisions/0003-outbox.md) ------------------------

/** Recording must not hold a job while PostgreSQL is away: the reconciler catches up from Redis. */
const RECORD_TIMEOUT_MS = 5_000;

/** Whether a BullMQ job id is an outbox row's (job schedulers and flows use other ids). */
export function isOutboxJobId(jobId: string | undefined): jobId is string {
  return isUuid(jobId);
}

async function bestEffort(what: string, ids: string[], work: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${RECORD_TIMEOUT_MS} ms`)), RECORD_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    logger().warn({ err: (error as Error).message, jobs: ids.length }, `outbox: could not record ${what}; the reconciler will`);
  } finally {
    clearTimeout(timer);
  }
}

// Group commit: one flush in flight at a time, and every job that finished meanwhile shares the
// next one (one worker process finishes thousands of jobs a second; each flush is one
// transaction, so under load the batches grow instead of the transactions).
let pending: Array<{ id: string; error: string | null; recorded: () => void }> = [];
let flushScheduled = false;
let flushing = false;
const FLUSH_MAX = 5_000;

function scheduleFlush() {
  if (flushScheduled || flushing || pending.length === 0) return;
  flushScheduled = true;
  setImmediate(() => void flushFinished());
}

async function flushFinished() {
  const batch = pending.slice(0, FLUSH_MAX);
  pending = pending.slice(batch.length);
  flushScheduled = false;
  flushing = true;
  try {
    await recordFinished(batch);
  } finally {
    flushing = false;
    scheduleFlush();
  }
}

async function recordFinished(batch: typeof pending) {
  const ok = batch.filter((m) => m.error === null).map((m) => m.id);
  const failed = batch.filter((m) => m.error !== null);
  await bestEffort("finished jobs", ok, () =>
    asPlatform(async (tx) => {
      if (ok.length) {
        await tx
          .update(schema.outbox)
          .set({ finishedAt: sql`now()` })
          // One array parameter, not one per id: the statement's text is the same whatever the
          // batch's size, so it is prepared once per connection instead of once per size.
          .where(and(sql`${schema.outbox.id} = any(${`{${ok.join(",")}}`}::uuid[])`, isNull(schema.outbox.finishedAt)));
      }
      for (const m of failed) {
        await tx
          .update(schema.outbox)
          .set({ finishedAt: sql`now()`, lastError: m.error!.slice(0, 500) })
          .where(and(sql`${schema.outbox.id} = ${m.id}`, isNull(schema.outbox.finishedAt)));
      }
    }),
  );
  for (const m of batch) m.recorded();
}

/**
 * Resolves once every finish recorded so far has been written (or given up on): a worker process
 * that stops waits for it, so its last jobs' rows do not wait for the reconciler.
 */
export async function outboxFinishesWritten(): Promise<void> {
  while (pending.length || flushing || flushScheduled) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * Marks the outbox row behind a job finished: done, or failed for good (`error`). Until then the
 * reconciler re-dispatches the row if Redis loses its job. Never throws: when PostgreSQL is away
 * the reconciler records it later from the job's state in Redis.
 */
export function markOutboxFinished(jobId: string | undefined, error: string | null = null): Promise<void> {
  if (!isOutboxJobId(jobId)) return Promise.resolve();
  return new Promise((resolve) => {
    pending.push({ id: jobId, error, recorded: resolve });
    scheduleFlush();
  });
}

/**
 * Records in PostgreSQL that a job waits (a provider's rate-limit window, a retry's backoff), so
 * that if Redis loses the delayed job the reconciler re-dispatches it no earlier than this. A
 * retry after a failed run also records how many runs failed (`runAttempts`), so a re-dispatched
 * job keeps its attempt limit.
 */
export async function recordOutboxWait(jobId: string | undefined, delayMs: number, reason: string, runAttempts?: number): Promise<void> {
  if (!isOutboxJobId(jobId)) return;
  await bestEffort("a job's wait", [jobId], () =>
    asPlatform((tx) =>
      tx
        .update(schema.outbox)
        .set({
          availableAt: sql`now() + ${`${Math.max(0, Math.round(delayMs))} milliseconds`}::interval`,
          lastError: reason.slice(0, 500),
          // Never lowered: a late or repeated record of an earlier run must not give attempts back.
          ...(runAttempts === undefined ? {} : { runAttempts: sql`greatest(${schema.outbox.runAttempts}, ${runAttempts})` }),
        })
        .where(sql`${schema.outbox.id} = ${jobId}`),
    ),
  );
}

// --- Attempts across a Redis loss ---------------------------------------------------------------
// BullMQ counts a job's attempts in Redis. A job dispatched again after Redis lost it is a new job
// that starts at attempt 1, so it is given only the attempts its row has left, and its exponential
// backoff continues where it stopped (delay × 2^runs already failed).

/** BullMQ options for an outbox row's job: its row id as job id, and the attempts it has left. */
export function outboxJobOptions(row: { id: string; runAttempts: number }) {
  const used = Math.max(0, Math.min(row.runAttempts, DEFAULT_JOB_OPTIONS.attempts - 1));
  if (used === 0) return { ...DEFAULT_JOB_OPTIONS, jobId: row.id };
  return {
    ...DEFAULT_JOB_OPTIONS,
    jobId: row.id,
    attempts: DEFAULT_JOB_OPTIONS.attempts - used,
    backoff: { ...DEFAULT_JOB_OPTIONS.backoff, delay: DEFAULT_JOB_OPTIONS.backoff.delay * 2 ** used },
  };
}

/** Runs of an outbox job that have failed once this one fails: those of earlier dispatches too. */
export function failedRunsAfterThis(job: { attemptsMade: number; opts: { attempts?: number } }): number {
  const earlier = DEFAULT_JOB_OPTIONS.attempts - (job.opts.attempts ?? DEFAULT_JOB_OPTIONS.attempts);
  return Math.max(0, earlier) + job.attemptsMade + 1;
}
