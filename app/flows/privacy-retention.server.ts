/**
 * The daily privacy retention run (`maintenance:privacy-retention`):
 *
 *   1. WhatsApp message bodies older than 7 days are emptied (status and metadata stay).
 *   2. Analytics events older than 13 months are deleted.
 *   3. Export files 7 days old leave the bucket; their requests become expired.
 *   4. Deletions whose cooling-off has ended and whose job was lost are erased now (each its own
 *      claim, so a request the privacy worker is already erasing is skipped).
 */
import { dueDeletions } from "~/domain/privacy/requests.server";
import { purgeExpiredExports, purgeOldAnalytics, purgeWhatsAppBodies } from "~/domain/privacy/retention.server";
import { logger } from "~/lib/logger.server";

import { eraseRequestedData } from "./data-deleted.server";

export async function runPrivacyRetention(now = new Date()) {
  const whatsappBodies = await purgeWhatsAppBodies(now);
  const analyticsEvents = await purgeOldAnalytics(now);
  const exportFiles = await purgeExpiredExports(now);
  let deletions = 0;
  let failedDeletions = 0;
  for (const due of await dueDeletions(now)) {
    // One erasure that fails (it is retried tomorrow and by its own job) does not stop the others.
    try {
      if ((await eraseRequestedData({ requestId: due.id, shopId: due.shopId }, now)) === "done") deletions++;
    } catch (error) {
      failedDeletions++;
      logger().warn({ requestId: due.id, err: (error as Error).message }, "privacy retention: a due deletion failed");
    }
  }
  return { whatsappBodies, analyticsEvents, exportFiles, deletions, failedDeletions };
}
