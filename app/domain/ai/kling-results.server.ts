/**
 * Kling results into our bucket: the copy (idempotent: the media row's id is the job's) and the
 * daily sweeper that guarantees no result stays only at Kling.
 */
import { and, asc, eq, isNotNull, isNull } from "drizzle-orm";

import { addGeneratedMedia, mediaPrefix } from "~/domain/media/media.server";
import { sniffContentType } from "~/domain/media/media-rules";
import type { KlingClient } from "~/integrations/kling.server";
import { deleteObjects, putObject } from "~/integrations/storage.server";
import { logger } from "~/lib/logger.server";
import { asPlatform, schema, withShop } from "~db/client";

import { chargeAiCredits } from "./credits.server";
import { klingClient, loadJob, productExists } from "./kling-job-rows.server";

/**
 * Copies a job's Kling result into our bucket and adds it to the product's media, pending
 * approval; marks the job succeeded and charges its credits. Idempotent. Returns whether it copied.
 */
export async function migrateKlingResult(shopId: string, jobId: string, client: KlingClient = klingClient()): Promise<boolean> {
  const job = await loadJob(shopId, jobId);
  if (!job?.providerResultUrl || job.migratedAt) return false;
  const { bytes } = await client.downloadResult(job.providerResultUrl);
  const buffer = Buffer.from(bytes);
  const contentType = sniffContentType(buffer.subarray(0, 16));
  const kind = job.kind === "video" ? "video" : "image";
  const expected = kind === "video" ? ["video/mp4", "video/webm"] : ["image/png", "image/jpeg", "image/webp"];
  if (!contentType || !expected.includes(contentType))
    throw new Error(`Kling's result is not ${kind === "video" ? "a video" : "an image"} (${contentType ?? "unknown"})`);
  const ext = { "video/mp4": "mp4", "video/webm": "webm", "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" }[contentType]!;
  // The media row's id is the job's: one result, one media record, however often this runs.
  const key = `${mediaPrefix(shopId, job.id)}original.${ext}`;
  await putObject({ key, body: buffer, contentType });
  const short = job.id.slice(0, 8);
  return withShop(shopId, async (tx) => {
    const [locked] = await tx.select().from(schema.aiJobs).where(eq(schema.aiJobs.id, jobId)).for("update");
    if (!locked || locked.migratedAt) return false;
    const product = locked.productId ? await productExists(tx, locked.productId) : false;
    if (product) {
      await addGeneratedMedia(tx, {
        shopId,
        id: locked.id,
        productId: locked.productId!,
        kind,
        filename: kind === "video" ? `kling-video-${short}.${ext}` : `kling-try-on-${short}.${ext}`,
        contentType,
        bytes: buffer.length,
        originalKey: key,
      });
    }
    const succeeded = locked.status !== "failed" && locked.status !== "cancelled";
    await tx
      .update(schema.aiJobs)
      .set({
        migratedAt: new Date(),
        resultMediaId: product ? locked.id : null,
        ...(succeeded ? { status: "succeeded" as const, progress: 100, error: null, errorCode: null, finishedAt: new Date() } : {}),
        updatedAt: new Date(),
      })
      .where(eq(schema.aiJobs.id, jobId));
    if (succeeded) await chargeAiCredits(tx, { shopId, id: locked.id, kind: locked.kind, credits: locked.credits });
    if (!product) await deleteObjects([key]);
    return true;
  });
}

/**
 * The daily sweeper: copies every Kling result not yet in our bucket (a worker died between
 * Kling's success and the copy), so no provider URL stays ours to serve for more than a day.
 * Runs across shops (asPlatform) on ai_jobs_unmigrated_idx; each copy runs in its shop.
 */
export async function sweepUnmigratedResults(
  options: { client?: KlingClient; limit?: number } = {},
): Promise<{ migrated: number; failed: number }> {
  const rows = await asPlatform((tx) =>
    tx
      .select({ shopId: schema.aiJobs.shopId, id: schema.aiJobs.id })
      .from(schema.aiJobs)
      .where(and(isNotNull(schema.aiJobs.providerResultUrl), isNull(schema.aiJobs.migratedAt)))
      .orderBy(asc(schema.aiJobs.providerResultAt))
      .limit(options.limit ?? 1000),
  );
  let migrated = 0;
  let failed = 0;
  for (const row of rows) {
    try {
      if (await migrateKlingResult(row.shopId, row.id, options.client)) migrated++;
    } catch (error) {
      failed++;
      logger().warn({ shopId: row.shopId, jobId: row.id, err: (error as Error).message }, "could not copy a Kling result");
    }
  }
  return { migrated, failed };
}
