/**
 * The `ai-copy` processor: one product's copy written language by language into its draft, and
 * the rows of AI batches it ends.
 *
 * The processor is idempotent (check state → act → record): the draft is unique per job and
 * filled language by language, a language already written is never asked for again, and the job
 * is marked succeeded and charged in one transaction that first checks it is still running.
 */
import { and, asc, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";

import { PermanentJobFailure, RetryLater } from "~/domain/jobs/errors";
import { AiCopyError, type CopyProvider, type CopyWriter, copyWriter, type ProductFacts } from "~/integrations/ai-copy.server";
import { schema, type Tx, withShop } from "~db/client";

import type { CopyOptions } from "./copy-requests.server";
import { COPY_LANGUAGE_CODES, COPY_TONE_CODES, type CopyLanguageCode } from "./copy-rules";
import { chargeAiCredits } from "./credits.server";

/** How many times a job may be told to wait (429 / overloaded) before it is shown as failed. */
const MAX_WAITS = 12;
/** Immediate new attempts after an answer that was not valid copy, before failing. */
const MALFORMED_RETRIES = 2;

const writers = new Map<CopyProvider, CopyWriter>();
function writerFor(provider: CopyProvider): CopyWriter {
  let writer = writers.get(provider);
  if (!writer) {
    writer = copyWriter(provider);
    writers.set(provider, writer);
  }
  return writer;
}

type JobRow = typeof schema.aiJobs.$inferSelect;
const InputSchema = z.object({
  tone: z.enum(COPY_TONE_CODES),
  languages: z.array(z.enum(COPY_LANGUAGE_CODES)).min(1),
  notes: z.string().optional(),
});

/**
 * The queue gave up on a copy job (its retries are used up, or it stalled too often): shows it as
 * failed, unless the processor already said why. Releases its held credits.
 */
export async function copyJobGaveUp(shopId: string, jobId: string): Promise<void> {
  await failJob(shopId, jobId, "gave_up", "The copy could not be written after several attempts. Press Retry to try again.");
}

/** Marks a job failed with words for the merchant (only while it is queued or running). */
async function failJob(shopId: string, jobId: string, code: string, message: string) {
  await withShop(shopId, async (tx) => {
    await tx
      .update(schema.aiJobs)
      .set({ status: "failed", error: message, errorCode: code, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(schema.aiJobs.id, jobId), sql`${schema.aiJobs.status} in ('queued', 'running')`));
    await finishBatchIfDone(tx, shopId, jobId);
  });
}

async function addTokens(shopId: string, jobId: string, usage: { inputTokens: number; outputTokens: number } | undefined) {
  if (!usage) return;
  await withShop(shopId, (tx) =>
    tx
      .update(schema.aiJobs)
      .set({
        inputTokens: sql`coalesce(${schema.aiJobs.inputTokens}, 0) + ${usage.inputTokens}`,
        outputTokens: sql`coalesce(${schema.aiJobs.outputTokens}, 0) + ${usage.outputTokens}`,
        updatedAt: new Date(),
      })
      .where(eq(schema.aiJobs.id, jobId)),
  );
}

/** What the model is told: the product's facts, never more. */
async function productFacts(tx: Tx, productId: string, notes: string | undefined): Promise<ProductFacts | undefined> {
  const [p] = await tx.select().from(schema.products).where(eq(schema.products.id, productId));
  if (!p) return undefined;
  const [category] = p.categoryId
    ? await tx.select({ name: schema.categories.name }).from(schema.categories).where(eq(schema.categories.id, p.categoryId))
    : [];
  const media = await tx
    .select({ alt: schema.media.alt })
    .from(schema.media)
    .where(and(eq(schema.media.productId, productId), ne(schema.media.alt, "")))
    .orderBy(asc(schema.media.position))
    .limit(10);
  const attributes = [
    p.productType ? { name: "Type", value: p.productType } : null,
    p.tags.length ? { name: "Tags", value: p.tags.join(", ").slice(0, 500) } : null,
  ].filter((a): a is { name: string; value: string } => a !== null);
  return {
    title: p.title,
    category: category?.name.slice(0, 200),
    brand: p.brand?.slice(0, 200) ?? undefined,
    options: p.options
      .filter((o) => o.name && o.values.length)
      .map((o) => ({ name: o.name.slice(0, 100), values: o.values.slice(0, 50).map((v) => v.slice(0, 100)) })),
    attributes,
    imageAltTexts: media.map((m) => m.alt.slice(0, 300)),
    notes: notes?.slice(0, 4000) || undefined,
    currentDescription: p.descriptionMd.trim().slice(0, 8000) || undefined,
  };
}

/**
 * Runs one copy job: every language asked for that the draft does not have yet, then marks the
 * job succeeded and charges its credits, once. `attempt`: BullMQ's attempt (1-based) of `of`.
 */
export async function runCopyJob(payload: { shopId: string; jobId: string }, attempt = { made: 0, of: 1 }): Promise<"done" | "skipped"> {
  const { shopId, jobId } = payload;
  // Check state.
  const start = await withShop(shopId, async (tx) => {
    const [job] = await tx
      .select()
      .from(schema.aiJobs)
      .where(and(eq(schema.aiJobs.id, jobId), eq(schema.aiJobs.kind, "copy")))
      .for("update");
    if (!job || (job.status !== "queued" && job.status !== "running")) return undefined;
    const [started] = await tx
      .update(schema.aiJobs)
      .set({
        status: "running",
        attempts: sql`${schema.aiJobs.attempts} + 1`,
        startedAt: job.startedAt ?? new Date(),
        progress: Math.max(job.progress, 5),
        updatedAt: new Date(),
      })
      .where(eq(schema.aiJobs.id, jobId))
      .returning();
    const input = InputSchema.safeParse(job.input);
    const facts = input.success && job.productId ? await productFacts(tx, job.productId, input.data.notes) : undefined;
    let draft: typeof schema.aiCopyDrafts.$inferSelect | undefined;
    if (input.success && facts && job.productId) {
      await tx
        .insert(schema.aiCopyDrafts)
        .values({ shopId, jobId, productId: job.productId, tone: input.data.tone, languages: input.data.languages })
        .onConflictDoNothing();
      [draft] = await tx.select().from(schema.aiCopyDrafts).where(eq(schema.aiCopyDrafts.jobId, jobId));
    }
    return { job: started as JobRow, input, facts, draft };
  });
  if (!start) return "skipped";
  const { job, input, facts, draft } = start;
  if (!input.success) {
    await failJob(shopId, jobId, "invalid_request", "This job's settings are unreadable. Start a new one.");
    throw new PermanentJobFailure("unreadable job input");
  }
  if (!facts || !draft) {
    await failJob(shopId, jobId, "product_missing", "The product was deleted before its copy was written.");
    throw new PermanentJobFailure("product missing");
  }

  // Act, language by language, recording each as it arrives.
  const provider = job.provider as CopyProvider;
  const languages = input.data.languages;
  const done = new Set(Object.keys(draft.content));
  for (const language of languages) {
    if (done.has(language)) continue;
    const copy = await writeOne(job, provider, facts, language, input.data.tone, attempt);
    await withShop(shopId, async (tx) => {
      await tx
        .update(schema.aiCopyDrafts)
        .set({ content: sql`${schema.aiCopyDrafts.content} || ${JSON.stringify({ [language]: copy.copy })}::jsonb`, updatedAt: new Date() })
        .where(eq(schema.aiCopyDrafts.id, draft.id));
      done.add(language);
      await tx
        .update(schema.aiJobs)
        .set({
          inputTokens: sql`coalesce(${schema.aiJobs.inputTokens}, 0) + ${copy.usage.inputTokens}`,
          outputTokens: sql`coalesce(${schema.aiJobs.outputTokens}, 0) + ${copy.usage.outputTokens}`,
          model: copy.model,
          providerStatus: null,
          progress: Math.max(5, Math.min(95, Math.round((done.size / languages.length) * 100))),
          updatedAt: new Date(),
        })
        .where(eq(schema.aiJobs.id, jobId));
    });
  }

  // Record: succeeded and charged together, once.
  await withShop(shopId, async (tx) => {
    const [current] = await tx.select().from(schema.aiJobs).where(eq(schema.aiJobs.id, jobId)).for("update");
    if (!current || current.status !== "running") return;
    await tx
      .update(schema.aiJobs)
      .set({
        status: "succeeded",
        progress: 100,
        resultDraftId: draft.id,
        error: null,
        errorCode: null,
        finishedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(eq(schema.aiJobs.id, jobId));
    await chargeAiCredits(tx, { shopId, id: jobId, kind: "copy", credits: current.credits });
    await finishBatchIfDone(tx, shopId, jobId);
  });
  return "done";
}

/** One language's copy, with the provider's errors mapped to what the job does next. */
async function writeOne(
  job: JobRow,
  provider: CopyProvider,
  facts: ProductFacts,
  language: CopyLanguageCode,
  tone: CopyOptions["tone"],
  attempt: { made: number; of: number },
) {
  const name = provider === "openai" ? "OpenAI" : "Anthropic";
  for (let malformed = 0; ; malformed++) {
    try {
      return await writerFor(provider).generate({ facts, language, tone, model: job.model ?? undefined });
    } catch (error) {
      if (!(error instanceof AiCopyError)) throw error;
      await addTokens(job.shopId, job.id, error.usage);
      switch (error.kind) {
        case "rate_limited":
        case "overloaded": {
          if (job.attempts >= MAX_WAITS) {
            await failJob(job.shopId, job.id, error.kind, `${name} stayed busy for too long. Press Retry to try again later.`);
            throw new PermanentJobFailure(error.message);
          }
          // The provider's Retry-After, or exponential backoff from 1 s, at most 5 minutes.
          const backoff = Math.min(300_000, 1000 * 2 ** Math.min(8, Math.max(0, job.attempts - 1)));
          const delay = Math.max(error.retryAfterMs ?? 0, backoff);
          await withShop(job.shopId, (tx) =>
            tx
              .update(schema.aiJobs)
              .set({
                providerStatus: `waiting ${Math.round(delay / 1000)} s (${error.kind === "rate_limited" ? "rate limit" : "overloaded"})`,
                updatedAt: new Date(),
              })
              .where(eq(schema.aiJobs.id, job.id)),
          );
          throw new RetryLater(error.message, delay);
        }
        case "malformed":
          if (malformed < MALFORMED_RETRIES) continue;
          await failJob(
            job.shopId,
            job.id,
            "malformed",
            `${name}'s answer was not usable product copy, ${MALFORMED_RETRIES + 1} times in a row. Press Retry, or choose another model in AI settings.`,
          );
          throw new PermanentJobFailure(error.message);
        case "refused":
          await failJob(
            job.shopId,
            job.id,
            "refused",
            `${name} declined to write copy for this product. Check the product's title and your notes, then try again.`,
          );
          throw new PermanentJobFailure(error.message);
        case "incomplete":
          await failJob(
            job.shopId,
            job.id,
            "incomplete",
            `${name} stopped before the copy was complete. Shorten your notes or choose another model, then try again.`,
          );
          throw new PermanentJobFailure(error.message);
        case "quota_exhausted":
          await failJob(
            job.shopId,
            job.id,
            "provider_quota",
            `The ${name} account has run out of credit. Ask the platform's operator to top it up, then press Retry.`,
          );
          throw new PermanentJobFailure(error.message);
        case "auth":
          await failJob(
            job.shopId,
            job.id,
            "provider_auth",
            `${name} refused NetShop's API key. Ask the platform's operator to check it, then press Retry.`,
          );
          throw new PermanentJobFailure(error.message);
        case "invalid_request":
          await failJob(
            job.shopId,
            job.id,
            "invalid_request",
            `${name} refused the request (${error.message.replace(/^.*?refused the request: /, "")}). Check the model in AI settings.`,
          );
          throw new PermanentJobFailure(error.message);
        default:
          // unavailable / timeout: the queue retries with exponential backoff; the last attempt says so.
          if (attempt.made + 1 >= attempt.of) {
            await failJob(
              job.shopId,
              job.id,
              "provider_unavailable",
              `${name} could not be reached after ${attempt.of} attempts. Press Retry to try again.`,
            );
          }
          throw error;
      }
    }
  }
}

// --- Batches (their rows; the flow is built by the worker) --------------------------------------

/** Ends a job's batch when none of its jobs is queued or running any more. */
export async function finishBatchIfDone(tx: Tx, shopId: string, jobId: string): Promise<void> {
  const [job] = await tx.select({ batchId: schema.aiJobs.batchId }).from(schema.aiJobs).where(eq(schema.aiJobs.id, jobId));
  if (job?.batchId) await finishBatch(tx, shopId, job.batchId);
}

export async function finishBatch(tx: Tx, _shopId: string, batchId: string): Promise<void> {
  // The batch's lock, taken after this transaction changed its job: two jobs finishing at once are
  // counted one after the other, so the second sees the first (without it, each could see the
  // other still running and neither end the batch).
  await tx.select({ id: schema.aiBatches.id }).from(schema.aiBatches).where(eq(schema.aiBatches.id, batchId)).for("update");
  const [open] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(schema.aiJobs)
    .where(and(eq(schema.aiJobs.batchId, batchId), sql`${schema.aiJobs.status} in ('queued', 'running')`));
  if (open.n > 0) return;
  const [ok] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(schema.aiJobs)
    .where(and(eq(schema.aiJobs.batchId, batchId), eq(schema.aiJobs.status, "succeeded")));
  await tx
    .update(schema.aiBatches)
    .set({
      status: sql`case when ${schema.aiBatches.cancelledAt} is not null then 'cancelled'::ai_job_status when ${ok.n} > 0 then 'succeeded'::ai_job_status else 'failed'::ai_job_status end`,
      finishedAt: sql`coalesce(${schema.aiBatches.finishedAt}, now())`,
    })
    .where(eq(schema.aiBatches.id, batchId));
}
