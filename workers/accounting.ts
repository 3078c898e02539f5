import type { Job } from "bullmq";

import { runSync } from "~/domain/accounting/sync.server";
import type { JobPayload } from "~/domain/jobs/queues";

import { startProcessor } from "./processor";

/** AutoCount sync: one job per document; 429s delay the job, other failures back off exponentially. */
export function startAccountingWorker() {
  return startProcessor(
    "accounting",
    {
      sync: (payload: JobPayload<"accounting", "sync">, job: Job) =>
        runSync(payload, { attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1 }),
    },
    // AutoCount allows ~100 requests a minute per account book: a few documents at a time.
    { concurrency: 2 },
  );
}
