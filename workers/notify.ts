import type { JobPayload } from "~/domain/jobs/queues";
import { deliverMessage } from "~/domain/notify/messages.server";

import { startProcessor } from "./processor";

/** WhatsApp (and later email) messages to people: one job per message row. */
export function startNotifyWorker() {
  return startProcessor("notify", {
    "send-message": (payload: JobPayload<"notify", "send-message">) => deliverMessage(payload),
  });
}
