/**
 * Personal-data rights (app/domain/privacy): every request a person makes about their data
 * (export, deletion) with its legal due date, and each customer's marketing consent history.
 *
 * privacy_requests has a nullable shop_id, like the outbox: a storefront customer's or a guest
 * buyer's request belongs to the shop (the merchant is the controller and sees it under RLS); a
 * merchant user's own request (shop_id null) is the platform's, read through asPlatform.
 */
import { sql } from "drizzle-orm";
import { boolean, check, date, foreignKey, index, integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";

import { createdAt, id, tenantKey, timestamptz, updatedAt } from "./columns";
import { languageEnum, shops, users } from "./core";
import { customers } from "./orders";
import { shopFk } from "./shop-column";

export const PRIVACY_SUBJECT_KINDS = ["customer", "guest", "user"] as const;
export const PRIVACY_REQUEST_KINDS = ["export", "deletion"] as const;
/**
 * queued → processing → ready (an export) | done (a deletion); a deletion waits in cooling_off
 * first (cancellable); ready exports become expired when their file is purged.
 */
export const PRIVACY_REQUEST_STATUSES = ["queued", "processing", "cooling_off", "ready", "done", "cancelled", "failed", "expired"] as const;

export const privacyRequests = pgTable(
  "privacy_requests",
  {
    id: id().primaryKey(),
    shopId: uuid("shop_id").references(() => shops.id, { onDelete: "cascade" }),
    subjectKind: text("subject_kind").$type<(typeof PRIVACY_SUBJECT_KINDS)[number]>().notNull(),
    /** The customer's or user's id; for a guest buyer the contact (email or E.164 phone) their orders carry. */
    subjectId: text("subject_id").notNull(),
    kind: text("kind").$type<(typeof PRIVACY_REQUEST_KINDS)[number]>().notNull(),
    status: text("status").$type<(typeof PRIVACY_REQUEST_STATUSES)[number]>().notNull(),
    /** Where to tell them the outcome; cleared once a deletion is done. */
    contact: text("contact"),
    locale: languageEnum("locale").notNull().default("en"),
    /** A merchant or operator acting on the person's behalf. */
    requestedByUserId: uuid("requested_by_user_id").references(() => users.id, { onDelete: "set null" }),
    /** An operator flagged the account as a minor's: deleted at once, no cooling-off. */
    minor: boolean("minor").notNull().default(false),
    /** 30 Malaysian business days after the request (weekends and public holidays excluded). */
    dueOn: date("due_on").notNull(),
    coolingOffUntil: timestamptz("cooling_off_until"),
    progress: integer("progress").notNull().default(0),
    exportKey: text("export_key"),
    exportExpiresAt: timestamptz("export_expires_at"),
    error: text("error"),
    createdAt: createdAt(),
    completedAt: timestamptz("completed_at"),
    cancelledAt: timestamptz("cancelled_at"),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("privacy_requests_shop_created_idx").on(t.shopId, t.createdAt),
    index("privacy_requests_subject_idx").on(t.subjectKind, t.subjectId),
    index("privacy_requests_open_due_idx")
      .on(t.dueOn)
      .where(sql`${t.status} in ('queued', 'processing', 'cooling_off')`),
    check("privacy_requests_subject_kind_check", sql`${t.subjectKind} in ('customer', 'guest', 'user')`),
    check("privacy_requests_kind_check", sql`${t.kind} in ('export', 'deletion')`),
    check(
      "privacy_requests_status_check",
      sql`${t.status} in ('queued', 'processing', 'cooling_off', 'ready', 'done', 'cancelled', 'failed', 'expired')`,
    ),
  ],
);

/** Every grant or withdrawal of a customer's marketing consent, per channel, with where it came from. */
export const consentEvents = pgTable(
  "consent_events",
  {
    shopId: shopFk(),
    id: id(),
    customerId: uuid("customer_id").notNull(),
    channel: text("channel").$type<"email" | "whatsapp">().notNull(),
    granted: boolean("granted").notNull(),
    /** account, unsubscribe_link, whatsapp_stop, merchant, signup. */
    source: text("source").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey(t),
    foreignKey({
      columns: [t.shopId, t.customerId],
      foreignColumns: [customers.shopId, customers.id],
      name: "consent_events_customer_fk",
    }).onDelete("cascade"),
    index("consent_events_customer_idx").on(t.shopId, t.customerId, t.createdAt),
    check("consent_events_channel_check", sql`${t.channel} in ('email', 'whatsapp')`),
  ],
);

/**
 * One-time codes of the privacy pages: a guest buyer proving a contact their orders carry, a new
 * email or phone number confirmed before it replaces the old. Neither the contact nor the code is
 * kept: `subject_hash` and `code_hash` are keyed hashes (app/domain/privacy/codes.server.ts).
 * shop_id is null for a NetShop account's own change.
 */
export const privacyCodes = pgTable(
  "privacy_codes",
  {
    id: id().primaryKey(),
    shopId: uuid("shop_id").references(() => shops.id, { onDelete: "cascade" }),
    purpose: text("purpose").$type<"guest_proof" | "contact_change">().notNull(),
    subjectHash: text("subject_hash").notNull(),
    codeHash: text("code_hash").notNull(),
    attempts: integer("attempts").notNull().default(0),
    createdAt: createdAt(),
    expiresAt: timestamptz("expires_at").notNull(),
    consumedAt: timestamptz("consumed_at"),
  },
  (t) => [
    index("privacy_codes_subject_idx").on(t.subjectHash, t.createdAt),
    check("privacy_codes_purpose_check", sql`${t.purpose} in ('guest_proof', 'contact_change')`),
  ],
);

/** Published versions of the privacy policy and terms; a significant one is announced to everyone. */
export const policyVersions = pgTable(
  "policy_versions",
  {
    id: id().primaryKey(),
    document: text("document").$type<"privacy" | "terms">().notNull(),
    version: text("version").notNull(),
    significant: boolean("significant").notNull().default(false),
    summary: text("summary").notNull().default(""),
    publishedByUserId: uuid("published_by_user_id").references(() => users.id, { onDelete: "set null" }),
    publishedAt: timestamptz("published_at").notNull().defaultNow(),
    /** When the notices of a significant version were queued (once: the job is idempotent by this). */
    noticesQueuedAt: timestamptz("notices_queued_at"),
  },
  (t) => [
    uniqueIndex("policy_versions_document_version_key").on(t.document, t.version),
    check("policy_versions_document_check", sql`${t.document} in ('privacy', 'terms')`),
  ],
);

/** Who saw and accepted which version, when: a NetShop account (user_id) or a shop's customer. */
export const policyAcceptances = pgTable(
  "policy_acceptances",
  {
    id: id().primaryKey(),
    policyVersionId: uuid("policy_version_id")
      .notNull()
      .references(() => policyVersions.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    shopId: uuid("shop_id").references(() => shops.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id"),
    acceptedAt: timestamptz("accepted_at").notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      columns: [t.shopId, t.customerId],
      foreignColumns: [customers.shopId, customers.id],
      name: "policy_acceptances_customer_fk",
    }).onDelete("cascade"),
    uniqueIndex("policy_acceptances_user_key")
      .on(t.policyVersionId, t.userId)
      .where(sql`${t.userId} is not null`),
    uniqueIndex("policy_acceptances_customer_key")
      .on(t.policyVersionId, t.shopId, t.customerId)
      .where(sql`${t.customerId} is not null`),
    check("policy_acceptances_who_check", sql`(${t.userId} is null) <> (${t.customerId} is null)`),
  ],
);
