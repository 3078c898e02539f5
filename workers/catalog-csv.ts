import type { Job } from "bullmq";

import { failTransfer, runExport, runImport } from "~/domain/catalog/transfers.server";
import type { JobPayload } from "~/domain/jobs/queues";

import { startProcessor } from "./processor";

type Payload = JobPayload<"catalog-csv", "import">;

/** Records the failure on the transfer once no retry is left, so the admin shows it. */
const lastAttempt = (run: (p: Payload) => Promise<void>) => async (payload: Payload, job: Job) => {
  try {
    await run(payload);
  } catch (error) {
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await failTransfer(payload.shopId, payload.transferId, (error as Error).message);
    throw error;
  }
};

/** CSV imports and exports: one at a time per worker process (database-bound, long). */
export function startCatalogCsvWorker() {
  return startProcessor("catalog-csv", { import: lastAttempt(runImport), export: lastAttempt(runExport) }, { concurrency: 1 });
}
