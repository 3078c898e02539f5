/**
 * Core tables: people, sessions, shops, memberships, the outbox, the audit log and messages.
 *
 * Conventions, kept by every table in db/schema/:
 *
 * - A tenant-owned table has a `shop_id` column. Row-level security is enabled and forced on
 *   every such table by db/tenancy.ts after each migration, so a new table cannot be forgotten.
 * - Tenant tables key on (shop_id, id), and every foreign key between tenant tables includes
 *   shop_id: distributing on shop_id later (Citus) is then a configuration change.
 * - Money is integer minor units (`*_minor`) with an ISO 4217 currency code, never floats.
 * - Personal data columns are listed in app/domain/privacy/privacy-map.server.ts.
 */
import { sql } from "drizzle-orm";
import { boolean, char, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";

import { createdAt, id, timestamptz, updatedAt } from "./columns";

export const languageEnum = pgEnum("language", ["en", "ms", "zh"]);
export const membershipRoleEnum = pgEnum("membership_role", ["owner", "admin", "staff"]);
export const shopStatusEnum = pgEnum("shop_status", ["active", "suspended", "closed"]);
/** A merchant sells on a storefront; a supplier lists products on the dropshipping network (db/schema/dropship.ts). */
export const shopKindEnum = pgEnum("shop_kind", ["merchant", "supplier"]);
export const messageChannelEnum = pgEnum("message_channel", ["whatsapp", "email"]);
/** How a person proves it is them after the password (see db/schema/security.ts). */
export const twoFactorMethodEnum = pgEnum("two_factor_method", ["none", "whatsapp", "totp"]);
export const messageStatusEnum = pgEnum("message_status", ["pending", "sent", "delivered", "read", "failed"]);

// ---------------------------------------------------------------------------------------------
// Platform tables (no shop_id): people and their sessions exist across shops.

export const users = pgTable(
  "users",
  {
    id: id().primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** E.164 with a leading + (e.g. +60123456789). */
    phone: text("phone").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** When the person confirmed they are 18 or older (sign-up refuses otherwise). */
    adultConfirmedAt: timestamptz("adult_confirmed_at").notNull(),
    termsAcceptedAt: timestamptz("terms_accepted_at").notNull(),
    termsVersion: text("terms_version").notNull(),
    preferredLanguage: languageEnum("preferred_language").notNull().default("en"),
    /** Second factor at login; WhatsApp codes by default (every account has a WhatsApp number). */
    twoFactorMethod: twoFactorMethodEnum("two_factor_method").notNull().default("whatsapp"),
    /** When a WhatsApp code sent to `phone` last came back (a sign-in, a number change): it is theirs. */
    phoneVerifiedAt: timestamptz("phone_verified_at"),
    /** How account notices (policy changes, export ready, deletion done) reach them: "email", or "whatsapp" once the number is verified. */
    noticeChannel: text("notice_channel").$type<"email" | "whatsapp">().notNull().default("email"),
    passwordChangedAt: timestamptz("password_changed_at"),
    /** "operator": may open /platform (approve suppliers, record wallet top-ups). Null for everyone else. */
    platformRole: text("platform_role"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`)],
);

export const sessions = pgTable(
  "sessions",
  {
    /** SHA-256 of the token in the cookie: a database leak reveals no usable session. */
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    activeShopId: uuid("active_shop_id"),
    remember: boolean("remember").notNull().default(false),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    /** When the person last proved it is them (login or re-authentication): sensitive actions need it recent. */
    authenticatedAt: timestamptz("authenticated_at").notNull().defaultNow(),
    /** The second factor the login used (whatsapp, totp, recovery, trusted_device), null for password only. */
    secondFactor: text("second_factor"),
    lastSeenAt: timestamptz("last_seen_at").notNull().defaultNow(),
    expiresAt: timestamptz("expires_at").notNull(),
    revokedAt: timestamptz("revoked_at"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Provider webhook deliveries already handled: providers retry, we act once. */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    receivedAt: timestamptz("received_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.eventId] })],
);

// ---------------------------------------------------------------------------------------------
// The tenant root. RLS on `shops` compares `id` with the current shop (see db/tenancy.ts).

export const shops = pgTable(
  "shops",
  {
    id: id().primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    status: shopStatusEnum("status").notNull().default("active"),
    /** merchant (the admin at /admin) or supplier (the portal at /supplier); a tenant either way. */
    kind: shopKindEnum("kind").notNull().default("merchant"),
    currency: char("currency", { length: 3 }).notNull().default("MYR"),
    timezone: text("timezone").notNull().default("Asia/Kuala_Lumpur"),
    language: languageEnum("language").notNull().default("en"),
    companyName: text("company_name"),
    registrationNumber: text("registration_number"),
    /** The company's address as printed on tax invoices (several lines). */
    companyAddress: text("company_address"),
    /** The shop's own domain for its storefront (Host header → shop). */
    customDomain: text("custom_domain"),
    /** The owner requires every member to log in with a second factor. */
    requireTwoFactor: boolean("require_two_factor").notNull().default(false),
    /** The storefront's theme (app/domain/storefront/theme.ts validates it; migration 0023). */
    storefrontTheme: jsonb("storefront_theme").notNull().default({}),
    /** When the merchant hid the dashboard's onboarding checklist (migration 0023). */
    onboardingDismissedAt: timestamptz("onboarding_dismissed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("shops_slug_key").on(t.slug), uniqueIndex("shops_custom_domain_key").on(sql`lower(${t.customDomain})`)],
);

// ---------------------------------------------------------------------------------------------
// Tenant tables.

export const shopMemberships = pgTable(
  "shop_memberships",
  {
    shopId: uuid("shop_id")
      .notNull()
      .references(() => shops.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: membershipRoleEnum("role").notNull(),
    /** Per-area permissions for staff (products, orders, customers, reports, settings, billing, ai). */
    permissions: text("permissions")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    frozenAt: timestamptz("frozen_at"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.userId] }),
    index("shop_memberships_user_idx").on(t.userId),
    // Exactly one owner per shop: ownership moves only by transfer.
    uniqueIndex("shop_memberships_one_owner_key")
      .on(t.shopId)
      .where(sql`${t.role} = 'owner'`),
  ],
);

/**
 * Work that must happen after a commit, written in the same transaction as the change that
 * causes it. The dispatcher enqueues each row on BullMQ with the row id as the job id.
 * shop_id is null for platform-level work (e.g. the welcome message after sign-up).
 */
export const outbox = pgTable(
  "outbox",
  {
    id: id().primaryKey(),
    shopId: uuid("shop_id").references(() => shops.id, { onDelete: "cascade" }),
    queue: text("queue").notNull(),
    jobName: text("job_name").notNull(),
    payload: jsonb("payload").notNull(),
    createdAt: createdAt(),
    /** Not before this time (delayed work). */
    availableAt: timestamptz("available_at").notNull().defaultNow(),
    dispatchedAt: timestamptz("dispatched_at"),
    /** Its processor finished (done, or failed for good): until then the reconciler checks Redis still has the job. */
    finishedAt: timestamptz("finished_at"),
    /** Dispatches that failed (Redis did not accept the job). */
    attempts: integer("attempts").notNull().default(0),
    /**
     * Runs of its job that failed and will be retried: BullMQ counts attempts in Redis, so a job
     * dispatched again after Redis lost it gets only the attempts left (issue 19).
     */
    runAttempts: integer("run_attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [
    index("outbox_pending_idx")
      .on(t.availableAt)
      .where(sql`${t.dispatchedAt} is null`),
    index("outbox_shop_idx").on(t.shopId, t.createdAt),
    index("outbox_unfinished_idx")
      .on(t.dispatchedAt)
      .where(sql`${t.dispatchedAt} is not null and ${t.finishedAt} is null`),
  ],
);

/** Sensitive actions: who did what, from where, with the state before and after. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: id().primaryKey(),
    shopId: uuid("shop_id").references(() => shops.id, { onDelete: "cascade" }),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    before: jsonb("before"),
    after: jsonb("after"),
    createdAt: createdAt(),
  },
  (t) => [index("audit_log_shop_time_idx").on(t.shopId, t.createdAt), index("audit_log_actor_idx").on(t.actorUserId, t.createdAt)],
);

/**
 * Every message we send a person (WhatsApp or email), with its delivery status from the
 * provider's webhooks. shop_id is null for platform messages (welcome, account security).
 */
export const messages = pgTable(
  "messages",
  {
    id: id().primaryKey(),
    shopId: uuid("shop_id").references(() => shops.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    channel: messageChannelEnum("channel").notNull(),
    recipient: text("recipient").notNull(),
    purpose: text("purpose").notNull(),
    /** Emails only. */
    subject: text("subject"),
    body: text("body").notNull(),
    status: messageStatusEnum("status").notNull().default("pending"),
    providerMessageId: text("provider_message_id"),
    error: text("error"),
    createdAt: createdAt(),
    /** When it was handed to the provider; set (status still pending) before the call: the recorded intent of deliverMessage. */
    sentAt: timestamptz("sent_at"),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("messages_provider_id_key").on(t.providerMessageId), index("messages_shop_time_idx").on(t.shopId, t.createdAt)],
);
