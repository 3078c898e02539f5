import { sql } from "drizzle-orm";
import { type AnyPgColumn, primaryKey, timestamp, uuid } from "drizzle-orm/pg-core";

/** Column builders every table uses, so ids and timestamps look the same everywhere. */
export const id = () =>
  uuid("id")
    .notNull()
    .default(sql`gen_random_uuid()`);
/** A point in time: every timestamp column is `timestamp with time zone`. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true });
export const createdAt = () => timestamptz("created_at").notNull().defaultNow();
export const updatedAt = () => timestamptz("updated_at").notNull().defaultNow();
/** The owning shop of a tenant row: RLS keys on it (db/tenancy.ts). */
export const shopId = () => uuid("shop_id").notNull();
/** A tenant table's primary key, (shop_id, id) (docs/DEVELOPING.md, "Data rules"). */
export const tenantKey = (t: { shopId: AnyPgColumn; id: AnyPgColumn }) => primaryKey({ columns: [t.shopId, t.id] });
