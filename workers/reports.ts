import type { Job } from "bullmq";

import type { JobPayload } from "~/domain/jobs/queues";
import { sendDailyReport } from "~/domain/reports/daily.server";
import { ensureReportScheduler, syncAllReportSchedulers } from "~/domain/reports/schedule.server";

import { startProcessor } from "./processor";

/** Daily WhatsApp reports (fired by per-shop job schedulers) and keeping those schedulers in step. */
export function startReportsWorker() {
  return startProcessor("reports", {
    // The time it was scheduled for decides the day reported, even when it runs late.
    "daily-report": (payload: JobPayload<"reports", "daily-report">, job: Job) =>
      sendDailyReport(payload.shopId, new Date(job.timestamp + (job.delay ?? 0))),
    schedule: (payload: JobPayload<"reports", "schedule">) => ensureReportScheduler(payload.shopId),
    "sync-schedulers": () => syncAllReportSchedulers(),
  });
}
