/**
 * The dropshipping network (README "Dropshipping").
 *
 * Two kinds of tenant take part, both plain shops (`shops.kind`): suppliers, who list products
 * with the ordinary catalog tables (variant `cost_minor` = the supplier's cost to merchants,
 * `price_minor` = suggested retail price) and ship orders; and merchants, who import them.
 *
 * Every table here is a tenant table, so RLS confines it to ONE shop:
 *
 * - supplier side (shop_id = the supplier): supplier_profiles, supplier_orders, supplier_order_lines.
 * - merchant side (shop_id = the merchant): dropship_settings, dropship_links, dropship_favourites,
 *   dropship_wallets, dropship_wallet_entries, dropship_forwards, dropship_alerts.
 *
 * A supplier order and the merchant's forward of it share one id: the forward is the merchant's
 * record (payment, status, tracking), the supplier order is what the supplier sees — the
 * recipient's name, phone and address and the lines, nothing else of the customer.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, char, check, index, integer, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";

import { variants } from "./catalog";
import { createdAt, id, tenantKey, timestamptz, updatedAt } from "./columns";
import { shops, users } from "./core";
import { orders } from "./orders";
import { shopFk, shopRef } from "./shop-column";

export const supplierStatusEnum = pgEnum("supplier_status", ["pending", "approved", "suspended"]);
/** held: not paid yet (wallet too low), not sent to the supplier; open → accepted → shipped; rejected: every line refused. */
export const supplierOrderStatusEnum = pgEnum("supplier_order_status", ["held", "open", "accepted", "shipped", "rejected", "cancelled"]);
export const supplierPaymentEnum = pgEnum("supplier_payment", ["unpaid", "wallet", "manual"]);
export const supplierLineStatusEnum = pgEnum("supplier_line_status", ["open", "shipped", "rejected"]);
export const walletEntryKindEnum = pgEnum("wallet_entry_kind", ["topup", "charge", "refund"]);

// ---------------------------------------------------------------------------------------------
// Supplier side.

