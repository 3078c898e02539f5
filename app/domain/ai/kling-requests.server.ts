/**
 * Requesting a Kling try-on or video (one ai_jobs row each, its credits held, its run queued after
 * commit in the same transaction), and retrying a failed one.
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";

import { limitRefusal } from "~/domain/billing/limit-refusals.server";
import { PlanLimitReached } from "~/domain/billing/plans.server";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { DEFAULT_TRY_ON_MODEL, DEFAULT_VIDEO_MODEL, KLING_LIMITS, TRY_ON_MODELS } from "~/integrations/kling.server";
import { fieldErrors, type Refusal, refuse } from "~/lib/forms";
import { isUuid } from "~/lib/ids";
import { schema, type Tx, withShop } from "~db/client";

import { assertAiCredits } from "./credits.server";
import { productExists } from "./kling-job-rows.server";

/** AI credits a try-on costs. */
export const TRYON_CREDITS = 1;
/** AI credits a video costs: 1 for 5 s standard; 10 s doubles it, pro doubles it. */
export function videoCredits(duration: 5 | 10, mode: "std" | "pro"): number {
  return (duration === 10 ? 2 : 1) * (mode === "pro" ? 2 : 1);
}

export type RequestResult = { ok: true; jobId: string } | Refusal;

const TryOnFields = z.object({
  modelPhotoId: z.string().uuid("Choose a model photo."),
  garmentMediaId: z.string().uuid("Choose a garment image."),
  model: z.enum(TRY_ON_MODELS).default(DEFAULT_TRY_ON_MODEL),
});

const VideoFields = z.object({
  mediaId: z.string().uuid("Choose a product image."),
  prompt: z.string().trim().min(1, "Describe the movement you want.").max(KLING_LIMITS.maxPromptChars, "Use at most 2,500 characters."),
  duration: z.enum(["5", "10"], { error: "Choose 5 or 10 seconds." }).transform((v) => Number(v) as 5 | 10),
  mode: z.enum(["std", "pro"], { error: "Choose standard or pro." }),
});

/** A product image that can go to Kling (ready, JPEG/PNG/WebP, ≥ 300 px, and for video an allowed aspect). */
async function productImage(tx: Tx, productId: string, mediaId: string, forVideo: boolean): Promise<string | undefined> {
  const [m] = await tx
    .select()
    .from(schema.media)
    .where(and(eq(schema.media.id, mediaId), eq(schema.media.productId, productId)));
  if (!m || m.kind !== "image" || m.status !== "ready") return "Choose one of this product's images.";
  if (!m.width || !m.height || m.width < KLING_LIMITS.minImageSide || m.height < KLING_LIMITS.minImageSide) {
    return `This image is ${m.width}×${m.height} px: Kling needs at least 300 px on each side.`;
  }
  const aspect = m.width / m.height;
  if (forVideo && (aspect < KLING_LIMITS.minAspect || aspect > KLING_LIMITS.maxAspect))
    return "This image is too narrow or too wide for a video (1:2.5 to 2.5:1).";
  return undefined;
}

/**
 * The steps both Kling requests share: an unknown product is undefined, the fields are checked,
 * then `queue` runs in the shop's transaction; a plan without the credits refuses.
 */
async function requestKlingJob<T extends z.ZodTypeAny>(
  shopId: string,
  productId: string,
  fields: Record<string, unknown>,
  shape: T,
  queue: (tx: Tx, input: z.infer<T>) => Promise<RequestResult>,
): Promise<RequestResult | undefined> {
  if (!isUuid(productId)) return undefined;
  const parsed = shape.safeParse(fields);
  if (!parsed.success) {
    if (!(await withShop(shopId, (tx) => productExists(tx, productId)))) return undefined;
    return { ok: false, errors: fieldErrors(parsed.error) };
  }
  try {
    return await withShop(shopId, async (tx) => ((await productExists(tx, productId)) ? queue(tx, parsed.data) : undefined));
  } catch (error) {
    if (error instanceof PlanLimitReached) return limitRefusal(error);
    throw error;
  }
}

