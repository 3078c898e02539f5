/**
 * AI content made in the background: product copy (OpenAI or Anthropic), Kling try-on images and
 * product videos. One `ai_jobs` row per unit of paid work, whatever its kind, so the admin's live
 * jobs view, credits and cost read one table. A bulk copy run is an `ai_batches` row whose
 * children are ai_jobs (a BullMQ flow: parent and children).
 *
 * Idempotency lives here: a job's id is Kling's `external_task_id` (unique per Kling account), and
 * the provider task id is recorded the moment the provider answers, so a retried or restarted job
 * re-queries the task it already created instead of creating (and paying for) another.
 *
 * Credits: plans grant a monthly allowance per kind (plans.ai_*_credits); `ai_credit_usage` is the
 * ledger, one row per job that succeeded (unique on the job: consumed once).
 */
import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";

import { createdAt, id, tenantKey, timestamptz, updatedAt } from "./columns";
import { users } from "./core";
import { shopFk, shopRef } from "./shop-column";

export const aiJobKindEnum = pgEnum("ai_job_kind", ["copy", "tryon", "video"]);
export const aiJobStatusEnum = pgEnum("ai_job_status", ["queued", "running", "succeeded", "failed", "cancelled"]);

/** A bulk run (copy for many products at once): the parent of its jobs. */
export const aiBatches = pgTable(
  "ai_batches",
  {
    shopId: shopFk(),
    id: id(),
    kind: aiJobKindEnum("kind").notNull(),
    status: aiJobStatusEnum("status").notNull().default("queued"),
    total: integer("total").notNull(),
    /** What every child was asked for (tone, languages, provider, model). */
    input: jsonb("input")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    cancelledAt: timestamptz("cancelled_at"),
    finishedAt: timestamptz("finished_at"),
  },
  (t) => [tenantKey(t), index("ai_batches_created_idx").on(t.shopId, t.createdAt.desc())],
);

export const aiJobs = pgTable(
  "ai_jobs",
  {
    shopId: shopFk(),
    /** Also Kling's external_task_id. */
    id: id(),
    kind: aiJobKindEnum("kind").notNull(),
    status: aiJobStatusEnum("status").notNull().default("queued"),
    /** 0–100, shown live in the admin. */
    progress: integer("progress").notNull().default(0),
    /** openai, anthropic or kling. */
    provider: text("provider").notNull(),
    model: text("model"),
    productId: uuid("product_id"),
    batchId: uuid("batch_id"),
    /** What was asked: ids and options only (tone, languages, media ids, prompt, duration, mode). */
    input: jsonb("input")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** Kling's task id, recorded as soon as the create call answers (never create a second). */
    providerTaskId: text("provider_task_id"),
    providerStatus: text("provider_status"),
    /** The provider's temporary result URL, until the result is copied into our bucket. */
    providerResultUrl: text("provider_result_url"),
    providerResultAt: timestamptz("provider_result_at"),
    /** The media row made from the result (try-on, video), once copied into our bucket. */
    resultMediaId: uuid("result_media_id"),
    migratedAt: timestamptz("migrated_at"),
    /** Copy jobs: the draft written for review. */
    resultDraftId: uuid("result_draft_id"),
    /** In plain words for the merchant ("Kling blocked the image as unsafe."). */
    error: text("error"),
    /** Machine-readable reason: content_blocked, credits_exhausted, provider_error, … */
    errorCode: text("error_code"),
    attempts: integer("attempts").notNull().default(0),
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    /** Kling units (the provider's billing unit) this task used. */
    providerUnits: integer("provider_units"),
    /** Our AI credits this job costs (charged once, on success, in ai_credit_usage). */
    credits: integer("credits").notNull().default(1),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    startedAt: timestamptz("started_at"),
    finishedAt: timestamptz("finished_at"),
  },
  (t) => [
    tenantKey(t),
    shopRef("ai_jobs_batch_fk", t, t.batchId, aiBatches).onDelete("cascade"),
    index("ai_jobs_created_idx").on(t.shopId, t.createdAt.desc(), t.id.desc()),
    index("ai_jobs_product_idx").on(t.shopId, t.productId, t.createdAt.desc()),
    index("ai_jobs_batch_idx").on(t.shopId, t.batchId),
    // The daily sweeper's scan for provider results not yet in our bucket (across shops).
    index("ai_jobs_unmigrated_idx")
      .on(t.providerResultAt)
      .where(sql`${t.providerResultUrl} is not null and ${t.migratedAt} is null`),
    check("ai_jobs_progress_check", sql`${t.progress} between 0 and 100`),
  ],
);

/** Credits consumed: one row per successful job, so a retried success never charges twice. */
export const aiCreditUsage = pgTable(
  "ai_credit_usage",
  {
    shopId: shopFk(),
    id: id(),
    jobId: uuid("job_id").notNull(),
    kind: aiJobKindEnum("kind").notNull(),
    credits: integer("credits").notNull(),
    /** The billing month, "2026-12" (the shop's timezone). */
    period: text("period").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey(t),
    uniqueIndex("ai_credit_usage_job_key").on(t.shopId, t.jobId),
    index("ai_credit_usage_period_idx").on(t.shopId, t.period, t.kind),
    check("ai_credit_usage_credits_check", sql`${t.credits} > 0`),
  ],
);
