import type { JobPayload } from "~/domain/jobs/queues";
import { queuePolicyNotices } from "~/domain/policies/versions.server";
import { eraseRequestedData } from "~/flows/data-deleted.server";
import { prepareDataExport } from "~/flows/data-export-prepared.server";

import { startProcessor } from "./processor";

/** Personal-data requests: build an export ZIP; erase a person's data when their cooling-off ends. Both idempotent (the flows claim first). */
export function startPrivacyWorker() {
  return startProcessor(
    "privacy",
    {
      "build-export": (payload: JobPayload<"privacy", "build-export">) => prepareDataExport(payload),
      erase: (payload: JobPayload<"privacy", "erase">) => eraseRequestedData(payload),
      "policy-notice": (payload: JobPayload<"privacy", "policy-notice">) => queuePolicyNotices(payload.versionId),
    },
    { concurrency: 2 },
  );
}
