/**
 * The catalog: products with up to three options and the variants they generate, the inventory
 * ledger, collections, categories, media and CSV transfers. Every table is a tenant table keyed
 * on (shop_id, id) with shop_id in each unique key and foreign key (see core.ts).
 *
 * Stock lives in `inventory_levels` (one row per variant), apart from the variant row, so that
 * checkout's atomic reservations lock only the level row and never wait on a price edit. Every
 * change of `on_hand` is a row in `inventory_movements`, written in the same statement
 * (app/domain/catalog/inventory.server.ts is the only writer).
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
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

import { createdAt, id, tenantKey, timestamptz, updatedAt } from "./columns";
import { users } from "./core";
import { shopFk, shopRef } from "./shop-column";

export const productStatusEnum = pgEnum("product_status", ["draft", "active", "archived"]);
export const inventoryReasonEnum = pgEnum("inventory_reason", [
  "initial",
  "received",
  "correction",
  "damaged",
  "returned",
  "sold",
  "import",
]);
export const mediaKindEnum = pgEnum("media_kind", ["image", "video"]);
// pending_approval: made by AI (try-on, video) and processed, waiting for the merchant to approve it;
// like every status but ready, it never shows on the storefront.
export const mediaStatusEnum = pgEnum("media_status", ["uploading", "processing", "ready", "failed", "pending_approval"]);
export const transferKindEnum = pgEnum("catalog_transfer_kind", ["import", "export"]);
export const transferStatusEnum = pgEnum("catalog_transfer_status", ["queued", "running", "succeeded", "failed"]);

/** A product option as stored on the product: its name and its values, in order. */
export interface ProductOption {
  name: string;
  values: string[];
}

export const categories = pgTable(
  "categories",
  {
    shopId: shopFk(),
    id: id(),
    name: text("name").notNull(),
    handle: text("handle").notNull(),
    parentId: uuid("parent_id"),
    createdAt: createdAt(),
  },
  (t) => [tenantKey(t), uniqueIndex("categories_handle_key").on(t.shopId, t.handle), shopRef("categories_parent_fk", t, t.parentId, t)],
);

