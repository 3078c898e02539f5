/** Model photos (a person, for try-on): uploaded into our bucket, listed, deleted. */
import { desc, eq } from "drizzle-orm";

import { limitRefusal } from "~/domain/billing/limit-refusals.server";
import { assertStorageAllowance, PlanLimitReached } from "~/domain/billing/plans.server";
import { ingestImage } from "~/domain/media/ingest.server";
import { KLING_LIMITS } from "~/integrations/kling.server";
import { deleteObjects, publicObjectUrl, putObject } from "~/integrations/storage.server";
import { type Refusal, refuse } from "~/lib/forms";
import { isUuid } from "~/lib/ids";
import { schema, withShop } from "~db/client";

const MODEL_PHOTO_TYPES: Record<string, string> = { "image/jpeg": "jpg", "image/png": "png" };

export type UploadModelPhotoResult = { ok: true; id: string } | Refusal;

/**
 * Stores a model photo (a person, for try-on) in our bucket. Kling takes JPEG or PNG of at least
 * 300 px a side and at most 10 MB: refused here, with the reason, before any credit is spent.
 */
export async function uploadModelPhoto(shopId: string, userId: string | null, file: unknown): Promise<UploadModelPhotoResult> {
  if (!(file instanceof Blob) || file.size === 0) return refuse("Choose a photo to upload.", "photo");
  const filename = ((file as File).name || "model-photo").trim().slice(0, 200);
  if (file.size > KLING_LIMITS.maxImageBytes) return refuse(`${filename} is over 10 MB: use a smaller photo.`, "photo");
  // Decoded and re-encoded (app/domain/media/ingest.server.ts): the size is the pixels', never a header's.
  const checked = await ingestImage(Buffer.from(await file.arrayBuffer()), {
    accept: ["image/jpeg", "image/png"],
    claimed: file.type || undefined,
    name: filename,
  });
  if (!checked.ok) return refuse(`${checked.message} Use a JPG or PNG photo.`, "photo");
  const { body: bytes, contentType, width, height } = checked;
  if (bytes.length > KLING_LIMITS.maxImageBytes) return refuse(`${filename} is over 10 MB: use a smaller photo.`, "photo");
  const info = { width, height };
  if (info.width < KLING_LIMITS.minImageSide || info.height < KLING_LIMITS.minImageSide) {
    return refuse(`${filename} is ${info.width}×${info.height} px: use a photo at least 300 px on each side.`, "photo");
  }
  const id = crypto.randomUUID();
  const objectKey = `shops/${shopId}/ai/model-photos/${id}.${MODEL_PHOTO_TYPES[contentType]}`;
  try {
    await withShop(shopId, (tx) => assertStorageAllowance(tx, shopId, bytes.length));
  } catch (error) {
    if (error instanceof PlanLimitReached) return limitRefusal(error, "photo");
    throw error;
  }
  await putObject({ key: objectKey, body: bytes, contentType, immutable: true });
  await withShop(shopId, (tx) =>
    tx.insert(schema.aiModelPhotos).values({
      shopId,
      id,
      filename,
      contentType,
      objectKey,
      bytes: bytes.length,
      width: info.width,
      height: info.height,
      createdBy: userId,
    }),
  );
  return { ok: true, id };
}

export async function listModelPhotos(shopId: string) {
  const rows = await withShop(shopId, (tx) =>
    tx.select().from(schema.aiModelPhotos).orderBy(desc(schema.aiModelPhotos.createdAt)).limit(50),
  );
  return rows.map((r) => ({ id: r.id, filename: r.filename, width: r.width, height: r.height, url: publicObjectUrl(r.objectKey) }));
}

export async function deleteModelPhoto(shopId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const gone = await withShop(shopId, (tx) =>
    tx.delete(schema.aiModelPhotos).where(eq(schema.aiModelPhotos.id, id)).returning({ key: schema.aiModelPhotos.objectKey }),
  );
  if (gone.length) await deleteObjects(gone.map((g) => g.key));
  return gone.length > 0;
}
