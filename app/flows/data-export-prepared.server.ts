/**
 * A person's data export is prepared (the `privacy:build-export` job, queued by requestExport).
 *
 *   1. Claim: lock the request; only a queued (or interrupted processing) export goes on; it moves
 *      to processing (the page shows the progress).
 *   2. Collect, in one read transaction in the request's scope: every category the privacy map
 *      lists for this kind of person (export.server.ts).
 *   3. Outside any transaction: zip it and store it under the bucket's private prefix, at a key
 *      fixed by the request id (a retried job overwrites the same object: idempotent).
 *   4. Record: ready, the key, expiry in 7 days, and the "ready" notice through the outbox, in one
 *      transaction. A failure is recorded on the request and the job retries.
 */
import { eq } from "drizzle-orm";

import { audit } from "~/domain/audit/audit.server";
import { customerData, customerScope, personKind, subjectOfRequest, userData, zipPersonalData } from "~/domain/privacy/export.server";
import { queueExportReadyNotice } from "~/domain/privacy/notices.server";
import { EXPORT_TTL_MS, inRequestScope, type PrivacyRequest, requestsOf } from "~/domain/privacy/requests.server";
import { PRIVATE_PREFIX, putObject } from "~/integrations/storage.server";
import { schema } from "~db/client";

export function exportKey(request: Pick<PrivacyRequest, "id" | "shopId">): string {
  return `${PRIVATE_PREFIX}privacy-exports/${request.shopId ?? "platform"}/${request.id}.zip`;
}

export async function prepareDataExport(job: { requestId: string; shopId: string | null }, now = new Date()): Promise<"ready" | "skipped"> {
  // 1. Claim.
  const request = await inRequestScope(job.shopId, async (tx) => {
    const [row] = await tx.select().from(schema.privacyRequests).where(eq(schema.privacyRequests.id, job.requestId)).for("update");
    if (!row || row.kind !== "export" || !["queued", "processing"].includes(row.status)) return undefined;
    const [claimed] = await tx
      .update(schema.privacyRequests)
      .set({ status: "processing", progress: 10, error: null, updatedAt: now })
      .where(eq(schema.privacyRequests.id, row.id))
      .returning();
    return claimed;
  });
  if (!request) return "skipped";
  try {
    // 2. Collect.
    const subject = subjectOfRequest(request);
    const person = personKind(subject);
    const requests = await requestsOf(subject);
    const data = await inRequestScope(job.shopId, async (tx) =>
      subject.kind === "user"
        ? userData(tx, subject.userId, requests)
        : customerData(tx, await customerScope(tx, subject), person, requests),
    );
    await setProgress(request, 60);
    // 3. Zip and store, outside any transaction.
    const key = exportKey(request);
    await putObject({ key, body: zipPersonalData(data, person, now), contentType: "application/zip" });
    // 4. Record ready and tell them.
    await inRequestScope(job.shopId, async (tx) => {
      const [ready] = await tx
        .update(schema.privacyRequests)
        .set({
          status: "ready",
          progress: 100,
          exportKey: key,
          exportExpiresAt: new Date(now.getTime() + EXPORT_TTL_MS),
          completedAt: now,
          updatedAt: now,
        })
        .where(eq(schema.privacyRequests.id, request.id))
        .returning();
      await queueExportReadyNotice(tx, ready);
      await audit(tx, {
        shopId: request.shopId,
        actorUserId: null,
        action: "privacy.export_prepared",
        targetType: "privacy_request",
        targetId: request.id,
      });
    });
    return "ready";
  } catch (error) {
    await inRequestScope(job.shopId, (tx) =>
      tx
        .update(schema.privacyRequests)
        .set({ error: error instanceof Error ? error.message.slice(0, 500) : "export failed", updatedAt: new Date() })
        .where(eq(schema.privacyRequests.id, request.id)),
    );
    throw error;
  }
}

async function setProgress(request: PrivacyRequest, progress: number) {
  await inRequestScope(request.shopId, (tx) =>
    tx.update(schema.privacyRequests).set({ progress, updatedAt: new Date() }).where(eq(schema.privacyRequests.id, request.id)),
  );
}
