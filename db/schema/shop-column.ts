import { type AnyPgColumn, foreignKey, uuid } from "drizzle-orm/pg-core";

import { shops } from "./core";

/**
 * The owning shop of a tenant row, deleted with the shop. RLS keys on it (db/tenancy.ts).
 * (Not in columns.ts: it needs `shops`, and core.ts imports columns.ts.)
 */
export const shopFk = () =>
  uuid("shop_id")
    .notNull()
    .references(() => shops.id, { onDelete: "cascade" });

/**
 * A tenant row's reference to another tenant table's row: (shop_id, column) → (shop_id, id), so a
 * row can only point at a row of its own shop. Chain `.onDelete(…)` as usual.
 */
export const shopRef = (name: string, t: { shopId: AnyPgColumn }, column: AnyPgColumn, parent: { shopId: AnyPgColumn; id: AnyPgColumn }) =>
  foreignKey({ columns: [t.shopId, column], foreignColumns: [parent.shopId, parent.id], name });
