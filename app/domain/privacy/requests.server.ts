import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";

import { audit } from "~/domain/audit/audit.server";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { isUuid } from "~/lib/ids";
import { normalisePhone } from "~/lib/phone";
import { asPlatform, schema, type Tx, withShop } from "~db/client";

import { dueDate } from "./business-days.server";

/**
 * Personal-data requests: export and deletion, each with its legal due date (30 Malaysian business
 * days). A deletion first waits out a 14-day cooling-off in which the person can cancel it, then
 * the privacy job erases what the map says (app/flows/data-deleted.server.ts). A minor's account
 * flagged by an operator skips the cooling-off.
 */

/** Who a request is about. */
export type Subject =
  | { kind: "customer"; shopId: string; customerId: string }
  | { kind: "guest"; shopId: string; contact: string }
  | { kind: "user"; userId: string };

export type PrivacyRequest = typeof schema.privacyRequests.$inferSelect;

export const COOLING_OFF_MS = 14 * 24 * 3600_000;
export const EXPORT_TTL_MS = 7 * 24 * 3600_000;
/** The download link in the browser is short-lived; the file itself lives EXPORT_TTL_MS. */
export const DOWNLOAD_LINK_SECONDS = 300;

const OPEN = ["queued", "processing", "cooling_off"] as const;

export function subjectShopId(subject: Subject): string | null {
  return subject.kind === "user" ? null : subject.shopId;
}

function subjectKey(subject: Subject): string {
  return subject.kind === "customer" ? subject.customerId : subject.kind === "guest" ? subject.contact : subject.userId;
}

/** The subject's scope: a shop's requests run under its RLS, a user's own at platform level. */
export function inSubjectScope<T>(subject: Subject, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const shopId = subjectShopId(subject);
  return shopId ? withShop(shopId, fn) : asPlatform(fn);
}

export function inRequestScope<T>(shopId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return shopId ? withShop(shopId, fn) : asPlatform(fn);
}

function ofSubject(subject: Subject) {
  const shopId = subjectShopId(subject);
  return and(
    shopId ? eq(schema.privacyRequests.shopId, shopId) : isNull(schema.privacyRequests.shopId),
    eq(schema.privacyRequests.subjectKind, subject.kind),
    eq(schema.privacyRequests.subjectId, subjectKey(subject)),
  );
}

/** Inserts a request, queues its job (after the cooling-off for a deletion) and audits it, in `tx`. */
async function openRequest(
  tx: Tx,
  subject: Subject,
  options: RequestOptions,
  values: { kind: "export" | "deletion"; status: "queued" | "cooling_off"; minor?: boolean; coolingOffUntil?: Date },
  job: { name: "build-export" | "erase"; delayMs: number; action: string },
): Promise<PrivacyRequest> {
  const now = options.now ?? new Date();
  const [row] = await tx
    .insert(schema.privacyRequests)
    .values({
      ...values,
      shopId: subjectShopId(subject),
      subjectKind: subject.kind,
      subjectId: subjectKey(subject),
      contact: options.contact,
      locale: options.locale ?? "en",
      requestedByUserId: options.actorUserId,
      dueOn: dueDate(now),
      createdAt: now,
    })
    .returning();
  await enqueueAfterCommit(tx, {
    queue: "privacy",
    name: job.name,
    payload: { requestId: row.id, shopId: row.shopId },
    shopId: row.shopId,
    delayMs: job.delayMs,
  });
  await audit(tx, {
    shopId: row.shopId,
    actorUserId: options.actorUserId ?? (subject.kind === "user" ? subject.userId : null),
    action: job.action,
    targetType: "privacy_request",
    targetId: row.id,
  });
  return row;
}

export interface RequestOptions {
  contact: string | null;
  locale?: "en" | "ms" | "zh";
  /** A merchant or operator acting for the person. */
  actorUserId?: string;
  now?: Date;
}

/** Asks for an export: a background job builds the ZIP. An export already being built is returned instead of a second one. */
export async function requestExport(subject: Subject, options: RequestOptions): Promise<PrivacyRequest> {
  return inSubjectScope(subject, async (tx) => {
    const [open] = await tx
      .select()
      .from(schema.privacyRequests)
      .where(
        and(
          ofSubject(subject),
          eq(schema.privacyRequests.kind, "export"),
          inArray(schema.privacyRequests.status, ["queued", "processing"]),
        ),
      );
    if (open) return open;
    return openRequest(
      tx,
      subject,
      options,
      { kind: "export", status: "queued" },
      { name: "build-export", delayMs: 0, action: "privacy.export_requested" },
    );
  });
}

