import { sql } from "drizzle-orm";
import { timestamp, uuid } from "drizzle-orm/pg-core";

/** Column builders every table uses, so ids and timestamps look the same everywhere. */
export const id = () =>
  uuid("id")
    .notNull()
    .default(sql`gen_random_uuid()`);
export const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();
/** The owning shop of a tenant row: RLS keys on it (db/tenancy.ts). */
export const shopId = () => uuid("shop_id").notNull();
