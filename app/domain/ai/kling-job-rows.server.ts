/**
 * The ai_jobs rows of Kling try-ons and videos, as every Kling step reads and writes them: the
 * shared client, loading a job, the task id Kling knows it by, updating it, failing it.
 * (The idempotency steps the Kling files keep are written in kling-processor.server.ts.)
 */
import { and, eq, inArray } from "drizzle-orm";

import { KlingClient, klingSettings, type KlingTaskKind } from "~/integrations/kling.server";
import { isUuid } from "~/lib/ids";
import { schema, type Tx, withShop } from "~db/client";

export type KlingJobKind = "tryon" | "video";
export type AiJob = typeof schema.aiJobs.$inferSelect;

export const TASK_KIND: Record<KlingJobKind, KlingTaskKind> = { tryon: "try-on", video: "image-to-video" };

// --- The Kling client ---------------------------------------------------------------------------

let sharedClient: KlingClient | undefined;
/** One client per process, so its JWT is cached across jobs. */
export function klingClient(): KlingClient {
  sharedClient ??= new KlingClient(klingSettings());
  return sharedClient;
}

export function isKlingSandbox(): boolean {
  return klingSettings().sandbox;
}

export async function productExists(tx: Tx, productId: string): Promise<boolean> {
  const [p] = await tx.select({ id: schema.products.id }).from(schema.products).where(eq(schema.products.id, productId));
  return Boolean(p);
}

export async function loadJob(shopId: string, jobId: string): Promise<AiJob | undefined> {
  if (!isUuid(jobId)) return undefined;
  return withShop(shopId, async (tx) => (await tx.select().from(schema.aiJobs).where(eq(schema.aiJobs.id, jobId)))[0]);
}

export function externalTaskId(job: AiJob): string {
  const recorded = job.input.klingExternalId;
  return typeof recorded === "string" && recorded ? recorded : job.id;
}

export async function updateJob(job: Pick<AiJob, "shopId" | "id">, set: Partial<typeof schema.aiJobs.$inferInsert>): Promise<void> {
  await withShop(job.shopId, (tx) =>
    tx
      .update(schema.aiJobs)
      .set({ ...set, updatedAt: new Date() })
      .where(eq(schema.aiJobs.id, job.id)),
  );
}

/** Marks the job failed with a reason in plain words; its held credits are released. */
export async function failKlingJob(job: Pick<AiJob, "shopId" | "id">, reason: string, code: string): Promise<void> {
  await withShop(job.shopId, (tx) =>
    tx
      .update(schema.aiJobs)
      .set({ status: "failed", error: reason, errorCode: code, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(schema.aiJobs.id, job.id), inArray(schema.aiJobs.status, ["queued", "running"]))),
  );
}
