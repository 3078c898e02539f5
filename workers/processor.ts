/**
 * Wraps a queue's job handlers as a BullMQ Worker: validates payloads against the job's zod
 * schema, turns a PermanentJobFailure into a failure that is not retried (its error stays on
 * the job for the admin), and a RetryLater into a delayed retry that does not use an attempt.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import { config } from "~/config.server";
import { PermanentJobFailure, RetryLater } from "~/domain/jobs/errors";
import { jobSchema, type QueueName } from "~/domain/jobs/queues";
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
      if (!handler || !schema) throw new UnrecoverableError(`no handler for ${queue}:${job.name}`);
      const parsed = schema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid payload: ${parsed.error.issues[0]?.message}`);
      try {
        return await handler(parsed.data as never, job);
      } catch (error) {
        if (error instanceof PermanentJobFailure) throw new UnrecoverableError(error.message);
        if (error instanceof RetryLater) {
          await job.moveToDelayed(Date.now() + error.delayMs, token);
          throw new DelayedError();
        }
        throw error;
      }
    },
    {
      connection: redisConnection(),
      prefix: config().QUEUE_PREFIX,
      concurrency: options.concurrency ?? config().WORKER_CONCURRENCY,
      limiter: options.limiter,
      // A job of a killed worker is picked up again once its lock lapses (BullMQ's defaults: 30 s).
      ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
      ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}),
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