export const supplierProfiles = pgTable(
  "supplier_profiles",
  {
    shopId: shopFk().primaryKey(),
    companyName: text("company_name").notNull(),
    contactName: text("contact_name").notNull(),
    /** E.164; where the platform and merchants' forwarded orders reach the supplier. */
    whatsapp: text("whatsapp").notNull(),
    warehouseCity: text("warehouse_city").notNull(),
    /** Malaysian state the warehouse is in ("ships from"). */
    warehouseState: text("warehouse_state").notNull(),
    /** States (or "Peninsular", "East Malaysia", "Singapore") shipped to. */
    regions: text("regions")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    handlingDays: integer("handling_days").notNull().default(2),
    status: supplierStatusEnum("status").notNull().default("pending"),
    statusChangedAt: timestamptz("status_changed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("supplier_profiles_status_idx").on(t.status),
    check("supplier_profiles_handling_check", sql`${t.handlingDays} between 0 and 60`),
  ],
);

export const supplierOrders = pgTable(
  "supplier_orders",
  {
    /** The supplier. */
    shopId: shopFk(),
    /** Same id as the merchant's dropship_forwards row. */
    id: uuid("id").notNull(),
    merchantShopId: uuid("merchant_shop_id")
      .notNull()
      .references(() => shops.id, { onDelete: "cascade" }),
    merchantOrderId: uuid("merchant_order_id").notNull(),
    /** Shown to the supplier as a reference only ("NS-<shop>-1001"). */
    reference: text("reference").notNull(),
    status: supplierOrderStatusEnum("status").notNull().default("open"),
    // The recipient: the ONLY customer data a supplier gets.
    recipientName: text("recipient_name").notNull(),
    recipientPhone: text("recipient_phone"),
    addressLine1: text("address_line1").notNull(),
    addressLine2: text("address_line2"),
    city: text("city").notNull(),
    state: text("state").notNull(),
    postcode: text("postcode").notNull(),
    country: char("country", { length: 2 }).notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    costTotalMinor: bigint("cost_total_minor", { mode: "number" }).notNull(),
    carrier: text("carrier"),
    trackingNumber: text("tracking_number"),
    acceptedAt: timestamptz("accepted_at"),
    shippedAt: timestamptz("shipped_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey(t),
    // Forwarding is idempotent per (order, supplier).
    uniqueIndex("supplier_orders_merchant_order_key").on(t.shopId, t.merchantShopId, t.merchantOrderId),
    index("supplier_orders_list_idx").on(t.shopId, t.createdAt.desc()),
  ],
);

export const supplierOrderLines = pgTable(
  "supplier_order_lines",
  {
    shopId: shopFk(),
    id: id(),
    supplierOrderId: uuid("supplier_order_id").notNull(),
    /** The merchant's order line (an id, no content): ties shipping back to it. */
    merchantLineId: uuid("merchant_line_id").notNull(),
    variantId: uuid("variant_id"),
    title: text("title").notNull(),
    variantTitle: text("variant_title").notNull().default(""),
    sku: text("sku"),
    quantity: integer("quantity").notNull(),
    unitCostMinor: bigint("unit_cost_minor", { mode: "number" }).notNull(),
    status: supplierLineStatusEnum("status").notNull().default("open"),
    rejectReason: text("reject_reason"),
  },
  (t) => [
    tenantKey(t),
    shopRef("supplier_order_lines_order_fk", t, t.supplierOrderId, supplierOrders).onDelete("cascade"),
    uniqueIndex("supplier_order_lines_line_key").on(t.shopId, t.supplierOrderId, t.merchantLineId),
    check("supplier_order_lines_quantity_check", sql`${t.quantity} > 0`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Merchant side.

/** The shop-wide pricing rule for imported products and the margin alert threshold. */
export const dropshipSettings = pgTable("dropship_settings", {
  shopId: shopFk().primaryKey(),
  /** Price = cost × multiplier (basis points: 20000 = ×2.00) + markup, then rounded. */
  multiplierBp: integer("multiplier_bp").notNull().default(20000),
  markupMinor: integer("markup_minor").notNull().default(0),
  /** The cents every price ends in (90 → RM x.90), rounding up; null: no rounding. */
  roundingEnding: integer("rounding_ending"),
  /** Alert when (price − cost) / price falls below this percentage. */
  marginAlertPercent: integer("margin_alert_percent").notNull().default(20),
  updatedAt: updatedAt(),
});

/** A merchant variant sold from a supplier's variant (one row per linked variant). */
export const dropshipLinks = pgTable(
  "dropship_links",
  {
    shopId: shopFk(),
    id: id(),
    productId: uuid("product_id").notNull(),
    variantId: uuid("variant_id").notNull(),
    supplierShopId: uuid("supplier_shop_id")
      .notNull()
      .references(() => shops.id, { onDelete: "cascade" }),
    supplierProductId: uuid("supplier_product_id").notNull(),
    supplierVariantId: uuid("supplier_variant_id").notNull(),
    /** The supplier's cost as last synced. */
    supplierCostMinor: integer("supplier_cost_minor").notNull(),
    /** Per-product pricing rule; null columns fall back to the shop's settings. */
    multiplierBp: integer("multiplier_bp"),
    markupMinor: integer("markup_minor"),
    roundingEnding: integer("rounding_ending"),
    /** The merchant fixed the price by hand: cost changes do not re-price it. */
    priceLocked: boolean("price_locked").notNull().default(false),
    syncedAt: timestamptz("synced_at").notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey(t),
    uniqueIndex("dropship_links_variant_key").on(t.shopId, t.variantId),
    index("dropship_links_product_idx").on(t.shopId, t.productId),
    // The sync job finds every merchant selling a supplier variant.
    index("dropship_links_supplier_variant_idx").on(t.supplierVariantId),
    shopRef("dropship_links_variant_fk", t, t.variantId, variants).onDelete("cascade"),
  ],
);

export const dropshipFavourites = pgTable(
  "dropship_favourites",
  {
    shopId: shopFk(),
    supplierProductId: uuid("supplier_product_id").notNull(),
    supplierShopId: uuid("supplier_shop_id")
      .notNull()
      .references(() => shops.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.supplierProductId] })],
);

/** The merchant's prepaid balance for supplier costs. Never negative (check constraint + conditional debit). */
export const dropshipWallets = pgTable(
  "dropship_wallets",
  {
    shopId: shopFk().primaryKey(),
    currency: char("currency", { length: 3 }).notNull().default("MYR"),
    balanceMinor: bigint("balance_minor", { mode: "number" }).notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [check("dropship_wallets_balance_check", sql`${t.balanceMinor} >= 0`)],
);

/** The wallet's ledger: every change with the balance after it. */
export const dropshipWalletEntries = pgTable(
  "dropship_wallet_entries",
  {
    shopId: shopFk(),
    id: id(),
    kind: walletEntryKindEnum("kind").notNull(),
    /** Signed: + top-up / refund, − charge. */
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    balanceAfterMinor: bigint("balance_after_minor", { mode: "number" }).notNull(),
    forwardId: uuid("forward_id"),
    note: text("note").notNull().default(""),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    /** The one-time token of the /platform top-up form that recorded this entry (null otherwise). */
    topupToken: text("topup_token"),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey(t),
    // One top-up per form token: a double submission cannot credit twice.
    uniqueIndex("dropship_wallet_entries_topup_token_key")
      .on(t.shopId, t.topupToken)
      .where(sql`${t.topupToken} is not null`),
    index("dropship_wallet_entries_time_idx").on(t.shopId, t.createdAt.desc()),
    // One charge per forward: retries cannot charge twice.
    uniqueIndex("dropship_wallet_entries_charge_key")
      .on(t.shopId, t.forwardId)
      .where(sql`${t.forwardId} is not null and ${t.kind} = 'charge'`),
    check("dropship_wallet_entries_balance_check", sql`${t.balanceAfterMinor} >= 0 and ${t.amountMinor} <> 0`),
  ],
);

/** The merchant's record of one order's lines sent to one supplier. */
export const dropshipForwards = pgTable(
  "dropship_forwards",
  {
    shopId: shopFk(),
    id: id(),
    orderId: uuid("order_id").notNull(),
    supplierShopId: uuid("supplier_shop_id")
      .notNull()
      .references(() => shops.id, { onDelete: "cascade" }),
    status: supplierOrderStatusEnum("status").notNull().default("held"),
    payment: supplierPaymentEnum("payment").notNull().default("unpaid"),
    currency: char("currency", { length: 3 }).notNull(),
    costTotalMinor: bigint("cost_total_minor", { mode: "number" }).notNull(),
    /** Set once the supplier's order row exists (sending is retried until then). */
    sentAt: timestamptz("sent_at"),
    carrier: text("carrier"),
    trackingNumber: text("tracking_number"),
    /** The merchant order's fulfilment made from the supplier's shipment (once). */
    fulfilledAt: timestamptz("fulfilled_at"),
    rejectedLines: integer("rejected_lines").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey(t),
    // The idempotency key of forwarding: one per order and supplier.
    uniqueIndex("dropship_forwards_order_supplier_key").on(t.shopId, t.orderId, t.supplierShopId),
    shopRef("dropship_forwards_order_fk", t, t.orderId, orders).onDelete("cascade"),
    index("dropship_forwards_list_idx").on(t.shopId, t.createdAt.desc()),
  ],
);

/** Things the merchant must know (margin below threshold, order held, line rejected, out of stock). */
export const dropshipAlerts = pgTable(
  "dropship_alerts",
  {
    shopId: shopFk(),
    id: id(),
    kind: text("kind").notNull(),
    message: text("message").notNull(),
    orderId: uuid("order_id"),
    productId: uuid("product_id"),
    resolvedAt: timestamptz("resolved_at"),
    createdAt: createdAt(),
  },
  (t) => [tenantKey(t), index("dropship_alerts_open_idx").on(t.shopId, t.createdAt.desc())],
);
