import { and, eq, lt, lte, ne, sql } from "drizzle-orm";

import { deleteObjects } from "~/integrations/storage.server";
import { asPlatform, schema } from "~db/client";

/**
 * Retention rules, each run by the daily `maintenance:privacy-retention` job (workers/maintenance.ts):
 * - WhatsApp message bodies after 7 days (status and metadata stay; codes were never stored);
 * - first-party analytics events after 13 months;
 * - export files 7 days after they were made (the request becomes "expired").
 * Abandoned carts (60 days) are checkout's `deleteStaleCarts`. Each takes the clock as an argument.
 */
export const WHATSAPP_BODY_DAYS = 7;
export const ANALYTICS_MONTHS = 13;
export const PURGED_BODY = "";

export async function purgeWhatsAppBodies(now: Date): Promise<number> {
  const before = new Date(now.getTime() - WHATSAPP_BODY_DAYS * 24 * 3600_000);
  return asPlatform(async (tx) => {
    const rows = await tx
      .update(schema.messages)
      .set({ body: PURGED_BODY })
      .where(and(eq(schema.messages.channel, "whatsapp"), lt(schema.messages.createdAt, before), ne(schema.messages.body, PURGED_BODY)))
      .returning({ id: schema.messages.id });
    return rows.length;
  });
}

export async function purgeOldAnalytics(now: Date): Promise<number> {
  return asPlatform(async (tx) => {
    const rows = await tx
      .delete(schema.storefrontEvents)
      .where(lt(schema.storefrontEvents.createdAt, sql`${now.toISOString()}::timestamptz - make_interval(months => ${ANALYTICS_MONTHS})`))
      .returning({ id: schema.storefrontEvents.id });
    return rows.length;
  });
}

export async function purgeExpiredExports(now: Date): Promise<number> {
  const due = await asPlatform((tx) =>
    tx
      .select({ id: schema.privacyRequests.id, key: schema.privacyRequests.exportKey })
      .from(schema.privacyRequests)
      .where(and(eq(schema.privacyRequests.status, "ready"), lte(schema.privacyRequests.exportExpiresAt, now))),
  );
  for (const request of due) {
    // The object first: a crash between the two leaves a request that is purged again next run.
    if (request.key) await deleteObjects([request.key]);
    await asPlatform((tx) =>
      tx
        .update(schema.privacyRequests)
        .set({ status: "expired", exportKey: null, updatedAt: now })
        .where(and(eq(schema.privacyRequests.id, request.id), eq(schema.privacyRequests.status, "ready"))),
    );
  }
  return due.length;
}
