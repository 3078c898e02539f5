/**
 * The AI studio's side of ai_jobs: every AI job of a shop (copy, try-on, video) for the live
 * view, bulk copy runs (an ai_batches row and one queued job per product, each with its own
 * outbox row, so a Redis that loses its data loses none of them: the outbox reconciler
 * re-dispatches them; the batch ends when its last job does), cancelling a run, and retrying a
 * failed job on its kind's queue. Credits are held by queued and running jobs and charged only
 * on success, once per job: a retry never charges twice, a cancelled job holds nothing.
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";

import { audit } from "~/domain/audit/audit.server";
import { type LimitRefusal, limitRefusal } from "~/domain/billing/limit-refusals.server";
import { PlanLimitReached } from "~/domain/billing/plans.server";
import { enqueueAfterCommit, enqueueManyAfterCommit } from "~/domain/jobs/outbox.server";
import type { Coded, CodedErrors, Refusal } from "~/lib/forms";
import { isUuid } from "~/lib/ids";
import { schema, withShop } from "~db/client";

import { finishBatch } from "./copy-processor.server";
import { copyJobRow, parseCopyRequest } from "./copy-requests.server";
import { aiProblem, MAX_BATCH_PRODUCTS } from "./copy-rules";
import { type Actor, getAiSettings } from "./copy-settings.server";
import { assertAiCredits, creditBalances } from "./credits.server";

export type BulkResult = { ok: true; batchId: string; count: number } | { ok: false; errors: CodedErrors } | LimitRefusal;

/** Queues copy for many products at once: a batch row, one queued job per product, one outbox row per job. */
export async function requestBulkCopy(
  shopId: string,
  productIds: string[],
  raw: Record<string, unknown>,
  actor: Actor,
): Promise<BulkResult> {
  const ids = [...new Set(productIds.filter(isUuid))];
  if (ids.length === 0) return { ok: false, errors: { ids: aiProblem("selectProducts") } };
  if (ids.length > MAX_BATCH_PRODUCTS) return { ok: false, errors: { ids: aiProblem("tooManyProducts", { max: MAX_BATCH_PRODUCTS }) } };
  const parsed = parseCopyRequest(raw);
  if (!parsed.ok) return parsed;
  const settings = await getAiSettings(shopId);
  try {
    return await withShop(shopId, async (tx) => {
      const found = await tx.select({ id: schema.products.id }).from(schema.products).where(inArray(schema.products.id, ids));
      if (found.length === 0) return { ok: false as const, errors: { ids: aiProblem("productsGone") } };
      const rows = found.map((p) => copyJobRow(shopId, p.id, parsed.options, settings, actor));
      await assertAiCredits(
        tx,
        shopId,
        "copy",
        rows.reduce((sum, r) => sum + r.credits, 0),
      );
      const [batch] = await tx
        .insert(schema.aiBatches)
        .values({
          shopId,
          kind: "copy",
          total: rows.length,
          input: { ...rows[0].input, provider: settings.provider, model: settings.effectiveModel },
          createdBy: actor.userId,
        })
        .returning({ id: schema.aiBatches.id });
      const jobs = await tx
        .insert(schema.aiJobs)
        .values(rows.map((r) => ({ ...r, batchId: batch.id })))
        .returning({ id: schema.aiJobs.id });
      await enqueueManyAfterCommit(
        tx,
        jobs.map((job) => ({ queue: "ai-copy" as const, name: "generate" as const, payload: { shopId, jobId: job.id }, shopId })),
      );
      await audit(tx, {
        shopId,
        actorUserId: actor.userId,
        action: "ai.bulk_copy_requested",
        targetType: "ai_batch",
        targetId: batch.id,
        after: { products: rows.length },
        ...actor,
      });
      return { ok: true as const, batchId: batch.id, count: rows.length };
    });
  } catch (error) {
    if (error instanceof PlanLimitReached) return limitRefusal(error);
    throw error;
  }
}

/** A batch's children, for the worker that builds the flow (called from the queue, any state). */
export async function batchChildren(shopId: string, batchId: string) {
  return withShop(shopId, async (tx) => {
    const [batch] = await tx.select().from(schema.aiBatches).where(eq(schema.aiBatches.id, batchId));
    if (!batch) return undefined;
    const jobs = await tx
      .select({ id: schema.aiJobs.id, status: schema.aiJobs.status })
      .from(schema.aiJobs)
      .where(eq(schema.aiJobs.batchId, batchId));
    return { batch, jobs };
  });
}

