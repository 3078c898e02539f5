/**
 * Storefront: flash sales and deals. A sale gives chosen variants a sale price within a time
 * window, optionally with a total quantity cap and a per-customer limit. Both limits are
 * enforced at checkout by atomic statements (app/domain/storefront/flash-sales.server.ts):
 *
 * - `flash_sales.claimed` counts units claimed by orders; a CHECK keeps it within the cap, and the
 *   claim is one conditional UPDATE of that row (buyers queue on the row lock, none oversells);
 * - `flash_sale_customers.quantity` counts one customer's units in one sale, raised by one
 *   conditional upsert;
 * - `flash_sale_claims` records each order line's claim so an expired or cancelled order gives
 *   its units back exactly once.
 *
 * Tenant tables keyed on (shop_id, id) with shop_id in every unique key and foreign key.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";

import { variants } from "./catalog";
import { createdAt, id, tenantKey, timestamptz, updatedAt } from "./columns";
import { shopFk, shopRef } from "./shop-column";

export const flashSales = pgTable(
  "flash_sales",
  {
    shopId: shopFk(),
    id: id(),
    name: text("name").notNull(),
    startsAt: timestamptz("starts_at").notNull(),
    endsAt: timestamptz("ends_at").notNull(),
    /** Units one customer may buy at the sale price over the whole sale; null = no limit. */
    perCustomerLimit: integer("per_customer_limit"),
    /** Units sold at the sale price over the whole sale, all variants together; null = no cap. */
    totalCap: integer("total_cap"),
    /** Units claimed by orders (released claims are subtracted again). */
    claimed: integer("claimed").notNull().default(0),
    /** Set when the merchant ended the sale early (ends_at is moved to that moment too). */
    endedAt: timestamptz("ended_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey(t),
    index("flash_sales_window_idx").on(t.shopId, t.endsAt, t.startsAt),
    check("flash_sales_window_check", sql`${t.endsAt} > ${t.startsAt}`),
    check("flash_sales_limits_check", sql`coalesce(${t.perCustomerLimit}, 1) > 0 and coalesce(${t.totalCap}, 1) > 0`),
    check("flash_sales_claimed_check", sql`${t.claimed} >= 0 and (${t.totalCap} is null or ${t.claimed} <= ${t.totalCap})`),
  ],
);

export const flashSaleVariants = pgTable(
  "flash_sale_variants",
  {
    shopId: shopFk(),
    flashSaleId: uuid("flash_sale_id").notNull(),
    variantId: uuid("variant_id").notNull(),
    salePriceMinor: integer("sale_price_minor").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.flashSaleId, t.variantId] }),
    shopRef("flash_sale_variants_sale_fk", t, t.flashSaleId, flashSales).onDelete("cascade"),
    shopRef("flash_sale_variants_variant_fk", t, t.variantId, variants).onDelete("cascade"),
    index("flash_sale_variants_variant_idx").on(t.shopId, t.variantId),
    check("flash_sale_variants_price_check", sql`${t.salePriceMinor} >= 0`),
  ],
);

/** One customer's units in one sale (customer id, or lower-cased email or phone). */
export const flashSaleCustomers = pgTable(
  "flash_sale_customers",
  {
    shopId: shopFk(),
    flashSaleId: uuid("flash_sale_id").notNull(),
    customerKey: text("customer_key").notNull(),
    quantity: integer("quantity").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.flashSaleId, t.customerKey] }),
    shopRef("flash_sale_customers_sale_fk", t, t.flashSaleId, flashSales).onDelete("cascade"),
    check("flash_sale_customers_quantity_check", sql`${t.quantity} >= 0`),
  ],
);

/**
 * Units an order claimed at a sale price. No foreign key to orders: checkout claims prices
 * before (or while) it writes the order, inside the same transaction.
 */
export const flashSaleClaims = pgTable(
  "flash_sale_claims",
  {
    shopId: shopFk(),
    id: id(),
    flashSaleId: uuid("flash_sale_id").notNull(),
    orderId: uuid("order_id").notNull(),
    variantId: uuid("variant_id").notNull(),
    customerKey: text("customer_key").notNull(),
    quantity: integer("quantity").notNull(),
    unitPriceMinor: integer("unit_price_minor").notNull(),
    createdAt: createdAt(),
    releasedAt: timestamptz("released_at"),
  },
  (t) => [
    tenantKey(t),
    shopRef("flash_sale_claims_sale_fk", t, t.flashSaleId, flashSales).onDelete("cascade"),
    index("flash_sale_claims_order_idx").on(t.shopId, t.orderId),
    index("flash_sale_claims_sale_idx").on(t.shopId, t.flashSaleId, t.createdAt),
    check("flash_sale_claims_quantity_check", sql`${t.quantity} > 0`),
  ],
);