export const products = pgTable(
  "products",
  {
    shopId: shopFk(),
    id: id(),
    title: text("title").notNull(),
    /** URL name, unique per shop (`/s/:shop/products/:handle`). */
    handle: text("handle").notNull(),
    /** What the merchant wrote (Markdown; HTML inside it is allowed and sanitised on render). */
    descriptionMd: text("description_md").notNull().default(""),
    /** The sanitised HTML rendering of descriptionMd, made on every save: safe to serve as is. */
    descriptionHtml: text("description_html").notNull().default(""),
    status: productStatusEnum("status").notNull().default("draft"),
    brand: text("brand"),
    productType: text("product_type"),
    tags: text("tags")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    seoTitle: text("seo_title"),
    seoDescription: text("seo_description"),
    categoryId: uuid("category_id"),
    /** Up to three options, e.g. [{name: "Size", values: ["S","M"]}]; variants carry the values. */
    options: jsonb("options")
      .$type<ProductOption[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /**
     * Sum of on_hand over the variants that track inventory; null when none does. Kept in step
     * by the inventory module in the same transaction; it makes the stock filter and sort an
     * index scan.
     */
    stockOnHand: integer("stock_on_hand"),
    publishedAt: timestamptz("published_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey(t),
    uniqueIndex("products_handle_key").on(t.shopId, t.handle),
    shopRef("products_category_fk", t, t.categoryId, categories),
    // The admin list: one index per sort, each ending in id for a stable keyset order.
    index("products_shop_updated_idx").on(t.shopId, t.updatedAt.desc(), t.id.desc()),
    index("products_shop_created_idx").on(t.shopId, t.createdAt.desc(), t.id.desc()),
    index("products_shop_title_idx").on(t.shopId, t.title, t.id),
    // Untracked products (null) sort after every tracked one.
    index("products_shop_stock_idx").on(t.shopId, sql`coalesce(${t.stockOnHand}, 2147483647)`, t.id),
    index("products_shop_status_updated_idx").on(t.shopId, t.status, t.updatedAt.desc(), t.id.desc()),
    // Title search (ILIKE '%…%'); pg_trgm is created by a migration.
    index("products_title_trgm_idx").using("gin", sql`${t.title} gin_trgm_ops`),
  ],
);

export const variants = pgTable(
  "variants",
  {
    shopId: shopFk(),
    id: id(),
    productId: uuid("product_id").notNull(),
    position: integer("position").notNull().default(0),
    /** The option values joined for display ("M / Red"); "Default" for a product without options. */
    title: text("title").notNull(),
    option1: text("option1"),
    option2: text("option2"),
    option3: text("option3"),
    /** Unique per shop when set; another shop may use the same SKU. */
    sku: text("sku"),
    barcode: text("barcode"),
    priceMinor: integer("price_minor").notNull(),
    compareAtPriceMinor: integer("compare_at_price_minor"),
    costMinor: integer("cost_minor"),
    currency: char("currency", { length: 3 }).notNull(),
    weightGrams: integer("weight_grams"),
    trackInventory: boolean("track_inventory").notNull().default(true),
    allowBackorder: boolean("allow_backorder").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey(t),
    shopRef("variants_product_fk", t, t.productId, products).onDelete("cascade"),
    uniqueIndex("variants_sku_key")
      .on(t.shopId, t.sku)
      .where(sql`${t.sku} is not null`),
    unique("variants_options_key").on(t.shopId, t.productId, t.option1, t.option2, t.option3).nullsNotDistinct(),
    index("variants_product_idx").on(t.shopId, t.productId, t.position),
    // SKU prefix search in the admin list.
    index("variants_sku_search_idx").on(t.shopId, sql`lower(${t.sku}) text_pattern_ops`),
    check(
      "variants_price_check",
      sql`${t.priceMinor} >= 0 and coalesce(${t.compareAtPriceMinor}, 0) >= 0 and coalesce(${t.costMinor}, 0) >= 0`,
    ),
    check("variants_weight_check", sql`coalesce(${t.weightGrams}, 0) >= 0`),
  ],
);

/**
 * Stock of one variant. `reserved` is for checkout (held by unpaid orders, released when they
 * expire); available = on_hand - reserved. Neither may go below zero.
 */
export const inventoryLevels = pgTable(
  "inventory_levels",
  {
    shopId: shopFk(),
    variantId: uuid("variant_id").notNull(),
    onHand: integer("on_hand").notNull().default(0),
    reserved: integer("reserved").notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.variantId] }),
    shopRef("inventory_levels_variant_fk", t, t.variantId, variants).onDelete("cascade"),
    check("inventory_levels_on_hand_check", sql`${t.onHand} >= 0`),
    check("inventory_levels_reserved_check", sql`${t.reserved} >= 0`),
  ],
);

/** The inventory ledger: every change of on_hand, with why, who and the balance after it. */
export const inventoryMovements = pgTable(
  "inventory_movements",
  {
    shopId: shopFk(),
    id: id(),
    variantId: uuid("variant_id").notNull(),
    delta: integer("delta").notNull(),
    reason: inventoryReasonEnum("reason").notNull(),
    note: text("note"),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    onHandAfter: integer("on_hand_after").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey(t),
    shopRef("inventory_movements_variant_fk", t, t.variantId, variants).onDelete("cascade"),
    index("inventory_movements_variant_idx").on(t.shopId, t.variantId, t.createdAt),
    check("inventory_movements_delta_check", sql`${t.delta} <> 0`),
  ],
);

