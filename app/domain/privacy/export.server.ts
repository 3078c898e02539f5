import { stringify } from "csv-stringify/sync";
import { and, type AnyColumn, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { strToU8, zipSync } from "fflate";

import { schema, type Tx } from "~db/client";

import { categoriesFor, type ExportCategory, type PersonKind } from "./privacy-map.server";
import type { PrivacyRequest, Subject } from "./requests.server";

/**
 * What we hold about one person, per category of the privacy map, and the ZIP a person downloads:
 * for each category a JSON file (everything) and a CSV (the same rows flattened), plus a README.
 * Media are listed as links, never copied in. Reads only — the export flow stores and delivers.
 */

export type PersonalData = Partial<Record<ExportCategory, Array<Record<string, unknown>>>>;

/** A shop's customer (account or guest) as a set of customer rows, orders and contacts. */
export interface CustomerScope {
  shopId: string;
  customerIds: string[];
  orderIds: string[];
  /** Their emails and phone numbers (what messages were sent to). */
  contacts: string[];
}

export function subjectOfRequest(request: PrivacyRequest): Subject {
  if (request.subjectKind === "user") return { kind: "user", userId: request.subjectId };
  if (request.subjectKind === "guest") return { kind: "guest", shopId: request.shopId!, contact: request.subjectId };
  return { kind: "customer", shopId: request.shopId!, customerId: request.subjectId };
}

export function personKind(subject: Subject): PersonKind {
  return subject.kind === "customer" ? "storefront_customer" : subject.kind === "guest" ? "guest_buyer" : "merchant_user";
}

/**
 * The rows that are this customer's, inside the shop's RLS scope. An account is its customer row
 * and the rows merged into it; a guest buyer (proved by a code to their contact) is every guest
 * customer row and order with exactly that email or phone.
 */
export async function customerScope(tx: Tx, subject: Extract<Subject, { kind: "customer" | "guest" }>): Promise<CustomerScope> {
  const c = schema.customers;
  const customers =
    subject.kind === "customer"
      ? await tx
          .select({ id: c.id, email: c.email, phone: c.phone })
          .from(c)
          .where(and(eq(c.shopId, subject.shopId), or(eq(c.id, subject.customerId), eq(c.mergedIntoId, subject.customerId))))
      : await tx
          .select({ id: c.id, email: c.email, phone: c.phone })
          .from(c)
          .where(and(eq(c.shopId, subject.shopId), isNull(c.passwordHash), or(eq(c.email, subject.contact), eq(c.phone, subject.contact))));
  const customerIds = customers.map((r) => r.id);
  const o = schema.orders;
  const orders = await tx
    .select({ id: o.id, email: o.email, phone: o.phone })
    .from(o)
    .where(
      and(
        eq(o.shopId, subject.shopId),
        subject.kind === "customer"
          ? customerIds.length
            ? inArray(o.customerId, customerIds)
            : sql`false`
          : or(
              eq(o.email, subject.contact),
              eq(o.phone, subject.contact),
              customerIds.length ? inArray(o.customerId, customerIds) : sql`false`,
            ),
      ),
    );
  const contacts = new Set<string>();
  if (subject.kind === "guest") contacts.add(subject.contact);
  for (const r of [...customers, ...orders]) {
    if (r.email) contacts.add(r.email);
    if (r.phone) contacts.add(r.phone);
  }
  return { shopId: subject.shopId, customerIds, orderIds: orders.map((r) => r.id), contacts: [...contacts] };
}

const none = sql`false`;

const requestRows = (requests: PrivacyRequest[]) =>
  requests.map((r) => ({ kind: r.kind, status: r.status, requestedAt: r.createdAt, dueOn: r.dueOn, completedAt: r.completedAt }));
const inIds = (column: AnyColumn, ids: string[]) => (ids.length ? inArray(column, ids) : none);

/** Everything the map lists for a customer or guest buyer, by category. */
export async function customerData(tx: Tx, scope: CustomerScope, person: PersonKind, requests: PrivacyRequest[]): Promise<PersonalData> {
  const { shopId, customerIds, orderIds, contacts } = scope;
  const s = schema;
  const data: PersonalData = {
    profile: await tx
      .select({
        id: s.customers.id,
        name: s.customers.name,
        email: s.customers.email,
        phone: s.customers.phone,
        account: sql<boolean>`${s.customers.passwordHash} is not null`,
        merchantNote: s.customers.note,
        createdAt: s.customers.createdAt,
      })
      .from(s.customers)
      .where(and(eq(s.customers.shopId, shopId), inIds(s.customers.id, customerIds))),
    addresses: await tx
      .select({ id: s.customerAddresses.id, address: s.customerAddresses.address, isDefault: s.customerAddresses.isDefault })
      .from(s.customerAddresses)
      .where(and(eq(s.customerAddresses.shopId, shopId), inIds(s.customerAddresses.customerId, customerIds))),
    orders: await tx
      .select({
        number: s.orders.number,
        status: s.orders.status,
        email: s.orders.email,
        phone: s.orders.phone,
        name: s.orders.customerName,
        shippingAddress: s.orders.shippingAddress,
        note: s.orders.note,
        currency: s.orders.currency,
        totalMinor: s.orders.totalMinor,
        invoiceNumber: s.orders.invoiceNumber,
        createdAt: s.orders.createdAt,
        lines: sql<unknown>`(select coalesce(jsonb_agg(jsonb_build_object('title', l.title, 'variant', l.variant_title, 'quantity', l.quantity, 'unitPriceMinor', l.unit_price_minor) order by l.position), '[]'::jsonb)
                    from order_lines l where l.shop_id = ${s.orders.shopId} and l.order_id = ${s.orders.id})`,
      })
      .from(s.orders)
      .where(and(eq(s.orders.shopId, shopId), inIds(s.orders.id, orderIds))),
    consent: [
      ...(await tx
        .select({
          channel: sql<string>`'current'`,
          email: s.customers.marketingConsent,
          whatsapp: s.customers.marketingWhatsappConsent,
          at: s.customers.marketingConsentAt,
        })
        .from(s.customers)
        .where(and(eq(s.customers.shopId, shopId), inIds(s.customers.id, customerIds)))),
      ...(await tx
        .select({
          channel: s.consentEvents.channel,
          granted: s.consentEvents.granted,
          source: s.consentEvents.source,
          at: s.consentEvents.createdAt,
        })
        .from(s.consentEvents)
        .where(and(eq(s.consentEvents.shopId, shopId), inIds(s.consentEvents.customerId, customerIds)))),
    ],
    messages: await tx
      .select({
        channel: s.messages.channel,
        to: s.messages.recipient,
        purpose: s.messages.purpose,
        subject: s.messages.subject,
        body: s.messages.body,
        status: s.messages.status,
        createdAt: s.messages.createdAt,
      })
      .from(s.messages)
      .where(and(eq(s.messages.shopId, shopId), inIds(s.messages.recipient, contacts))),
    analytics: await tx
      .select({ kind: s.storefrontEvents.kind, path: s.storefrontEvents.path, createdAt: s.storefrontEvents.createdAt })
      .from(s.storefrontEvents)
      .where(and(eq(s.storefrontEvents.shopId, shopId), inIds(s.storefrontEvents.orderId, orderIds))),
    privacy_requests: requestRows(requests),
  };
  if (person === "storefront_customer") {
    data.wishlist = await tx
      .select({ product: s.products.title, handle: s.products.handle, addedAt: s.wishlistItems.addedAt })
      .from(s.wishlistItems)
      .innerJoin(s.carts, and(eq(s.carts.shopId, s.wishlistItems.shopId), eq(s.carts.id, s.wishlistItems.cartId)))
      .innerJoin(s.products, and(eq(s.products.shopId, s.wishlistItems.shopId), eq(s.products.id, s.wishlistItems.productId)))
      .where(and(eq(s.wishlistItems.shopId, shopId), inIds(s.carts.customerId, customerIds)));
    data.sessions = await tx
      .select({
        ip: s.customerSessions.ip,
        userAgent: s.customerSessions.userAgent,
        createdAt: s.customerSessions.createdAt,
        lastSeenAt: s.customerSessions.lastSeenAt,
      })
      .from(s.customerSessions)
      .where(and(eq(s.customerSessions.shopId, shopId), inIds(s.customerSessions.customerId, customerIds)));
  }
  return data;
}

/** Everything the map lists for a NetShop account (merchant or staff), at platform level. */
export async function userData(tx: Tx, userId: string, requests: PrivacyRequest[]): Promise<PersonalData> {
  const s = schema;
  const [user] = await tx
    .select({
      name: s.users.name,
      email: s.users.email,
      phone: s.users.phone,
      language: s.users.preferredLanguage,
      createdAt: s.users.createdAt,
    })
    .from(s.users)
    .where(eq(s.users.id, userId));
  return {
    profile: user ? [user] : [],
    sessions: await tx
      .select({ ip: s.sessions.ip, userAgent: s.sessions.userAgent, createdAt: s.sessions.createdAt, lastSeenAt: s.sessions.lastSeenAt })
      .from(s.sessions)
      .where(eq(s.sessions.userId, userId)),
    security: await tx
      .select({ action: s.auditLog.action, ip: s.auditLog.ip, userAgent: s.auditLog.userAgent, at: s.auditLog.createdAt })
      .from(s.auditLog)
      .where(eq(s.auditLog.actorUserId, userId))
      .limit(5000),
    shops: await tx
      .select({
        shop: s.shops.name,
        role: s.shopMemberships.role,
        companyName: s.shops.companyName,
        companyAddress: s.shops.companyAddress,
      })
      .from(s.shopMemberships)
      .innerJoin(s.shops, eq(s.shops.id, s.shopMemberships.shopId))
      .where(eq(s.shopMemberships.userId, userId)),
    messages: await tx
      .select({
        channel: s.messages.channel,
        to: s.messages.recipient,
        purpose: s.messages.purpose,
        body: s.messages.body,
        createdAt: s.messages.createdAt,
      })
      .from(s.messages)
      .where(eq(s.messages.userId, userId))
      .limit(5000),
    privacy_requests: requestRows(requests),
  };
}

function toCsv(rows: Array<Record<string, unknown>>): string {
  if (rows.length === 0) return "";
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) =>
    v === null || v === undefined ? "" : v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : String(v);
  return stringify([columns, ...rows.map((r) => columns.map((c) => cell(r[c])))]);
}

/** The ZIP: one JSON and one CSV per category the map lists for this kind of person (empty ones included, so the list is complete). */
export function zipPersonalData(data: PersonalData, person: PersonKind, generatedAt: Date): Buffer {
  const files: Record<string, Uint8Array> = {};
  const categories = categoriesFor(person);
  for (const category of categories) {
    const rows = data[category] ?? [];
    files[`${category}.json`] = strToU8(JSON.stringify(rows, null, 2));
    files[`${category}.csv`] = strToU8(toCsv(rows));
  }
  files["README.txt"] = strToU8(
    [
      `Your data held by NetShop, exported ${generatedAt.toISOString()}.`,
      `One JSON file (complete) and one CSV file (the same rows) per category: ${categories.join(", ")}.`,
      "Images and other media are listed as links, not copied into this file.",
    ].join("\n"),
  );
  return Buffer.from(zipSync(files, { level: 6, mtime: generatedAt }));
}