/** The job row, its credits held, and its run queued after commit. */
async function insertKlingJob(
  tx: Tx,
  job: Omit<typeof schema.aiJobs.$inferInsert, "provider"> & { kind: "tryon" | "video" },
): Promise<RequestResult> {
  await assertAiCredits(tx, job.shopId, job.kind, job.credits!);
  const [row] = await tx
    .insert(schema.aiJobs)
    .values({ ...job, provider: "kling" })
    .returning({ id: schema.aiJobs.id });
  const queue = job.kind === "tryon" ? "ai-tryon" : "ai-video";
  await enqueueAfterCommit(tx, { queue, name: "run", payload: { shopId: job.shopId, jobId: row.id }, shopId: job.shopId });
  return { ok: true, jobId: row.id };
}

/** Queues a try-on of one of the product's images on a model photo. Undefined: no such product. */
export function requestTryOn(
  shopId: string,
  userId: string | null,
  productId: string,
  fields: Record<string, unknown>,
): Promise<RequestResult | undefined> {
  return requestKlingJob(shopId, productId, fields, TryOnFields, async (tx, input) => {
    const garment = await productImage(tx, productId, input.garmentMediaId, false);
    if (garment) return refuse(garment, "garmentMediaId");
    const [photo] = await tx
      .select({ id: schema.aiModelPhotos.id })
      .from(schema.aiModelPhotos)
      .where(eq(schema.aiModelPhotos.id, input.modelPhotoId));
    if (!photo) return refuse("Choose one of your model photos.", "modelPhotoId");
    return insertKlingJob(tx, {
      shopId,
      kind: "tryon",
      model: input.model,
      productId,
      input: { modelPhotoId: input.modelPhotoId, garmentMediaId: input.garmentMediaId },
      credits: TRYON_CREDITS,
      createdBy: userId,
    });
  });
}

/** Queues a video made from one of the product's images. Undefined: no such product. */
export function requestVideo(
  shopId: string,
  userId: string | null,
  productId: string,
  fields: Record<string, unknown>,
): Promise<RequestResult | undefined> {
  return requestKlingJob(shopId, productId, fields, VideoFields, async (tx, input) => {
    const problem = await productImage(tx, productId, input.mediaId, true);
    if (problem) return refuse(problem, "mediaId");
    return insertKlingJob(tx, {
      shopId,
      kind: "video",
      model: DEFAULT_VIDEO_MODEL,
      productId,
      input: { mediaId: input.mediaId, prompt: input.prompt, duration: input.duration, mode: input.mode },
      credits: videoCredits(input.duration, input.mode),
      createdBy: userId,
    });
  });
}

export type RetryResult = { ok: true } | Refusal;

/**
 * Retries a failed try-on or video job (the AI studio's Retry): its credits are held again (if
 * the month's allowance still has them) and it is queued as ai-tryon / ai-video run {shopId, jobId}.
 */
export async function retryKlingJob(shopId: string, jobId: string): Promise<RetryResult | undefined> {
  if (!isUuid(jobId)) return undefined;
  try {
    return await withShop(shopId, async (tx) => {
      const [job] = await tx.select().from(schema.aiJobs).where(eq(schema.aiJobs.id, jobId)).for("update");
      if (!job || (job.kind !== "tryon" && job.kind !== "video")) return undefined;
      if (job.status !== "failed") return refuse("Only a failed job can be retried.");
      await assertAiCredits(tx, shopId, job.kind, job.credits);
      await tx
        .update(schema.aiJobs)
        .set({ status: "queued", error: null, errorCode: null, finishedAt: null, progress: 0, updatedAt: new Date() })
        .where(eq(schema.aiJobs.id, jobId));
      if (job.kind === "tryon") await enqueueAfterCommit(tx, { queue: "ai-tryon", name: "run", payload: { shopId, jobId }, shopId });
      else await enqueueAfterCommit(tx, { queue: "ai-video", name: "run", payload: { shopId, jobId }, shopId });
      return { ok: true as const };
    });
  } catch (error) {
    if (error instanceof PlanLimitReached) return limitRefusal(error);
    throw error;
  }
}