/** Manual collections: the merchant picks the products and their order. */
export const collections = pgTable(
  "collections",
  {
    shopId: shopFk(),
    id: id(),
    title: text("title").notNull(),
    handle: text("handle").notNull(),
    description: text("description").notNull().default(""),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [tenantKey(t), uniqueIndex("collections_handle_key").on(t.shopId, t.handle)],
);

export const collectionProducts = pgTable(
  "collection_products",
  {
    shopId: shopFk(),
    collectionId: uuid("collection_id").notNull(),
    productId: uuid("product_id").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.collectionId, t.productId] }),
    shopRef("collection_products_collection_fk", t, t.collectionId, collections).onDelete("cascade"),
    shopRef("collection_products_product_fk", t, t.productId, products).onDelete("cascade"),
    index("collection_products_product_idx").on(t.shopId, t.productId),
    index("collection_products_order_idx").on(t.shopId, t.collectionId, t.position),
  ],
);

/** A rendition the media worker made: a webp at one width. */
export interface MediaRendition {
  width: number;
  height: number;
  key: string;
  bytes: number;
}

/**
 * A product image or video. Objects live under `shops/<shop>/media/<id>/` in the bucket: the
 * original, webp renditions and (for video) a poster. The first by position is the cover.
 */
export const media = pgTable(
  "media",
  {
    shopId: shopFk(),
    id: id(),
    productId: uuid("product_id").notNull(),
    kind: mediaKindEnum("kind").notNull(),
    status: mediaStatusEnum("status").notNull().default("uploading"),
    position: integer("position").notNull().default(0),
    alt: text("alt").notNull().default(""),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    /** The size the browser declared (and the presigned PUT signed). */
    declaredBytes: bigint("declared_bytes", { mode: "number" }).notNull(),
    originalKey: text("original_key").notNull(),
    width: integer("width"),
    height: integer("height"),
    durationMs: integer("duration_ms"),
    renditions: jsonb("renditions")
      .$type<MediaRendition[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** Video only: the poster image and how it was had ("frame" or "cover"). */
    posterKey: text("poster_key"),
    posterSource: text("poster_source"),
    /** Bytes stored for this media: original + renditions + poster (counts towards the plan). */
    storedBytes: bigint("stored_bytes", { mode: "number" }).notNull().default(0),
    error: text("error"),
    /** Made by AI: once processed it waits in pending_approval until the merchant approves it. */
    needsApproval: boolean("needs_approval").notNull().default(false),
    createdAt: createdAt(),
    processedAt: timestamptz("processed_at"),
  },
  (t) => [
    tenantKey(t),
    shopRef("media_product_fk", t, t.productId, products).onDelete("cascade"),
    index("media_product_idx").on(t.shopId, t.productId, t.position),
  ],
);

/** A CSV import or export, run by a background job; the admin shows its progress live. */
export const catalogTransfers = pgTable(
  "catalog_transfers",
  {
    shopId: shopFk(),
    id: id(),
    kind: transferKindEnum("kind").notNull(),
    status: transferStatusEnum("status").notNull().default("queued"),
    /**
     * The uploaded CSV (import) or the produced one (export). Kept here rather than in the media
     * bucket, whose objects are public: it carries costs and stock.
     */
    csv: text("csv"),
    filename: text("filename"),
    totalRows: integer("total_rows"),
    processedRows: integer("processed_rows").notNull().default(0),
    /** Products created or updated (import) or written (export). */
    productCount: integer("product_count").notNull().default(0),
    errorCount: integer("error_count").notNull().default(0),
    /** Row-level problems, first 1,000: {row, column, key, values} (a coded message; older rows: {row, column, message}). */
    errors: jsonb("errors")
      .$type<
        Array<
          | { row: number; column: string; key: string; values?: Record<string, string | number> }
          | { row: number; column: string; message: string }
        >
      >()
      .notNull()
      .default(sql`'[]'::jsonb`),
    message: text("message"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    startedAt: timestamptz("started_at"),
    finishedAt: timestamptz("finished_at"),
  },
  (t) => [tenantKey(t), index("catalog_transfers_shop_idx").on(t.shopId, t.createdAt)],
);
