import type { Job } from "bullmq";

import { config } from "~/config.server";
import { type KlingJobKind } from "~/domain/ai/kling-job-rows.server";
import { recordKlingJobExhausted, runKlingJob } from "~/domain/ai/kling-processor.server";
import { PermanentJobFailure, RetryLater } from "~/domain/jobs/errors";
import type { JobPayload } from "~/domain/jobs/queues";
import { queue } from "~/lib/redis.server";

import { startProcessor } from "./processor";

/**
 * Kling try-on and video jobs. A job holds its worker slot while Kling works on its task (it polls),
 * so the queue's concurrency is the number of Kling tasks in flight: KLING_CONCURRENCY per worker
 * process, and the same number as the queue's global concurrency across every worker process.
 * Kling's own 1303 (over the account's limit) still only delays a job (RetryLater).
 */
export function klingHandler(kind: KlingJobKind) {
  return async (payload: JobPayload<"ai-tryon", "run">, job: Job) => {
    try {
      await runKlingJob(kind, payload, { queuedAt: job.timestamp });
    } catch (error) {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      // The last attempt keeps its error on the job, where the AI studio shows it with Retry.
      if (final && !(error instanceof PermanentJobFailure) && !(error instanceof RetryLater))
        await recordKlingJobExhausted(payload, error as Error);
      throw error;
    }
  };
}

export async function startKlingWorkers() {
  const concurrency = config().KLING_CONCURRENCY;
  for (const name of ["ai-tryon", "ai-video"]) {
    await queue(name).waitUntilReady();
    await queue(name).setGlobalConcurrency(concurrency);
  }
  return [
    startProcessor("ai-tryon", { run: klingHandler("tryon") }, { concurrency }),
    startProcessor("ai-video", { run: klingHandler("video") }, { concurrency }),
  ];
}
