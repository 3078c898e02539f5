/**
 * A person's data is deleted (the `privacy:erase` job when a deletion's cooling-off ends, at once
 * for a minor's account; the daily retention sweep re-queues any that were missed).
 *
 *   1. Claim: lock the request; only a deletion whose cooling-off is over goes on (a cancelled one
 *      stops here, and one another run claimed less than 10 minutes ago is left to it). A merchant who still owns an open shop is held: the shop is closed first.
 *      It moves to processing and we note where to tell them (the contact is about to go).
 *   2. Outside any transaction: their objects leave the bucket (earlier export files).
 *   3. One transaction in the request's scope: everything the privacy map lists is deleted or
 *      anonymised (erasure.server.ts), their sessions end, and the request is done — its own
 *      contact and a guest's address-as-id forgotten.
 *   4. The suppliers' copies of forwarded orders lose the recipient (their own tenants).
 *   5. Outside any transaction: they are told it is done; the message row forgets the recipient.
 */
import { and, eq } from "drizzle-orm";

import { audit } from "~/domain/audit/audit.server";
import { anonymiseSupplierCopies, eraseCustomer, eraseUser, exportKeysOf, openShopsOwnedBy } from "~/domain/privacy/erasure.server";
import { customerScope, subjectOfRequest } from "~/domain/privacy/export.server";
import { sendDeletionDoneNotice } from "~/domain/privacy/notices.server";
import { inRequestScope } from "~/domain/privacy/requests.server";
import { deleteObjects } from "~/integrations/storage.server";
import { schema } from "~db/client";

/** How long a claimed erasure is left to the run that claimed it before another may take it over. */
const CLAIM_LEASE_MS = 10 * 60_000;

export type ErasureOutcome = "done" | "not-due" | "skipped" | "held-open-shops";

export async function eraseRequestedData(job: { requestId: string; shopId: string | null }, now = new Date()): Promise<ErasureOutcome> {
  // 1. Claim.
  const claim = await inRequestScope(job.shopId, async (tx) => {
    const [row] = await tx.select().from(schema.privacyRequests).where(eq(schema.privacyRequests.id, job.requestId)).for("update");
    if (!row || row.kind !== "deletion" || !["cooling_off", "processing"].includes(row.status)) return "skipped" as const;
    if (row.status === "cooling_off" && row.coolingOffUntil && row.coolingOffUntil > now) return "not-due" as const;
    // Another run (the job, the daily sweep, an operator's minor flag) is erasing it right now:
    // only a claim older than the lease (its run died) is taken over.
    if (row.status === "processing" && now.getTime() - row.updatedAt.getTime() < CLAIM_LEASE_MS) return "skipped" as const;
    if (row.subjectKind === "user" && (await openShopsOwnedBy(tx, row.subjectId)).length > 0) {
      await tx
        .update(schema.privacyRequests)
        .set({ error: "close the shops you own first", updatedAt: now })
        .where(eq(schema.privacyRequests.id, row.id));
      return "held-open-shops" as const;
    }
    const [claimed] = await tx
      .update(schema.privacyRequests)
      .set({ status: "processing", progress: 10, error: null, updatedAt: now })
      .where(eq(schema.privacyRequests.id, row.id))
      .returning();
    return { request: claimed, exportKeys: await exportKeysOf(tx, row.shopId, row.subjectKind, row.subjectId) };
  });
  if (typeof claim === "string") return claim;
  const { request } = claim;
  const subject = subjectOfRequest(request);

  // 2. Their objects leave the bucket.
  await deleteObjects(claim.exportKeys);

  // 3. Erase per the map, end sessions, close the request.
  const forwardedOrderIds = await inRequestScope(request.shopId, async (tx) => {
    let forwarded: string[] = [];
    if (subject.kind === "user") await eraseUser(tx, subject.userId, now);
    else forwarded = (await eraseCustomer(tx, await customerScope(tx, subject), now)).forwardedOrderIds;
    const forgotten = subject.kind === "guest" ? { subjectId: request.id } : {};
    await tx
      .update(schema.privacyRequests)
      .set({ contact: null, exportKey: null, ...forgotten, updatedAt: now })
      .where(and(eq(schema.privacyRequests.subjectKind, request.subjectKind), eq(schema.privacyRequests.subjectId, request.subjectId)));
    await tx
      .update(schema.privacyRequests)
      .set({ status: "done", progress: 100, completedAt: now, updatedAt: now })
      .where(eq(schema.privacyRequests.id, request.id));
    await audit(tx, {
      shopId: request.shopId,
      actorUserId: null,
      action: "privacy.data_deleted",
      targetType: "privacy_request",
      targetId: request.id,
    });
    return forwarded;
  });

  // 4. Suppliers' copies of the recipient.
  if (request.shopId) await anonymiseSupplierCopies(request.shopId, forwardedOrderIds);

  // 5. Tell them.
  if (request.contact) await sendDeletionDoneNotice(request, request.contact);
  return "done";
}
