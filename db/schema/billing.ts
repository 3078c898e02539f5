/**
 * Plans, each shop's subscription to one, the platform's invoices to shops and AI credit packs.
 * The catalog and the AI studio read their limits from the shop's plan (app/domain/billing/plans.server.ts);
 * the billing area (app/domain/billing, app/flows/billing-*.server.ts) runs the subscription.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  char,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

import { aiJobKindEnum } from "./ai";
import { createdAt, id, shopId, timestamptz, updatedAt } from "./columns";
import { shops } from "./core";

/** A platform table (no shop_id): the same plans for every shop. Rows come from migrations; operators change prices. */
export const plans = pgTable("plans", {
  /** Stable code, e.g. `free`. */
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** Products a shop on this plan may have; null = no limit. */
  productLimit: integer("product_limit"),
  /** Bytes of media (originals and renditions) a shop may store; null = no limit. */
  storageLimitBytes: bigint("storage_limit_bytes", { mode: "number" }),
  /** AI credits a shop on this plan gets each month, per kind (copy, try-on image, video). */
  aiCopyCredits: integer("ai_copy_credits").notNull().default(0),
  aiTryonCredits: integer("ai_tryon_credits").notNull().default(0),
  aiVideoCredits: integer("ai_video_credits").notNull().default(0),
  /** The monthly price. */
  priceMinor: integer("price_minor").notNull().default(0),
  yearlyPriceMinor: integer("yearly_price_minor").notNull().default(0),
  currency: char("currency", { length: 3 }).notNull().default("MYR"),
  /** People (owner included) who may work in the shop's admin; null = no limit. */
  staffSeats: integer("staff_seats"),
  ownDomain: boolean("own_domain").notNull().default(false),
  dropshipping: boolean("dropshipping").notNull().default(false),
  autocountSync: boolean("autocount_sync").notNull().default(false),
  /** Offered on the billing page (the four public plans); test and legacy plans are not. */
  listed: boolean("listed").notNull().default(false),
  position: integer("position").notNull().default(0),
  createdAt: createdAt(),
});

export const SUBSCRIPTION_STATUSES = ["trialing", "active", "past_due", "suspended", "cancelled"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export type BillingInterval = "month" | "year";

/**
 * The shop's subscription (historically "the plan a shop is on", hence the name). A shop without
 * a row is on the Free plan, active, with no period. Status machine: app/domain/billing/subscription-status.ts.
 */
export const shopPlans = pgTable(
  "shop_plans",
  {
    shopId: uuid("shop_id")
      .primaryKey()
      .references(() => shops.id, { onDelete: "cascade" }),
    planId: text("plan_id")
      .notNull()
      .references(() => plans.id),
    startedAt: timestamptz("started_at").notNull().defaultNow(),
    status: text("status").$type<SubscriptionStatus>().notNull().default("active"),
    interval: text("interval").$type<BillingInterval>().notNull().default("month"),
    /** The paid (or trial) period; null on Free. Periods start at midnight in the shop's time zone. */
    currentPeriodStart: timestamptz("current_period_start"),
    currentPeriodEnd: timestamptz("current_period_end"),
    /** Day of the month periods renew on (31 renews on the last day of shorter months). */
    anchorDay: smallint("anchor_day"),
    trialEndsAt: timestamptz("trial_ends_at"),
    /** A downgrade waiting for the period's end. */
    scheduledPlanId: text("scheduled_plan_id").references(() => plans.id),
    scheduledInterval: text("scheduled_interval").$type<BillingInterval>(),
    pastDueSince: timestamptz("past_due_since"),
    suspendedAt: timestamptz("suspended_at"),
    suspensionReason: text("suspension_reason"),
    cancelledAt: timestamptz("cancelled_at"),
    /** The owner cancelled: at the period's end the subscription becomes cancelled (on Free), no renewal. */
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
    updatedAt: updatedAt(),
  },
  (t) => [index("shop_plans_due_idx").on(t.status, t.currentPeriodEnd)],
);

/** Gapless numbering of platform documents: one row per series (NSB-2026), taken under its row lock. */
export const platformCounters = pgTable("platform_counters", {
  series: text("series").primaryKey(),
  value: integer("value").notNull().default(0),
});

/**
 * What an invoice line is for, without words: worded in the reader's language wherever it is shown
 * (app/domain/billing/invoice-lines.server.ts). Days are the shop's local days (YYYY-MM-DD); the
 * plan's name is kept as sold.
 */
export type InvoiceItem =
  | { kind: "plan"; planId: string; plan: string; interval: BillingInterval; start: string; end: string }
  | { kind: "credit"; planId: string; plan: string; paidMinor: number; currency: string }
  | { kind: "pack"; packId: string; creditKind: "copy" | "tryon" | "video"; credits: number };

export interface InvoiceLine {
  /** In English, as issued (older lines have only this). */
  description: string;
  item?: InvoiceItem;
  amountMinor: number;
  /** An AI credit pack: what paying the line adds. */
  credits?: { kind: "copy" | "tryon" | "video"; credits: number };
}
export interface BillTo {
  name: string;
  registrationNumber: string | null;
  address: string | null;
  email: string;
}

/** NetShop's invoices to a shop: a renewal, a plan change, or an AI credit pack. */
export const platformInvoices = pgTable(
  "platform_invoices",
  {
    shopId: shopId().references(() => shops.id, { onDelete: "cascade" }),
    id: id(),
    /** NSB-YYYY-NNNNNN, gapless across the platform per year. */
    number: text("number").notNull(),
    kind: text("kind").$type<"renewal" | "change" | "credits">().notNull(),
    status: text("status").$type<"open" | "paid" | "void">().notNull().default("open"),
    idempotencyKey: text("idempotency_key").notNull(),
    planId: text("plan_id").references(() => plans.id),
    interval: text("interval").$type<BillingInterval>(),
    periodStart: timestamptz("period_start"),
    periodEnd: timestamptz("period_end"),
    lines: jsonb("lines").$type<InvoiceLine[]>().notNull(),
    subtotalMinor: integer("subtotal_minor").notNull(),
    /** SST rate in basis points (800 = 8%); 0 when the platform is not SST-registered. */
    sstRateBp: integer("sst_rate_bp").notNull().default(0),
    sstMinor: integer("sst_minor").notNull().default(0),
    totalMinor: integer("total_minor").notNull(),
    currency: char("currency", { length: 3 }).notNull().default("MYR"),
    sstRegistration: text("sst_registration"),
    billTo: jsonb("bill_to").$type<BillTo>().notNull(),
    issuedAt: timestamptz("issued_at").notNull().defaultNow(),
    dueAt: timestamptz("due_at").notNull(),
    paidAt: timestamptz("paid_at"),
    gateway: text("gateway"),
    gatewayReference: text("gateway_reference"),
    paymentUrl: text("payment_url"),
    /** Dunning messages already sent for this invoice ("issued", "due", "due+3", "due+7"). */
    remindersSent: text("reminders_sent")
      .array()
      .notNull()
      .default(sql`'{}'`),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: "platform_invoices_pk", columns: [t.shopId, t.id] }),
    uniqueIndex("platform_invoices_number_key").on(t.shopId, t.number),
    uniqueIndex("platform_invoices_idempotency_key").on(t.shopId, t.idempotencyKey),
    index("platform_invoices_reference_idx").on(t.gateway, t.gatewayReference),
    index("platform_invoices_open_idx").on(t.status, t.dueAt),
  ],
);

