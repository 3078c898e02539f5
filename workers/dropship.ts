import { forwardOrder, supplierOrderCancelled } from "~/domain/dropship/forwarding.server";
import { syncSupplierVariants } from "~/domain/dropship/import.server";
import { sendCorrectedRecipient } from "~/domain/dropship/recipient-corrections.server";
import type { JobPayload } from "~/domain/jobs/queues";
import { supplierOrderChanged } from "~/flows/supplier-shipment.server";

import { startProcessor } from "./processor";

/** Dropshipping: every handler is idempotent (unique keys and absolute values), so retries are safe. */
export function startDropshipWorker() {
  return startProcessor("dropship", {
    "forward-order": (payload: JobPayload<"dropship", "forward-order">) => forwardOrder(payload),
    "sync-variants": (payload: JobPayload<"dropship", "sync-variants">) => syncSupplierVariants(payload),
    "supplier-order-changed": (payload: JobPayload<"dropship", "supplier-order-changed">) => supplierOrderChanged(payload),
    "forward-cancelled": (payload: JobPayload<"dropship", "forward-cancelled">) => supplierOrderCancelled(payload),
    "recipient-corrected": (payload: JobPayload<"dropship", "recipient-corrected">) => sendCorrectedRecipient(payload),
  });
}
