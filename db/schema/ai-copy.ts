/**
 * AI product copy: the shop's AI settings, drafts the merchant reviews before anything reaches
 * the catalog, and earlier versions of a product's copy (kept on every apply, restorable).
 *
 * A draft belongs to exactly one copy job (unique on job_id): a retried or restarted job fills
 * in the same draft, language by language, and never writes a second one.
 */
import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";

import { aiJobs } from "./ai";
import { products } from "./catalog";
import { createdAt, id, tenantKey, timestamptz, updatedAt } from "./columns";
import { users } from "./core";
import { shopFk, shopRef } from "./shop-column";

/** One row per shop: which provider and model write its copy, and the defaults of the form. */
export const aiSettings = pgTable("ai_settings", {
  shopId: shopFk().primaryKey(),
  /** openai | anthropic */
  copyProvider: text("copy_provider").notNull().default("openai"),
  /** Null: the configured default (OPENAI_MODEL / ANTHROPIC_MODEL). */
  copyModel: text("copy_model"),
  defaultTone: text("default_tone").notNull().default("friendly"),
  /** Languages the copy form ticks by default. */
  defaultLanguages: text("default_languages")
    .array()
    .notNull()
    .default(sql`'{en,ms,zh}'::text[]`),
  updatedAt: updatedAt(),
});

/** Copy in each language, as the model wrote it (validated), keyed by language code. */
export type DraftContent = Record<
  string,
  { title: string; description: string; bulletPoints: string[]; seoTitle: string; metaDescription: string; tags: string[] }
>;

export const aiCopyDrafts = pgTable(
  "ai_copy_drafts",
  {
    shopId: shopFk(),
    id: id(),
    jobId: uuid("job_id").notNull(),
    productId: uuid("product_id").notNull(),
    tone: text("tone").notNull(),
    languages: text("languages").array().notNull(),
    content: jsonb("content")
      .$type<DraftContent>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** "<language>.<field>" → when it was applied to the product. */
    applied: jsonb("applied")
      .$type<Record<string, string>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey(t),
    uniqueIndex("ai_copy_drafts_job_key").on(t.shopId, t.jobId),
    index("ai_copy_drafts_product_idx").on(t.shopId, t.productId, t.createdAt.desc()),
    shopRef("ai_copy_drafts_job_fk", t, t.jobId, aiJobs).onDelete("cascade"),
    shopRef("ai_copy_drafts_product_fk", t, t.productId, products).onDelete("cascade"),
  ],
);

/** The product's copy as it was just before an apply or a restore changed it. */
export const aiCopyVersions = pgTable(
  "ai_copy_versions",
  {
    shopId: shopFk(),
    id: id(),
    productId: uuid("product_id").notNull(),
    title: text("title").notNull(),
    descriptionMd: text("description_md").notNull(),
    seoTitle: text("seo_title"),
    seoDescription: text("seo_description"),
    tags: text("tags").array().notNull(),
    /** What replaced it: "apply en.description", "restore". */
    reason: text("reason").notNull(),
    draftId: uuid("draft_id"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    restoredAt: timestamptz("restored_at"),
  },
  (t) => [
    tenantKey(t),
    index("ai_copy_versions_product_idx").on(t.shopId, t.productId, t.createdAt.desc()),
    shopRef("ai_copy_versions_product_fk", t, t.productId, products).onDelete("cascade"),
  ],
);