/**
 * Asks for deletion. It waits 14 days (cancellable) unless `immediate` (a minor's account, flagged
 * by an operator); a job scheduled for the end of the cooling-off erases the data, and the daily
 * sweep (`dueDeletions`) catches any job lost on the way. One open deletion per subject.
 */
export async function requestDeletion(subject: Subject, options: RequestOptions & { immediate?: boolean }): Promise<PrivacyRequest> {
  const now = options.now ?? new Date();
  return inSubjectScope(subject, async (tx) => {
    const [open] = await tx
      .select()
      .from(schema.privacyRequests)
      .where(and(ofSubject(subject), eq(schema.privacyRequests.kind, "deletion"), inArray(schema.privacyRequests.status, [...OPEN])));
    if (open && !options.immediate) return open;
    if (open)
      await tx
        .update(schema.privacyRequests)
        .set({ status: "cancelled", cancelledAt: now, updatedAt: now })
        .where(eq(schema.privacyRequests.id, open.id));
    const coolingOffUntil = options.immediate ? now : new Date(now.getTime() + COOLING_OFF_MS);
    return openRequest(
      tx,
      subject,
      options,
      { kind: "deletion", status: "cooling_off", minor: options.immediate ?? false, coolingOffUntil },
      {
        name: "erase",
        delayMs: Math.max(0, coolingOffUntil.getTime() - Date.now()),
        action: options.immediate ? "privacy.minor_deletion" : "privacy.deletion_requested",
      },
    );
  });
}

/** Cancels a deletion still in its cooling-off. Returns false when it is no longer cancellable. */
export async function cancelDeletion(subject: Subject, requestId: string, now = new Date()): Promise<boolean> {
  if (!isUuid(requestId)) return false;
  return inSubjectScope(subject, async (tx) => {
    const cancelled = await tx
      .update(schema.privacyRequests)
      .set({ status: "cancelled", cancelledAt: now, updatedAt: now })
      .where(
        and(
          ofSubject(subject),
          eq(schema.privacyRequests.id, requestId),
          eq(schema.privacyRequests.kind, "deletion"),
          eq(schema.privacyRequests.status, "cooling_off"),
          eq(schema.privacyRequests.minor, false),
        ),
      )
      .returning({ id: schema.privacyRequests.id });
    if (cancelled.length) {
      await audit(tx, {
        shopId: subjectShopId(subject),
        actorUserId: subject.kind === "user" ? subject.userId : null,
        action: "privacy.deletion_cancelled",
        targetType: "privacy_request",
        targetId: requestId,
      });
    }
    return cancelled.length > 0;
  });
}

/** The subject's requests, newest first (their privacy page). */
export async function requestsOf(subject: Subject): Promise<PrivacyRequest[]> {
  return inSubjectScope(subject, (tx) =>
    tx.select().from(schema.privacyRequests).where(ofSubject(subject)).orderBy(desc(schema.privacyRequests.createdAt)).limit(50),
  );
}

/** One of the subject's requests (for its download link), or undefined. */
export async function requestOf(subject: Subject, requestId: string): Promise<PrivacyRequest | undefined> {
  if (!isUuid(requestId)) return undefined; // an id from a form or link: not a UUID is simply not found
  return inSubjectScope(subject, async (tx) => {
    const [row] = await tx
      .select()
      .from(schema.privacyRequests)
      .where(and(ofSubject(subject), eq(schema.privacyRequests.id, requestId)));
    return row;
  });
}

