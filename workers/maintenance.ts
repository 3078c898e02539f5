import { sweepUnmigratedResults } from "~/domain/ai/kling-jobs.server";
import { queue } from "~/lib/redis.server";
import { startProcessor } from "./processor";

/**
 * Housekeeping on the `maintenance` queue. ONE worker serves the queue, so every maintenance job
 * of every area is listed here (a worker without a job's handler fails it).
 * - ai-sweep-results: copies Kling results a dead worker left at Kling into our bucket.
 */
export function startMaintenanceWorker() {
  return startProcessor("maintenance", { "ai-sweep-results": async () => sweepUnmigratedResults() }, { concurrency: 1 });
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
}
