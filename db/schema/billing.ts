/**
 * Plans and which plan each shop is on. The billing area (subscriptions, invoices) builds on
 * these; the catalog reads the limits when products are created and media uploaded.
 */
import { bigint, char, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { shops } from "./core";

/** A platform table (no shop_id): the same plans for every shop. Rows come from migrations. */
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
  priceMinor: integer("price_minor").notNull().default(0),
  currency: char("currency", { length: 3 }).notNull().default("MYR"),
  position: integer("position").notNull().default(0),
  createdAt: createdAt(),
});

/** The plan a shop is on. A shop without a row is on the Free plan. */
export const shopPlans = pgTable("shop_plans", {
  shopId: uuid("shop_id")
    .primaryKey()
    .references(() => shops.id, { onDelete: "cascade" }),
  planId: text("plan_id")
    .notNull()
    .references(() => plans.id),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
});

export const FREE_PLAN_ID = "free";