/** The flow's parent runs once every child is done: the batch's final state. */
export async function completeBatch(shopId: string, batchId: string): Promise<void> {
  await withShop(shopId, (tx) => finishBatch(tx, shopId, batchId));
}

/**
 * Cancels a bulk run: its queued jobs are cancelled at once (their held credits are released);
 * running jobs finish. Returns how many were cancelled, undefined for no such batch.
 */
export async function cancelBatch(shopId: string, batchId: string, actor: Actor): Promise<number | undefined> {
  if (!isUuid(batchId)) return undefined;
  return withShop(shopId, async (tx) => {
    const [batch] = await tx.select().from(schema.aiBatches).where(eq(schema.aiBatches.id, batchId)).for("update");
    if (!batch) return undefined;
    const cancelled = await tx
      .update(schema.aiJobs)
      .set({ status: "cancelled", finishedAt: new Date(), updatedAt: new Date(), errorCode: "cancelled" })
      .where(and(eq(schema.aiJobs.batchId, batchId), eq(schema.aiJobs.status, "queued")))
      .returning({ id: schema.aiJobs.id });
    if (!batch.cancelledAt && !batch.finishedAt) {
      await tx.update(schema.aiBatches).set({ cancelledAt: new Date() }).where(eq(schema.aiBatches.id, batchId));
    }
    await finishBatch(tx, shopId, batchId);
    await audit(tx, {
      shopId,
      actorUserId: actor.userId,
      action: "ai.batch_cancelled",
      targetType: "ai_batch",
      targetId: batchId,
      after: { cancelled: cancelled.length },
      ...actor,
    });
    return cancelled.length;
  });
}

export type RetryResult = { ok: true } | Refusal<{ form: Coded }> | LimitRefusal;

/**
 * Queues a failed job again on its kind's queue (copy → ai-copy generate, tryon → ai-tryon run,
 * video → ai-video run), holding its credits again. Its charge is unique per job, so however
 * often it is retried it is charged at most once. Undefined: no such job.
 */
export async function retryJob(shopId: string, jobId: string, actor: Actor): Promise<RetryResult | undefined> {
  if (!isUuid(jobId)) return undefined;
  try {
    return await withShop(shopId, async (tx) => {
      const [job] = await tx.select().from(schema.aiJobs).where(eq(schema.aiJobs.id, jobId)).for("update");
      if (!job) return undefined;
      if (job.status !== "failed") return { ok: false as const, errors: { form: aiProblem("retryOnlyFailed") } };
      await assertAiCredits(tx, shopId, job.kind, job.credits);
      await tx
        .update(schema.aiJobs)
        .set({
          status: "queued",
          error: null,
          errorCode: null,
          providerStatus: null,
          progress: 0,
          attempts: 0,
          finishedAt: null,
          updatedAt: new Date(),
        })
        .where(eq(schema.aiJobs.id, jobId));
      if (job.batchId)
        await tx.update(schema.aiBatches).set({ finishedAt: null, status: "running" }).where(eq(schema.aiBatches.id, job.batchId));
      const payload = { shopId, jobId };
      if (job.kind === "copy") await enqueueAfterCommit(tx, { queue: "ai-copy", name: "generate", payload, shopId });
      else if (job.kind === "tryon") await enqueueAfterCommit(tx, { queue: "ai-tryon", name: "run", payload, shopId });
      else await enqueueAfterCommit(tx, { queue: "ai-video", name: "run", payload, shopId });
      await audit(tx, {
        shopId,
        actorUserId: actor.userId,
        action: "ai.job_retried",
        targetType: "ai_job",
        targetId: jobId,
        after: { kind: job.kind },
        ...actor,
      });
      return { ok: true as const };
    });
  } catch (error) {
    if (error instanceof PlanLimitReached) return limitRefusal(error);
    throw error;
  }
}

export const JOB_STATUS_FILTERS = ["all", "active", "failed", "succeeded"] as const;

