/**
 * Orders and the people who place them: customers, orders with their lines, gateway payments
 * (charges and refunds), each order's timeline, and per-shop counters for gapless numbers.
 * Every table is a tenant table keyed on (shop_id, id) with shop_id in each unique key and
 * foreign key (see core.ts).
 *
 * Lines and addresses are snapshots: an order shows what was bought at the price it was bought,
 * whatever later happens to the product. Lines keep the variant's id without a foreign key for
 * the same reason (a deleted variant must not rewrite history).
 *
 * The status machine (app/domain/orders/order-status.ts) is the only writer of `status`;
 * payment and fulfilment statuses follow from payments, refunds and fulfilments.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  char,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

import { createdAt, id, tenantKey, timestamptz, updatedAt } from "./columns";
import { languageEnum, shops, users } from "./core";
import { shopFk, shopRef } from "./shop-column";

export const orderStatusEnum = pgEnum("order_status", [
  "pending_payment",
  "paid",
  "processing",
  "shipped",
  "delivered",
  "cancelled",
  "refunded",
  "partially_refunded",
]);
export const orderPaymentStatusEnum = pgEnum("order_payment_status", ["unpaid", "paid", "partially_refunded", "refunded"]);
export const fulfilmentStatusEnum = pgEnum("fulfilment_status", ["unfulfilled", "partially_fulfilled", "fulfilled"]);
export const paymentKindEnum = pgEnum("payment_kind", ["charge", "refund"]);
export const paymentRecordStatusEnum = pgEnum("payment_record_status", ["pending", "succeeded", "failed", "cancelled"]);
export const lineSourceEnum = pgEnum("order_line_source", ["own", "dropship"]);

/** A postal address as the customer gave it. Malaysian states and 5-digit postcodes are validated at checkout. */
export interface PostalAddress {
  name: string;
  phone?: string | null;
  line1: string;
  line2?: string | null;
  city: string;
  state: string;
  postcode: string;
  /** ISO 3166-1 alpha-2, e.g. "MY". */
  country: string;
}

/**
 * A shop's customer: a guest who placed an order (no password) or a storefront account (a bcrypt
 * password hash). Duplicates found by email/phone can be merged: the merged row points at the
 * survivor and its orders move there.
 */
