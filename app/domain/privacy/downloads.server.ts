import { presignDownload } from "~/integrations/storage.server";

import { DOWNLOAD_LINK_SECONDS, requestOf, type Subject } from "./requests.server";

/**
 * A fresh, short-lived (5 minutes) presigned link to the subject's own ready export, made when
 * they click; undefined when it is not theirs, not ready, or past its 7 days.
 */
export async function exportDownloadUrl(subject: Subject, requestId: string, now = new Date()): Promise<string | undefined> {
  const request = await requestOf(subject, requestId);
  if (!request || request.status !== "ready" || !request.exportKey) return undefined;
  if (!request.exportExpiresAt || request.exportExpiresAt <= now) return undefined;
  const day = request.createdAt.toISOString().slice(0, 10);
  return presignDownload({ key: request.exportKey, filename: `netshop-data-${day}.zip`, expiresInSeconds: DOWNLOAD_LINK_SECONDS });
}