/** A shop's customers' requests with the customer's name, open ones first by due date (the merchant is the controller). */
export async function shopRequests(shopId: string): Promise<Array<PrivacyRequest & { customerName: string | null }>> {
  return withShop(shopId, async (tx) => {
    const rows = await tx
      .select({ request: schema.privacyRequests, customerName: schema.customers.name })
      .from(schema.privacyRequests)
      .leftJoin(
        schema.customers,
        and(
          eq(schema.customers.shopId, schema.privacyRequests.shopId),
          eq(sql`${schema.customers.id}::text`, schema.privacyRequests.subjectId),
        ),
      )
      .where(eq(schema.privacyRequests.shopId, shopId))
      .orderBy(
        sql`${schema.privacyRequests.status} in ('queued', 'processing', 'cooling_off') desc`,
        asc(schema.privacyRequests.dueOn),
        desc(schema.privacyRequests.createdAt),
      )
      .limit(200);
    return rows.map((r) => ({ ...r.request, customerName: r.customerName }));
  });
}

/** A shop's request by id (the merchant downloading an export they asked for on a customer's behalf). */
export async function shopRequest(shopId: string, requestId: string): Promise<PrivacyRequest | undefined> {
  if (!isUuid(requestId)) return undefined;
  const [row] = await withShop(shopId, (tx) =>
    tx
      .select()
      .from(schema.privacyRequests)
      .where(and(eq(schema.privacyRequests.shopId, shopId), eq(schema.privacyRequests.id, requestId))),
  );
  return row;
}

/** The customer a merchant means, by email or WhatsApp number (a storefront account first), for acting on their behalf. */
export async function findShopCustomer(
  shopId: string,
  contact: string,
): Promise<{ id: string; email: string | null; phone: string | null } | undefined> {
  const value = contact.includes("@") ? contact.trim().toLowerCase() : normalisePhone(contact);
  if (!value) return undefined;
  const [row] = await withShop(shopId, (tx) =>
    tx
      .select({ id: schema.customers.id, email: schema.customers.email, phone: schema.customers.phone })
      .from(schema.customers)
      .where(
        and(
          eq(schema.customers.shopId, shopId),
          or(eq(schema.customers.email, value), eq(schema.customers.phone, value)),
          isNull(schema.customers.mergedIntoId),
          isNull(schema.customers.anonymisedAt),
        ),
      )
      .orderBy(sql`${schema.customers.passwordHash} is null`, desc(schema.customers.createdAt))
      .limit(1),
  );
  return row;
}

/** Every request on the platform, overdue ones first, then open ones by due date (the operators' console). */
export async function platformRequests(today: string): Promise<Array<PrivacyRequest & { shopName: string | null; overdue: boolean }>> {
  return asPlatform(async (tx) => {
    const rows = await tx
      .select({ request: schema.privacyRequests, shopName: schema.shops.name })
      .from(schema.privacyRequests)
      .leftJoin(schema.shops, eq(schema.shops.id, schema.privacyRequests.shopId))
      .orderBy(
        sql`(${schema.privacyRequests.status} in ('queued', 'processing', 'cooling_off') and ${schema.privacyRequests.dueOn} < ${today}) desc`,
        sql`${schema.privacyRequests.status} in ('queued', 'processing', 'cooling_off') desc`,
        asc(schema.privacyRequests.dueOn),
      )
      .limit(500);
    return rows.map((r) => ({
      ...r.request,
      shopName: r.shopName,
      overdue: (OPEN as readonly string[]).includes(r.request.status) && r.request.dueOn < today,
    }));
  });
}

/** A NetShop account by email (an operator flagging a minor's account). */
export async function findAccountByEmail(email: string): Promise<{ id: string; email: string } | undefined> {
  const [row] = await asPlatform((tx) =>
    tx
      .select({ id: schema.users.id, email: schema.users.email })
      .from(schema.users)
      .where(eq(sql`lower(${schema.users.email})`, email.trim().toLowerCase())),
  );
  return row;
}

/** Deletions whose cooling-off has ended and that are still waiting (the daily sweep re-queues them). */
export async function dueDeletions(now: Date): Promise<Array<{ id: string; shopId: string | null }>> {
  return asPlatform((tx) =>
    tx
      .select({ id: schema.privacyRequests.id, shopId: schema.privacyRequests.shopId })
      .from(schema.privacyRequests)
      .where(
        and(
          eq(schema.privacyRequests.kind, "deletion"),
          or(
            and(eq(schema.privacyRequests.status, "cooling_off"), lte(schema.privacyRequests.coolingOffUntil, now)),
            eq(schema.privacyRequests.status, "processing"),
          ),
        ),
      )
      .limit(1000),
  );
}
