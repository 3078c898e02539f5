/**
 * What a shopper builds before an order exists: carts (an anonymous browser's, behind a signed
 * cookie, or a customer's), their items, wishlists (kept on the same cart row, so a guest's
 * favourites and basket move together when they log in), storefront customer sessions, and the
 * shop's shipping settings and rates. Every table is a tenant table keyed with shop_id first.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";

import { products, variants } from "./catalog";
import { createdAt, id, tenantKey, timestamptz, updatedAt } from "./columns";
import { customers } from "./orders";
import { shopFk, shopRef } from "./shop-column";

/**
 * A cart: an anonymous browser's (customer_id null; its id is in a signed cookie) or a logged-in
 * customer's (one per customer). Its wishlist items hang off it too.
 */
export const carts = pgTable(
  "carts",
  {
    shopId: shopFk(),
    id: id(),
    customerId: uuid("customer_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey(t),
    uniqueIndex("carts_customer_key")
      .on(t.shopId, t.customerId)
      .where(sql`${t.customerId} is not null`),
    shopRef("carts_customer_fk", t, t.customerId, customers).onDelete("cascade"),
    // Old anonymous carts are swept by age.
    index("carts_anonymous_updated_idx")
      .on(t.updatedAt)
      .where(sql`${t.customerId} is null`),
  ],
);

/** A variant in a cart. Prices are never stored here: they are read from the catalog each time. */
export const cartItems = pgTable(
  "cart_items",
  {
    shopId: shopFk(),
    cartId: uuid("cart_id").notNull(),
    variantId: uuid("variant_id").notNull(),
    quantity: integer("quantity").notNull(),
    addedAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.cartId, t.variantId] }),
    shopRef("cart_items_cart_fk", t, t.cartId, carts).onDelete("cascade"),
    shopRef("cart_items_variant_fk", t, t.variantId, variants).onDelete("cascade"),
    check("cart_items_quantity_check", sql`${t.quantity} between 1 and 999`),
  ],
);

/** A favourite product, on the shopper's cart row (guest or customer). */
export const wishlistItems = pgTable(
  "wishlist_items",
  {
    shopId: shopFk(),
    cartId: uuid("cart_id").notNull(),
    productId: uuid("product_id").notNull(),
    addedAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.cartId, t.productId] }),
    shopRef("wishlist_items_cart_fk", t, t.cartId, carts).onDelete("cascade"),
    shopRef("wishlist_items_product_fk", t, t.productId, products).onDelete("cascade"),
  ],
);

/**
 * A storefront customer's login: the cookie holds a random token, the row its SHA-256 (id), so
 * sessions are revocable and a database leak yields none. Separate from admin sessions.
 */
export const customerSessions = pgTable(
  "customer_sessions",
  {
    shopId: shopFk(),
    id: text("id").notNull(),
    customerId: uuid("customer_id").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    lastSeenAt: timestamptz("last_seen_at").notNull().defaultNow(),
    expiresAt: timestamptz("expires_at").notNull(),
    revokedAt: timestamptz("revoked_at"),
  },
  (t) => [
    tenantKey(t),
    shopRef("customer_sessions_customer_fk", t, t.customerId, customers).onDelete("cascade"),
    index("customer_sessions_customer_idx").on(t.shopId, t.customerId),
  ],
);

export const shippingZoneEnum = pgEnum("shipping_zone", ["peninsular", "east", "international"]);
export const shippingRateKindEnum = pgEnum("shipping_rate_kind", ["flat", "weight"]);

/** One weight bracket: up to maxGrams (null: any weight) costs priceMinor. */
export interface WeightBracket {
  maxGrams: number | null;
  priceMinor: number;
}

/** A shop's checkout settings: where it ships abroad and how long an unpaid order holds stock. */
export const shopShippingSettings = pgTable(
  "shop_shipping_settings",
  {
    shopId: shopFk(),
    /** ISO 3166-1 alpha-2 codes the shop ships to besides Malaysia. */
    internationalCountries: text("international_countries")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** An unpaid order is cancelled and its stock released after this many minutes. */
    orderExpiryMinutes: integer("order_expiry_minutes").notNull().default(30),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId] }),
    check("shop_shipping_settings_expiry_check", sql`${t.orderExpiryMinutes} between 5 and 10080`),
  ],
);

/** A shipping method offered in one zone: a flat price or weight brackets, optionally free above a subtotal. */
export const shippingRates = pgTable(
  "shipping_rates",
  {
    shopId: shopFk(),
    id: id(),
    zone: shippingZoneEnum("zone").notNull(),
    name: text("name").notNull(),
    kind: shippingRateKindEnum("kind").notNull(),
    /** Flat rates: the price. */
    priceMinor: bigint("price_minor", { mode: "number" }),
    /** Weight rates: brackets by ascending maxGrams. */
    brackets: jsonb("brackets")
      .$type<WeightBracket[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** Free when the order's subtotal reaches this (null: never free). */
    freeAboveMinor: bigint("free_above_minor", { mode: "number" }),
    active: boolean("active").notNull().default(true),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey(t),
    index("shipping_rates_zone_idx").on(t.shopId, t.zone, t.position),
    check("shipping_rates_price_check", sql`coalesce(${t.priceMinor}, 0) >= 0 and coalesce(${t.freeAboveMinor}, 0) >= 0`),
  ],
);
