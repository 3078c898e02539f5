/**
 * Wraps a queue's job handlers as a BullMQ Worker: validates payloads against the job's zod
 * schema, turns a PermanentJobFailure into a failure that is not retried (its error stays on
 * the job for the admin), and a RetryLater into a delayed retry that does not use an attempt.
 *
 * The outbox owns the truth until the work is done: a job's outbox row is marked finished when
 * its handler finishes (or fails for good), and a wait (RetryLater, a retry's backoff) is
 * recorded on the row, so the reconciler can re-dispatch exactly that work if Redis loses it.
 */
import { DelayedError, type Job, UnrecoverableError, Worker } from "bullmq";

import { config } from "~/config.server";
import { PermanentJobFailure, RetryLater } from "~/domain/jobs/errors";
import { failedRunsAfterThis, markOutboxFinished, recordOutboxWait } from "~/domain/jobs/outbox.server";
import { DEFAULT_JOB_OPTIONS, jobSchema, type QueueName } from "~/domain/jobs/queues";
import { logger } from "~/lib/logger.server";
import { redisConnection } from "~/lib/redis.server";

export type Handler = (payload: never, job: Job) => Promise<unknown>;

export function startProcessor(
  queue: QueueName,
  handlers: Record<string, Handler>,
  options: { concurrency?: number; limiter?: { max: number; duration: number }; lockDuration?: number; stalledInterval?: number } = {},
): Worker {
  const log = logger().child({ queue });
  const worker = new Worker(
    queue,
    async (job, token) => {
      const handler = handlers[job.name];
      const schema = jobSchema(queue, job.name);
      const unrecoverable = async (message: string) => {
        await markOutboxFinished(job.id, message);
        return new UnrecoverableError(message);
      };
      if (!handler || !schema) throw await unrecoverable(`no handler for ${queue}:${job.name}`);
      const parsed = schema.safeParse(job.data);
      if (!parsed.success) throw await unrecoverable(`invalid payload: ${parsed.error.issues[0]?.message}`);
      let result: unknown;
      try {
        result = await handler(parsed.data as never, job);
      } catch (error) {
        if (error instanceof PermanentJobFailure) throw await unrecoverable(error.message);
        if (error instanceof RetryLater) {
          await recordOutboxWait(job.id, error.delayMs, error.message);
          await job.moveToDelayed(Date.now() + error.delayMs, token);
          throw new DelayedError();
        }
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
          await markOutboxFinished(job.id, message);
        else await recordOutboxWait(job.id, backoffMs(job), message, failedRunsAfterThis(job));
        throw error;
      }
      // Recorded in the background (group commit): the job need not hold its slot until
      // PostgreSQL has written its row, or a queue's throughput would be its concurrency divided
      // by a commit's latency (50 jobs per round trip). If the process dies before the row is
      // written, the job is finished in Redis and the reconciler records it from there.
      void markOutboxFinished(job.id);
      return result;
    },
    {
      connection: redisConnection(),
      prefix: config().QUEUE_PREFIX,
      concurrency: options.concurrency ?? config().WORKER_CONCURRENCY,
      limiter: options.limiter,
      // A job of a killed worker is taken up again once its lock lapses and a stalled check sees
      // it; a job orphaned more often than maxStalledCount fails (recorded on its outbox row).
      lockDuration: options.lockDuration ?? config().WORKER_LOCK_MS,
      stalledInterval: options.stalledInterval ?? config().WORKER_STALLED_CHECK_MS,
      maxStalledCount: config().WORKER_MAX_STALLED,
    },
  );
  worker.on("failed", (job, error) => {
    if (error instanceof DelayedError) return;
    log.warn({ jobId: job?.id, name: job?.name, attempt: job?.attemptsMade, err: error.message }, "job failed");
  });
  // While Redis is unreachable BullMQ reports the same error every second: log it once a minute.
  let last = { message: "", at: 0 };
  worker.on("error", (error) => {
    if (error.message === last.message && Date.now() - last.at < 60_000) return;
    last = { message: error.message, at: Date.now() };
    log.error({ err: error.message }, "worker error");
  });
  return worker;
}

/** The wait before a failed job's next attempt (BullMQ's exponential backoff). */
function backoffMs(job: Job): number {
  const backoff = job.opts.backoff;
  const delay = typeof backoff === "object" ? (backoff.delay ?? 0) : (backoff ?? DEFAULT_JOB_OPTIONS.backoff.delay);
  const exponential = typeof backoff === "number" || backoff?.type === "exponential";
  return exponential ? delay * 2 ** job.attemptsMade : delay;
}