export const customers = pgTable(
  "customers",
  {
    shopId: shopFk(),
    id: id(),
    /** Lower-cased. */
    email: text("email"),
    /** E.164, e.g. +60123456789. */
    phone: text("phone"),
    name: text("name").notNull().default(""),
    /** Set for storefront accounts only (bcrypt). */
    passwordHash: text("password_hash"),
    marketingConsent: boolean("marketing_consent").notNull().default(false),
    marketingConsentAt: timestamptz("marketing_consent_at"),
    /** Marketing by WhatsApp, separately withdrawable (a STOP reply); marketingConsent is email's. */
    marketingWhatsappConsent: boolean("marketing_whatsapp_consent").notNull().default(false),
    /** Set when a deletion request anonymised this customer (the row stays for retained orders). */
    anonymisedAt: timestamptz("anonymised_at"),
    /** The merchant's internal note. */
    note: text("note").notNull().default(""),
    mergedIntoId: uuid("merged_into_id"),
    /** The language of the storefront when the customer signed up or last switched (signed in); null: the shop's. */
    language: languageEnum("language"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey(t),
    // One storefront account per email in a shop; guests may repeat (merged later).
    uniqueIndex("customers_account_email_key")
      .on(t.shopId, t.email)
      .where(sql`${t.passwordHash} is not null`),
    index("customers_email_idx").on(t.shopId, t.email),
    index("customers_phone_idx").on(t.shopId, t.phone),
    index("customers_created_idx").on(t.shopId, t.createdAt.desc(), t.id.desc()),
    shopRef("customers_merged_into_fk", t, t.mergedIntoId, t),
    check("customers_email_lower_check", sql`${t.email} = lower(${t.email})`),
  ],
);

export const customerAddresses = pgTable(
  "customer_addresses",
  {
    shopId: shopFk(),
    id: id(),
    customerId: uuid("customer_id").notNull(),
    address: jsonb("address").$type<PostalAddress>().notNull(),
    isDefault: boolean("is_default").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey(t),
    shopRef("customer_addresses_customer_fk", t, t.customerId, customers).onDelete("cascade"),
    index("customer_addresses_customer_idx").on(t.shopId, t.customerId),
  ],
);

export const orders = pgTable(
  "orders",
  {
    shopId: shopFk(),
    id: id(),
    /** Per-shop order number shown to people (#1001…), from shop_counters. */
    number: integer("number").notNull(),
    customerId: uuid("customer_id"),
    /** Contact as given at checkout (email and/or WhatsApp number). */
    email: text("email"),
    phone: text("phone"),
    customerName: text("customer_name").notNull().default(""),
    shippingAddress: jsonb("shipping_address").$type<PostalAddress>(),
    status: orderStatusEnum("status").notNull().default("pending_payment"),
    paymentStatus: orderPaymentStatusEnum("payment_status").notNull().default("unpaid"),
    fulfilmentStatus: fulfilmentStatusEnum("fulfilment_status").notNull().default("unfulfilled"),
    currency: char("currency", { length: 3 }).notNull(),
    subtotalMinor: bigint("subtotal_minor", { mode: "number" }).notNull(),
    discountMinor: bigint("discount_minor", { mode: "number" }).notNull().default(0),
    shippingMinor: bigint("shipping_minor", { mode: "number" }).notNull().default(0),
    taxMinor: bigint("tax_minor", { mode: "number" }).notNull().default(0),
    totalMinor: bigint("total_minor", { mode: "number" }).notNull(),
    refundedMinor: bigint("refunded_minor", { mode: "number" }).notNull().default(0),
    /** The shipping rate chosen at checkout (its name is kept in shippingMethod). */
    shippingRateId: uuid("shipping_rate_id"),
    shippingMethod: text("shipping_method"),
    totalWeightGrams: integer("total_weight_grams").notNull().default(0),
    /** The customer's note at checkout. */
    note: text("note").notNull().default(""),
    /** The language the customer used: messages to them are written in it. */
    locale: languageEnum("locale").notNull().default("en"),
    /** The gateway the order is paid through (payseller, billplz); null until payment starts. */
    gateway: text("gateway"),
    /** An unpaid order is cancelled at this time and its stock released. */
    expiresAt: timestamptz("expires_at"),
    paidAt: timestamptz("paid_at"),
    cancelledAt: timestamptz("cancelled_at"),
    cancelReason: text("cancel_reason"),
    /** Tax invoice number, sequential per shop with no gaps, given when the order is paid. */
    invoiceNumber: integer("invoice_number"),
    invoicedAt: timestamptz("invoiced_at"),
    /** Some line is fulfilled by a dropshipping supplier. */
    hasDropship: boolean("has_dropship").notNull().default(false),
    /**
     * Where the order's stock stands (app/domain/orders/stock.server.ts): none (nothing held),
     * reserved (held by checkout), committed (taken off on_hand when paid), released (given back).
     */
    stockState: text("stock_state").notNull().default("none"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey(t),
    uniqueIndex("orders_number_key").on(t.shopId, t.number),
    uniqueIndex("orders_invoice_number_key")
      .on(t.shopId, t.invoiceNumber)
      .where(sql`${t.invoiceNumber} is not null`),
    shopRef("orders_customer_fk", t, t.customerId, customers),
    index("orders_shop_created_idx").on(t.shopId, t.createdAt.desc(), t.id.desc()),
    index("orders_shop_status_created_idx").on(t.shopId, t.status, t.createdAt.desc(), t.id.desc()),
    index("orders_customer_idx").on(t.shopId, t.customerId, t.createdAt.desc()),
    // The maintenance job's scan for unpaid orders past their time (across shops).
    index("orders_pending_expiry_idx")
      .on(t.expiresAt)
      .where(sql`${t.status} = 'pending_payment'`),
    check("orders_stock_state_check", sql`${t.stockState} in ('none', 'reserved', 'committed', 'released')`),
    check(
      "orders_amounts_check",
      sql`${t.subtotalMinor} >= 0 and ${t.discountMinor} >= 0 and ${t.shippingMinor} >= 0 and ${t.taxMinor} >= 0 and ${t.totalMinor} >= 0 and ${t.refundedMinor} >= 0 and ${t.refundedMinor} <= ${t.totalMinor}`,
    ),
  ],
);

export const orderLines = pgTable(
  "order_lines",
  {
    shopId: shopFk(),
    id: id(),
    orderId: uuid("order_id").notNull(),
    position: integer("position").notNull().default(0),
    productId: uuid("product_id"),
    variantId: uuid("variant_id"),
    title: text("title").notNull(),
    variantTitle: text("variant_title").notNull().default(""),
    sku: text("sku"),
    quantity: integer("quantity").notNull(),
    /** The price charged per unit (a flash sale's price when one applied). */
    unitPriceMinor: bigint("unit_price_minor", { mode: "number" }).notNull(),
    /** The regular price when a sale price was charged (for display and reports). */
    regularUnitPriceMinor: bigint("regular_unit_price_minor", { mode: "number" }),
    discountMinor: bigint("discount_minor", { mode: "number" }).notNull().default(0),
    totalMinor: bigint("total_minor", { mode: "number" }).notNull(),
    weightGrams: integer("weight_grams").notNull().default(0),
    /** The flash sale whose price was charged, if any. */
    flashSaleId: uuid("flash_sale_id"),
    /** Units checkout reserved for this line (inventory_levels.reserved); 0 when none were held. */
    reservedQuantity: integer("reserved_quantity").notNull().default(0),
    fulfilledQuantity: integer("fulfilled_quantity").notNull().default(0),
    refundedQuantity: integer("refunded_quantity").notNull().default(0),
    source: lineSourceEnum("source").notNull().default("own"),
    /** Dropship lines: the supplier (a shop of kind supplier) and its variant, and the cost agreed. */
    supplierShopId: uuid("supplier_shop_id").references(() => shops.id),
    supplierVariantId: uuid("supplier_variant_id"),
    supplierCostMinor: bigint("supplier_cost_minor", { mode: "number" }),
  },
  (t) => [
    tenantKey(t),
    shopRef("order_lines_order_fk", t, t.orderId, orders).onDelete("cascade"),
    index("order_lines_order_idx").on(t.shopId, t.orderId, t.position),
    index("order_lines_variant_idx").on(t.shopId, t.variantId),
    check(
      "order_lines_quantities_check",
      sql`${t.quantity} > 0 and ${t.fulfilledQuantity} between 0 and ${t.quantity} and ${t.refundedQuantity} between 0 and ${t.quantity}`,
    ),
    check("order_lines_amounts_check", sql`${t.unitPriceMinor} >= 0 and ${t.discountMinor} >= 0 and ${t.totalMinor} >= 0`),
  ],
);

/**
 * Money moving through a gateway for an order: charges (one per payment attempt at the hosted
 * page) and refunds. We keep the gateway's reference and the amounts, never card data.
 */
export const payments = pgTable(
  "payments",
  {
    shopId: shopFk(),
    id: id(),
    orderId: uuid("order_id").notNull(),
    kind: paymentKindEnum("kind").notNull(),
    /** payseller, billplz, or manual (a refund made outside NetShop and recorded here). */
    gateway: text("gateway").notNull(),
    gatewayReference: text("gateway_reference"),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    status: paymentRecordStatusEnum("status").notNull().default("pending"),
    /** The hosted page to send the customer to (charges). */
    paymentUrl: text("payment_url"),
    reason: text("reason"),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    completedAt: timestamptz("completed_at"),
  },
  (t) => [
    tenantKey(t),
    shopRef("payments_order_fk", t, t.orderId, orders).onDelete("cascade"),
    uniqueIndex("payments_gateway_reference_key")
      .on(t.shopId, t.gateway, t.gatewayReference)
      .where(sql`${t.gatewayReference} is not null`),
    index("payments_order_idx").on(t.shopId, t.orderId, t.createdAt),
    check("payments_amount_check", sql`${t.amountMinor} > 0`),
  ],
);

/**
 * The order's timeline: every event (created, paid, status changes, notes, notifications with a
 * link to the message whose delivery status they show, fulfilments, refunds), with who acted.
 */
export const orderEvents = pgTable(
  "order_events",
  {
    shopId: shopFk(),
    id: id(),
    orderId: uuid("order_id").notNull(),
    /** e.g. created, paid, status_changed, note, notified, fulfilled, refunded, payment_failed. */
    type: text("type").notNull(),
    /** A short human sentence ("Marked as shipped"), written when the event happens. */
    summary: text("summary").notNull(),
    data: jsonb("data")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** null for the customer, the gateway or the system. */
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    /** For notifications: the message (its delivery status comes from messages). */
    messageId: uuid("message_id"),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey(t),
    shopRef("order_events_order_fk", t, t.orderId, orders).onDelete("cascade"),
    index("order_events_order_idx").on(t.shopId, t.orderId, t.createdAt),
  ],
);

/**
 * Per-shop counters (order numbers, invoice numbers). Taking a number locks the shop's counter
 * row until the transaction ends, so numbers are never duplicated, and a rolled-back
 * transaction gives its number back: no gaps.
 */
export const shopCounters = pgTable(
  "shop_counters",
  {
    shopId: shopFk(),
    name: text("name").notNull(),
    value: bigint("value", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.name] })],
);