/** A platform invoice's payment that failed: the amount did not match, or the gateway said failed or cancelled/expired. */
export const platformPaymentFailures = pgTable(
  "platform_payment_failures",
  {
    shopId: shopId().references(() => shops.id, { onDelete: "cascade" }),
    id: id(),
    invoiceId: uuid("invoice_id").notNull(),
    gateway: text("gateway").notNull(),
    gatewayReference: text("gateway_reference").notNull(),
    eventId: text("event_id").notNull(),
    kind: text("kind").$type<"mismatch" | "failed" | "cancelled">().notNull(),
    field: text("field"),
    expected: text("expected"),
    actual: text("actual"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: "platform_payment_failures_pk", columns: [t.shopId, t.id] }),
    foreignKey({
      name: "platform_payment_failures_invoice_fk",
      columns: [t.shopId, t.invoiceId],
      foreignColumns: [platformInvoices.shopId, platformInvoices.id],
    }),
    uniqueIndex("platform_payment_failures_event_key").on(t.shopId, t.gateway, t.eventId),
    index("platform_payment_failures_created_idx").on(t.createdAt),
  ],
);

/** AI credits bought in packs or granted by an operator: used after the month's plan credits, never expire. */
export const aiCreditGrants = pgTable(
  "ai_credit_grants",
  {
    shopId: shopId().references(() => shops.id, { onDelete: "cascade" }),
    id: id(),
    kind: aiJobKindEnum("kind").notNull(),
    credits: integer("credits").notNull(),
    source: text("source").$type<"pack" | "operator">().notNull(),
    invoiceId: uuid("invoice_id"),
    note: text("note"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: "ai_credit_grants_pk", columns: [t.shopId, t.id] }),
    foreignKey({
      name: "ai_credit_grants_invoice_fk",
      columns: [t.shopId, t.invoiceId],
      foreignColumns: [platformInvoices.shopId, platformInvoices.id],
    }),
    uniqueIndex("ai_credit_grants_invoice_key").on(t.shopId, t.invoiceId, t.kind),
  ],
);

export const FREE_PLAN_ID = "free";
