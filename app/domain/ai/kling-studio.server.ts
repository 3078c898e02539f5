/** The product's AI studio page: its images, pending results, Kling jobs, credits and model photos. */
import { and, asc, desc, eq, inArray } from "drizzle-orm";

import { config } from "~/config.server";
import { type MediaView, mediaView } from "~/domain/media/media.server";
import { isUuid } from "~/lib/ids";
import { schema, withShop } from "~db/client";

import { creditBalances } from "./credits.server";
import { type AiJob, isKlingSandbox, type KlingJobKind } from "./kling-job-rows.server";
import { listModelPhotos } from "./model-photos.server";

export interface StudioJob {
  id: string;
  kind: KlingJobKind;
  status: AiJob["status"];
  progress: number;
  providerStatus: string | null;
  error: string | null;
  errorCode: string | null;
  credits: number;
  providerUnits: number | null;
  prompt: string | null;
  createdAt: string;
  result: MediaView | null;
}

/** Everything the product's AI studio shows. Undefined: no such product. */
export async function productStudio(shopId: string, productId: string) {
  if (!isUuid(productId)) return undefined;
  const loaded = await withShop(shopId, async (tx) => {
    const [product] = await tx
      .select({ id: schema.products.id, title: schema.products.title })
      .from(schema.products)
      .where(eq(schema.products.id, productId));
    if (!product) return undefined;
    const media = await tx
      .select()
      .from(schema.media)
      .where(eq(schema.media.productId, productId))
      .orderBy(asc(schema.media.position), asc(schema.media.createdAt));
    const jobs = await tx
      .select()
      .from(schema.aiJobs)
      .where(and(eq(schema.aiJobs.productId, productId), inArray(schema.aiJobs.kind, ["tryon", "video"])))
      .orderBy(desc(schema.aiJobs.createdAt))
      .limit(30);
    const credits = await creditBalances(tx, shopId);
    return { product, media, jobs, credits };
  });
  if (!loaded) return undefined;
  const views = new Map(loaded.media.map((m) => [m.id, mediaView(m)]));
  return {
    product: loaded.product,
    images: loaded.media.filter((m) => m.kind === "image" && m.status === "ready").map((m) => views.get(m.id)!),
    pending: loaded.media.filter((m) => m.needsApproval).map((m) => views.get(m.id)!),
    jobs: loaded.jobs.map((j): StudioJob => ({
      id: j.id,
      kind: j.kind as KlingJobKind,
      status: j.status,
      progress: j.progress,
      providerStatus: j.providerStatus,
      error: j.error,
      errorCode: j.errorCode,
      credits: j.credits,
      providerUnits: j.providerUnits,
      prompt: typeof j.input.prompt === "string" ? j.input.prompt : null,
      createdAt: j.createdAt.toISOString(),
      result: j.resultMediaId ? (views.get(j.resultMediaId) ?? null) : null,
    })),
    credits: { tryon: loaded.credits.tryon, video: loaded.credits.video },
    modelPhotos: await listModelPhotos(shopId),
    sandbox: isKlingSandbox(),
    concurrency: config().KLING_CONCURRENCY,
  };
}
