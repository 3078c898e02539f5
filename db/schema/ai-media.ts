/**
 * AI media (Kling try-on and product videos): the model photos a merchant uploads for virtual
 * try-on. Kept apart from product media: they are photos of people, never shown on a storefront
 * and never attached to a product. Objects live under `shops/<shop>/ai/model-photos/`.
 * The jobs themselves are ai_jobs rows (db/schema/ai.ts); results become product media rows
 * (status pending_approval until the merchant approves them).
 */
import { bigint, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";

import { createdAt, id, tenantKey } from "./columns";
import { shops, users } from "./core";

export const aiModelPhotos = pgTable(
  "ai_model_photos",
  {
    shopId: uuid("shop_id")
      .notNull()
      .references(() => shops.id, { onDelete: "cascade" }),
    id: id(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    objectKey: text("object_key").notNull(),
    bytes: bigint("bytes", { mode: "number" }).notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [tenantKey(t), index("ai_model_photos_created_idx").on(t.shopId, t.createdAt.desc())],
);