/** The AI studio: recent jobs of every kind, open and recent batches, and this month's credits. */
export async function aiStudio(shopId: string, filter: (typeof JOB_STATUS_FILTERS)[number] = "all", limit = 50) {
  return withShop(shopId, async (tx) => {
    const where =
      filter === "active"
        ? inArray(schema.aiJobs.status, ["queued", "running"])
        : filter === "failed"
          ? eq(schema.aiJobs.status, "failed")
          : filter === "succeeded"
            ? eq(schema.aiJobs.status, "succeeded")
            : undefined;
    const jobs = await tx
      .select({
        id: schema.aiJobs.id,
        kind: schema.aiJobs.kind,
        status: schema.aiJobs.status,
        progress: schema.aiJobs.progress,
        provider: schema.aiJobs.provider,
        model: schema.aiJobs.model,
        providerStatus: schema.aiJobs.providerStatus,
        productId: schema.aiJobs.productId,
        productTitle: schema.products.title,
        batchId: schema.aiJobs.batchId,
        error: schema.aiJobs.error,
        errorCode: schema.aiJobs.errorCode,
        inputTokens: schema.aiJobs.inputTokens,
        outputTokens: schema.aiJobs.outputTokens,
        providerUnits: schema.aiJobs.providerUnits,
        credits: schema.aiJobs.credits,
        charged: sql<boolean>`exists (select 1 from ai_credit_usage u where u.shop_id = ai_jobs.shop_id and u.job_id = ai_jobs.id)`,
        createdAt: schema.aiJobs.createdAt,
        finishedAt: schema.aiJobs.finishedAt,
      })
      .from(schema.aiJobs)
      .leftJoin(schema.products, and(eq(schema.products.shopId, schema.aiJobs.shopId), eq(schema.products.id, schema.aiJobs.productId)))
      .where(where)
      .orderBy(desc(schema.aiJobs.createdAt), desc(schema.aiJobs.id))
      .limit(limit);
    const batches = await tx
      .select({
        id: schema.aiBatches.id,
        kind: schema.aiBatches.kind,
        status: schema.aiBatches.status,
        total: schema.aiBatches.total,
        createdAt: schema.aiBatches.createdAt,
        cancelledAt: schema.aiBatches.cancelledAt,
        finishedAt: schema.aiBatches.finishedAt,
        succeeded: sql<number>`(select count(*)::int from ai_jobs j where j.shop_id = ai_batches.shop_id and j.batch_id = ai_batches.id and j.status = 'succeeded')`,
        failed: sql<number>`(select count(*)::int from ai_jobs j where j.shop_id = ai_batches.shop_id and j.batch_id = ai_batches.id and j.status = 'failed')`,
        cancelled: sql<number>`(select count(*)::int from ai_jobs j where j.shop_id = ai_batches.shop_id and j.batch_id = ai_batches.id and j.status = 'cancelled')`,
        running: sql<number>`(select count(*)::int from ai_jobs j where j.shop_id = ai_batches.shop_id and j.batch_id = ai_batches.id and j.status = 'running')`,
      })
      .from(schema.aiBatches)
      .orderBy(desc(schema.aiBatches.createdAt))
      .limit(10);
    const credits = await creditBalances(tx, shopId);
    return { jobs, batches, credits };
  });
}

/** One batch with each product's job, for its progress page. */
export async function getBatch(shopId: string, batchId: string) {
  if (!isUuid(batchId)) return undefined;
  return withShop(shopId, async (tx) => {
    const [batch] = await tx.select().from(schema.aiBatches).where(eq(schema.aiBatches.id, batchId));
    if (!batch) return undefined;
    const jobs = await tx
      .select({
        id: schema.aiJobs.id,
        status: schema.aiJobs.status,
        progress: schema.aiJobs.progress,
        productId: schema.aiJobs.productId,
        productTitle: schema.products.title,
        error: schema.aiJobs.error,
        inputTokens: schema.aiJobs.inputTokens,
        outputTokens: schema.aiJobs.outputTokens,
        credits: schema.aiJobs.credits,
      })
      .from(schema.aiJobs)
      .leftJoin(schema.products, and(eq(schema.products.shopId, schema.aiJobs.shopId), eq(schema.products.id, schema.aiJobs.productId)))
      .where(eq(schema.aiJobs.batchId, batchId))
      .orderBy(schema.products.title);
    return { batch, jobs };
  });
}

/** Products to choose from in the studio's bulk form (most recently updated first). */
export async function productChoices(shopId: string, limit = 100) {
  return withShop(shopId, (tx) =>
    tx
      .select({ id: schema.products.id, title: schema.products.title, status: schema.products.status })
      .from(schema.products)
      .orderBy(desc(schema.products.updatedAt))
      .limit(limit),
  );
}

/** Credits of `kind` left this month. */
export async function creditsLeft(shopId: string, kind: "copy" | "tryon" | "video"): Promise<number> {
  return withShop(shopId, async (tx) => (await creditBalances(tx, shopId))[kind].left);
}

/** This month's credits of every kind (the billing page's meters). */
export async function shopCreditBalances(shopId: string) {
  return withShop(shopId, (tx) => creditBalances(tx, shopId));
}
