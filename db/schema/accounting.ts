/**
 * Accounting and reports: a shop's AutoCount connection and mapping, the sync status of every
 * document we send AutoCount (one row per shop + order + kind + reference), the daily WhatsApp
 * report's settings, subscriptions and one row per report sent (the unique key that makes
 * "exactly one report per shop per day" hold), and first-party storefront analytics events
 * (recorded only with the visitor's consent).
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";

import { createdAt, id, tenantKey, timestamptz, updatedAt } from "./columns";
import { users } from "./core";
import { orders } from "./orders";
import { shopFk, shopRef } from "./shop-column";

export const autocountModeEnum = pgEnum("autocount_mode", ["sandbox", "live"]);
export const customerCodeSchemeEnum = pgEnum("customer_code_scheme", ["per_customer", "cash_sales"]);

/** A shop's AutoCount Cloud connection (one row per shop). The API-Key is stored encrypted. */
export const accountingSettings = pgTable(
  "accounting_settings",
  {
    shopId: shopFk(),
    id: id(),
    /** sandbox: NetShop's stand-in (no credentials kept); live: the shop's own account book. */
    mode: autocountModeEnum("mode").notNull(),
    accountBookId: text("account_book_id"),
    keyId: text("key_id"),
    /** encryptSecret(API-Key); never shown back nor logged. */
    apiKeyEncrypted: text("api_key_encrypted"),
    salesAccountNo: text("sales_account_no").notNull(),
    /** null: lines carry no tax code (a shop not registered for SST). */
    taxCode: text("tax_code"),
    creditTerm: text("credit_term").notNull(),
    paymentMethod: text("payment_method").notNull(),
    salesLocation: text("sales_location").notNull().default("HQ"),
    customerCodeScheme: customerCodeSchemeEnum("customer_code_scheme").notNull().default("per_customer"),
    /** Debtor codes start with this (e.g. "300-"): 300-1A2B3C4D per customer, 300-CASH for cash sales. */
    customerCodePrefix: text("customer_code_prefix").notNull().default("300-"),
    enabled: boolean("enabled").notNull().default(true),
    connectedAt: timestamptz("connected_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [tenantKey(t), uniqueIndex("accounting_settings_shop_key").on(t.shopId)],
);

export const accountingDocKindEnum = pgEnum("accounting_doc_kind", ["invoice", "credit_note"]);
export const accountingSyncStatusEnum = pgEnum("accounting_sync_status", ["pending", "synced", "failed"]);

/**
 * One document we owe AutoCount: an order's sales invoice (with its receipt and knock-off), or a
 * refund's credit note (with its payment voucher and knock-off). `ref` is "" for the invoice and
 * the refund's payment id for a credit note. The doc numbers are fixed when the row is made, so
 * every retry looks up and writes the same documents.
 */
export const accountingSyncs = pgTable(
  "accounting_syncs",
  {
    shopId: shopFk(),
    id: id(),
    orderId: uuid("order_id").notNull(),
    kind: accountingDocKindEnum("kind").notNull(),
    ref: text("ref").notNull().default(""),
    paymentId: uuid("payment_id"),
    docNo: text("doc_no").notNull(),
    status: accountingSyncStatusEnum("status").notNull().default("pending"),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    /** What was booked: debtor code, receipt and knock-off numbers. */
    detail: jsonb("detail")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    syncedAt: timestamptz("synced_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey(t),
    uniqueIndex("accounting_syncs_doc_key").on(t.shopId, t.orderId, t.kind, t.ref),
    uniqueIndex("accounting_syncs_doc_no_key").on(t.shopId, t.kind, t.docNo),
    shopRef("accounting_syncs_order_fk", t, t.orderId, orders).onDelete("cascade"),
    index("accounting_syncs_status_idx").on(t.shopId, t.status, t.updatedAt.desc()),
  ],
);

/** The daily WhatsApp report's time and switch (one row per shop; absent = on at 09:00). */
export const reportSettings = pgTable(
  "report_settings",
  {
    shopId: shopFk(),
    id: id(),
    enabled: boolean("enabled").notNull().default(true),
    /** HH:MM in the shop's time zone. */
    sendAt: text("send_at").notNull().default("09:00"),
    updatedAt: updatedAt(),
  },
  (t) => [tenantKey(t), uniqueIndex("report_settings_shop_key").on(t.shopId)],
);

/** A member's choice about the daily report: owners get it unless they opt out, staff when they opt in. */
export const reportSubscriptions = pgTable(
  "report_subscriptions",
  {
    shopId: shopFk(),
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    subscribed: boolean("subscribed").notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [tenantKey(t), uniqueIndex("report_subscriptions_user_key").on(t.shopId, t.userId)],
);

/** One row per report sent: unique per shop and day, so a re-run job sends nothing twice. */
export const dailyReports = pgTable(
  "daily_reports",
  {
    shopId: shopFk(),
    id: id(),
    reportDate: date("report_date", { mode: "string" }).notNull(),
    recipients: integer("recipients").notNull().default(0),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [tenantKey(t), uniqueIndex("daily_reports_day_key").on(t.shopId, t.reportDate)],
);

export const storefrontEventKindEnum = pgEnum("storefront_event_kind", ["visit", "cart", "checkout", "order"]);

/** First-party storefront analytics, recorded only when the visitor consented to analytics. */
export const storefrontEvents = pgTable(
  "storefront_events",
  {
    shopId: shopFk(),
    id: id(),
    kind: storefrontEventKindEnum("kind").notNull(),
    path: text("path"),
    orderId: uuid("order_id"),
    createdAt: createdAt(),
  },
  (t) => [tenantKey(t), index("storefront_events_kind_created_idx").on(t.shopId, t.kind, t.createdAt)],
);

/**
 * Daily sales rollups for the dashboard and the daily report: one row per shop and local day
 * (the shop's time zone) of paid orders, and one per shop, day, product and source of their
 * lines. Maintained by statement-level triggers on orders and order_lines that recompute the
 * days touched (hand-written SQL in the accounting migration), so they always equal the orders.
 */
export const salesDaily = pgTable(
  "sales_daily",
  {
    shopId: shopFk(),
    day: date("day", { mode: "string" }).notNull(),
    orders: integer("orders").notNull(),
    /** Paid totals less refunds. */
    revenueMinor: bigint("revenue_minor", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.day] })],
);

export const productSalesDaily = pgTable(
  "product_sales_daily",
  {
    shopId: shopFk(),
    day: date("day", { mode: "string" }).notNull(),
    /** The product id, or "t:<title>" for lines without one. */
    productKey: text("product_key").notNull(),
    source: text("source").notNull(),
    title: text("title").notNull(),
    quantity: integer("quantity").notNull(),
    revenueMinor: bigint("revenue_minor", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.day, t.productKey, t.source] })],
);
