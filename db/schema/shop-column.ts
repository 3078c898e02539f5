import { uuid } from "drizzle-orm/pg-core";

import { shops } from "./core";

/**
 * The owning shop of a tenant row, deleted with the shop. RLS keys on it (db/tenancy.ts).
 * (Not in columns.ts: it needs `shops`, and core.ts imports columns.ts.)
 */
export const shopFk = () =>
  uuid("shop_id")
    .notNull()
    .references(() => shops.id, { onDelete: "cascade" });
