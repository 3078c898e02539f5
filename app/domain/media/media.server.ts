/**
 * Product media: the browser uploads straight to the bucket with a presigned PUT, then tells us
 * it is done; we check the stored object (size, type, first bytes) and a `media` job makes the
 * webp renditions (and a video's poster). Objects live under `shops/<shop>/media/<id>/`.
 *
 * Over ~400 lines because upload, processing and the media list share the object layout and the
 * status machine of a media row; processing (processMedia) could move out next.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { and, asc, eq, inArray, sql } from "drizzle-orm";

import { limitRefusal } from "~/domain/billing/limit-refusals.server";
import { assertStorageAllowance, PlanLimitReached } from "~/domain/billing/plans.server";
import { PermanentJobFailure } from "~/domain/jobs/errors";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import {
  deleteObjects,
  deletePrefix,
  headObject,
  type PresignedUpload,
  presignUpload,
  publicObjectUrl,
  putObject,
  readObject,
  readObjectStart,
} from "~/integrations/storage.server";
import { type Refusal, refuse } from "~/lib/forms";
import { isUuid } from "~/lib/ids";
import { loadSharp } from "~/lib/sharp.server";
import { schema, type Tx, withShop } from "~db/client";
import type { MediaRendition } from "~db/schema/catalog";

import { ingestImage } from "./ingest.server";
import {
  extensionOf,
  MAX_IMAGE_BYTES,
  MAX_VIDEO_BYTES,
  mediaKindOf,
  RENDITION_WIDTHS,
  sniffContentType,
  uploadProblem,
} from "./media-rules";
import { extractPosterFrame } from "./video.server";

export type Media = typeof schema.media.$inferSelect;

/** How long a presigned upload URL stays valid. */
const UPLOAD_URL_SECONDS = 15 * 60;

export const mediaPrefix = (shopId: string, mediaId: string) => `shops/${shopId}/media/${mediaId}/`;

export type UploadRequest = { ok: true; mediaId: string; upload: PresignedUpload } | (Refusal & { status: 400 | 403 });

/**
 * Signs an upload after checking the file's declared type and size and the plan's storage.
 * Undefined when the product does not exist (in this shop).
 */
export async function requestUpload(
  shopId: string,
  productId: string,
  file: { filename: unknown; contentType: unknown; size: unknown },
): Promise<UploadRequest | undefined> {
  if (!isUuid(productId)) return undefined;
  const filename = typeof file.filename === "string" ? file.filename.trim().slice(0, 200) || "upload" : "upload";
  const contentType = typeof file.contentType === "string" ? file.contentType.trim().toLowerCase() : "";
  const size = typeof file.size === "number" ? file.size : Number(file.size);
  if (!Number.isSafeInteger(size)) return { ...refuse(`${filename}: the file size is missing.`), status: 400 };
  const problem = uploadProblem({ type: contentType, size, name: filename });
  if (problem) return { ...refuse(problem), status: 400 };
  const kind = mediaKindOf(contentType)!;
  const mediaId = randomUUID();
  const key = `${mediaPrefix(shopId, mediaId)}original.${extensionOf(contentType)}`;
  try {
    const created = await withShop(shopId, async (tx) => {
      const [product] = await tx.select({ id: schema.products.id }).from(schema.products).where(eq(schema.products.id, productId));
      if (!product) return false;
      await assertStorageAllowance(tx, shopId, size);
      await insertMediaLast(tx, {
        shopId,
        id: mediaId,
        productId,
        kind,
        status: "uploading",
        filename,
        contentType,
        declaredBytes: size,
        originalKey: key,
      });
      return true;
    });
    if (!created) return undefined;
  } catch (error) {
    if (error instanceof PlanLimitReached) return { ...limitRefusal(error), status: 403 };
    throw error;
  }
  return {
    ok: true,
    mediaId,
    upload: await presignUpload({ key, contentType, contentLength: size, expiresInSeconds: UPLOAD_URL_SECONDS }),
  };
}

export type CompleteResult = { ok: true; status: Media["status"] } | Refusal;

/**
 * The browser says the PUT finished: check what was stored, then queue processing. A file
 * that is not what was declared is deleted and the media marked failed, with the reason.
 */
export async function completeUpload(shopId: string, productId: string, mediaId: string): Promise<CompleteResult | undefined> {
  if (!isUuid(productId) || !isUuid(mediaId)) return undefined;
  const row = await withShop(shopId, async (tx) => {
    const [m] = await tx
      .select()
      .from(schema.media)
      .where(and(eq(schema.media.id, mediaId), eq(schema.media.productId, productId)));
    return m;
  });
  if (!row) return undefined;
  if (row.status !== "uploading")
    return row.status === "failed" ? refuse(row.error ?? "This upload failed.") : { ok: true, status: row.status };

  const problem = await checkStoredObject(row);
  if (problem) {
    await deleteObjects([row.originalKey]);
    await withShop(shopId, (tx) =>
      tx
        .update(schema.media)
        .set({ status: "failed", error: problem, storedBytes: 0 })
        .where(and(eq(schema.media.id, mediaId), eq(schema.media.status, "uploading"))),
    );
    return refuse(problem);
  }
  const stored = (await headObject(row.originalKey))!;
  await withShop(shopId, async (tx) => {
    const moved = await tx
      .update(schema.media)
      .set({ status: "processing", storedBytes: stored.bytes, error: null })
      .where(and(eq(schema.media.id, mediaId), eq(schema.media.status, "uploading")))
      .returning({ id: schema.media.id });
    if (moved.length) await enqueueAfterCommit(tx, { queue: "media", name: "process", payload: { shopId, mediaId }, shopId });
  });
  return { ok: true, status: "processing" };
}

async function checkStoredObject(row: Media): Promise<string | undefined> {
  const head = await headObject(row.originalKey);
  if (!head) return `${row.filename} did not arrive in storage. Upload it again.`;
  const max = row.kind === "image" ? MAX_IMAGE_BYTES : MAX_VIDEO_BYTES;
  if (head.bytes !== row.declaredBytes || head.bytes > max || head.bytes === 0) {
    return `${row.filename}: the stored file (${head.bytes} bytes) is not the ${row.declaredBytes}-byte file that was announced. Upload it again.`;
  }
  if (head.contentType && head.contentType.toLowerCase() !== row.contentType) {
    return `${row.filename} was stored as ${head.contentType}, not ${row.contentType}. Upload it again.`;
  }
  const sniffed = sniffContentType(await readObjectStart(row.originalKey, 16));
  if (sniffed !== row.contentType) {
    return `${row.filename} is not a real ${extensionOf(row.contentType).toUpperCase()} file (its contents say ${sniffed ?? "something else"}).`;
  }
  return undefined;
}

// --- The media job --------------------------------------------------------------------------

async function renditionsOf(
  image: Buffer,
  prefix: string,
  name: string,
): Promise<{ width: number; height: number; renditions: MediaRendition[] }> {
  const sharp = await loadSharp();
  const oriented = sharp(image, { failOn: "error" }).rotate();
  const meta = await oriented.metadata();
  // After rotate(), EXIF orientations 5–8 swap width and height.
  const swap = (meta.orientation ?? 1) >= 5;
  const width = (swap ? meta.height : meta.width) ?? 0;
  const height = (swap ? meta.width : meta.height) ?? 0;
  if (!width || !height) throw new PermanentJobFailure("the image has no dimensions");
  const widths = [
    ...new Set([...RENDITION_WIDTHS.filter((w) => w < width), Math.min(width, RENDITION_WIDTHS[RENDITION_WIDTHS.length - 1])]),
  ].sort((a, b) => a - b);
  const renditions: MediaRendition[] = [];
  for (const w of widths) {
    const { data, info } = await sharp(image)
      .rotate()
      .resize({ width: w, withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
    const key = `${prefix}${name}-w${w}.webp`;
    await putObject({ key, body: data, contentType: "image/webp", immutable: true });
    renditions.push({ width: info.width, height: info.height, key, bytes: data.length });
  }
  return { width, height, renditions };
}

/** Processes one uploaded media item (idempotent: does nothing unless it is waiting to be processed). */
export async function processMedia({ shopId, mediaId }: { shopId: string; mediaId: string }): Promise<void> {
  const row = await withShop(shopId, async (tx) => (await tx.select().from(schema.media).where(eq(schema.media.id, mediaId)))[0]);
  if (!row || row.status !== "processing") return;
  const prefix = mediaPrefix(shopId, mediaId);
  try {
    let original = await readObject(row.originalKey);
    let result: Partial<Media>;
    if (row.kind === "image") {
      // The first read of an upload (presigned browser PUT, import, AI result): it must decode
      // wholly as the image type it was stored as; the original is replaced by the re-encoded copy.
      const checked = await ingestImage(original, { claimed: row.contentType, name: row.filename });
      if (!checked.ok) throw new PermanentJobFailure(checked.message);
      original = checked.body;
      await putObject({ key: row.originalKey, body: original, contentType: checked.contentType });
      const { width, height, renditions } = await renditionsOf(original, prefix, "image");
      result = { width, height, renditions, storedBytes: original.length + renditions.reduce((n, r) => n + r.bytes, 0) };
    } else {
      result = { ...(await videoPoster(shopId, row, original, prefix)) };
      result.storedBytes = original.length + (result.renditions ?? []).reduce((n, r) => n + r.bytes, 0) + (result.storedBytes ?? 0);
    }
    await withShop(shopId, (tx) =>
      tx
        .update(schema.media)
        // AI results wait for the merchant's approval; everything else is ready at once.
        .set({ ...result, status: row.needsApproval ? "pending_approval" : "ready", error: null, processedAt: new Date() })
        .where(and(eq(schema.media.id, mediaId), eq(schema.media.status, "processing"))),
    );
  } catch (error) {
    const permanent =
      error instanceof PermanentJobFailure ||
      /unsupported image format|Input buffer|corrupt|bad seek|VipsJpeg|pngload|webpload/i.test((error as Error).message);
    if (!permanent) throw error;
    // What is not the media it claims is never served: the stored original goes.
    await deleteObjects([row.originalKey]);
    await withShop(shopId, (tx) =>
      tx
        .update(schema.media)
        .set({
          status: "failed",
          storedBytes: 0,
          error: `We could not read ${row.filename} as ${row.kind === "image" ? "an image" : "a video"}.`,
        })
        .where(eq(schema.media.id, mediaId)),
    );
    throw new PermanentJobFailure((error as Error).message);
  }
}

/** A frame from the video when ffmpeg can get one; otherwise the product's cover image. */
async function videoPoster(shopId: string, row: Media, original: Buffer, prefix: string): Promise<Partial<Media>> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "netshop-video-"));
  try {
    const file = path.join(dir, `video.${extensionOf(row.contentType)}`);
    await fs.writeFile(file, original);
    const frame = await extractPosterFrame(file);
    const sharp = await loadSharp();
    const poster = await sharp(frame.png).jpeg({ quality: 85 }).toBuffer();
    const posterKey = `${prefix}poster.jpg`;
    await putObject({ key: posterKey, body: poster, contentType: "image/jpeg", immutable: true });
    const { width, height, renditions } = await renditionsOf(poster, prefix, "poster");
    return {
      width: frame.width ?? width,
      height: frame.height ?? height,
      durationMs: frame.durationMs,
      posterKey,
      posterSource: "frame",
      renditions,
      storedBytes: poster.length,
    };
  } catch {
    // No frame to be had (no binary for this platform, or a codec it cannot read): use the cover.
    const cover = await withShop(
      shopId,
      async (tx) =>
        (
          await tx
            .select({ renditions: schema.media.renditions, width: schema.media.width, height: schema.media.height })
            .from(schema.media)
            .where(and(eq(schema.media.productId, row.productId), eq(schema.media.kind, "image"), eq(schema.media.status, "ready")))
            .orderBy(asc(schema.media.position))
            .limit(1)
        )[0],
    );
    return { posterKey: cover?.renditions.at(-1)?.key ?? null, posterSource: cover ? "cover" : null, renditions: [] };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Deletes the stored objects of media rows that no longer exist (never of live ones). */
export async function purgeMediaObjects({ shopId, mediaIds }: { shopId: string; mediaIds: string[] }): Promise<number> {
  const live = await withShop(shopId, (tx) =>
    tx.select({ id: schema.media.id }).from(schema.media).where(inArray(schema.media.id, mediaIds)),
  );
  const liveIds = new Set(live.map((m) => m.id));
  let deleted = 0;
  for (const id of mediaIds) if (!liveIds.has(id)) deleted += await deletePrefix(mediaPrefix(shopId, id));
  return deleted;
}

// --- The media manager ----------------------------------------------------------------------

/** Each product's cover (its first ready image), for lists. */
export async function coverImages(tx: Tx, productIds: string[]): Promise<Map<string, { renditions: MediaRendition[]; alt: string }>> {
  if (!productIds.length) return new Map();
  const covers = await tx
    .selectDistinctOn([schema.media.productId], {
      productId: schema.media.productId,
      renditions: schema.media.renditions,
      alt: schema.media.alt,
    })
    .from(schema.media)
    .where(and(inArray(schema.media.productId, productIds), eq(schema.media.status, "ready"), eq(schema.media.kind, "image")))
    .orderBy(schema.media.productId, asc(schema.media.position), asc(schema.media.createdAt));
  return new Map(covers.map((c) => [c.productId, c]));
}

export function mediaView(m: Media) {
  // An upload whose URL expired without the browser saying it finished is not coming.
  const abandoned = m.status === "uploading" && Date.now() - m.createdAt.getTime() > UPLOAD_URL_SECONDS * 1000 + 60_000;
  const pick = (min: number) => m.renditions.find((r) => r.width >= min) ?? m.renditions.at(-1);
  const thumb = pick(160);
  const display = pick(480);
  return {
    id: m.id,
    kind: m.kind,
    status: abandoned ? ("failed" as const) : m.status,
    alt: m.alt,
    filename: m.filename,
    error: abandoned ? `${m.filename} did not finish uploading. Delete it and upload it again.` : m.error,
    width: m.width,
    height: m.height,
    durationMs: m.durationMs,
    storedBytes: m.storedBytes,
    position: m.position,
    posterSource: m.posterSource,
    needsApproval: m.needsApproval,
    thumbnailUrl: thumb ? publicObjectUrl(thumb.key) : m.posterKey ? publicObjectUrl(m.posterKey) : null,
    displayUrl: display ? publicObjectUrl(display.key) : null,
    originalUrl: publicObjectUrl(m.originalKey),
    renditions: m.renditions.map((r) => ({ width: r.width, url: publicObjectUrl(r.key) })),
  };
}
export type MediaView = ReturnType<typeof mediaView>;

export async function listProductMedia(shopId: string, productId: string): Promise<MediaView[]> {
  if (!isUuid(productId)) return [];
  const rows = await withShop(shopId, (tx) =>
    tx
      .select()
      .from(schema.media)
      .where(eq(schema.media.productId, productId))
      .orderBy(asc(schema.media.position), asc(schema.media.createdAt)),
  );
  return rows.map(mediaView);
}

/** Deletes one media item; its objects are purged after commit. */
export async function deleteMedia(shopId: string, productId: string, mediaId: string): Promise<boolean> {
  if (!isUuid(productId) || !isUuid(mediaId)) return false;
  return withShop(shopId, async (tx) => {
    const gone = await tx
      .delete(schema.media)
      .where(and(eq(schema.media.id, mediaId), eq(schema.media.productId, productId)))
      .returning({ id: schema.media.id, status: schema.media.status });
    if (!gone.length) return false;
    // A PUT still in flight could land after an immediate purge: wait until its URL has expired.
    const delayMs = gone[0].status === "uploading" ? UPLOAD_URL_SECONDS * 1000 + 60_000 : undefined;
    await enqueueAfterCommit(tx, { queue: "media", name: "purge-objects", payload: { shopId, mediaIds: [mediaId] }, shopId, delayMs });
    return true;
  });
}

export async function updateMediaAlt(shopId: string, productId: string, mediaId: string, alt: string): Promise<boolean> {
  if (!isUuid(productId) || !isUuid(mediaId)) return false;
  return withShop(shopId, async (tx) => {
    const done = await tx
      .update(schema.media)
      .set({ alt: alt.trim().slice(0, 300) })
      .where(and(eq(schema.media.id, mediaId), eq(schema.media.productId, productId)))
      .returning({ id: schema.media.id });
    return done.length > 0;
  });
}

/** Orders a product's media as given (the first is the cover); ids of other products are ignored. */
export async function reorderMedia(shopId: string, productId: string, orderedIds: string[]): Promise<boolean> {
  if (!isUuid(productId)) return false;
  return withShop(shopId, async (tx) => {
    const rows = await tx
      .select({ id: schema.media.id })
      .from(schema.media)
      .where(eq(schema.media.productId, productId))
      .orderBy(asc(schema.media.position), asc(schema.media.createdAt))
      .for("update");
    if (!rows.length) return false;
    const known = new Set(rows.map((r) => r.id));
    const order = [...new Set([...orderedIds.filter((id) => known.has(id)), ...rows.map((r) => r.id)])];
    for (const [position, id] of order.entries()) {
      await tx.update(schema.media).set({ position }).where(eq(schema.media.id, id));
    }
    return true;
  });
}

/** Makes one media item the cover (first); the others keep their order. */
export async function makeCover(shopId: string, productId: string, mediaId: string): Promise<boolean> {
  return reorderMedia(shopId, productId, [mediaId]);
}

/** Inserts a media row after the product's other media. */
async function insertMediaLast(tx: Tx, row: Omit<typeof schema.media.$inferInsert, "position">) {
  const [{ next }] = await tx
    .select({ next: sql<number>`coalesce(max(${schema.media.position}), -1)::int + 1` })
    .from(schema.media)
    .where(eq(schema.media.productId, row.productId));
  await tx.insert(schema.media).values({ ...row, position: next });
}

/**
 * Records media made for the product by AI (a try-on image, a video) whose original is already in
 * the bucket, with the id given (the AI job's: a second insert is a no-op), and queues its
 * processing. Once processed it waits in pending_approval, off the storefront, until approved.
 * Returns whether the row was new.
 */
export async function addGeneratedMedia(
  tx: Tx,
  item: {
    shopId: string;
    id: string;
    productId: string;
    kind: "image" | "video";
    filename: string;
    contentType: string;
    bytes: number;
    originalKey: string;
  },
): Promise<boolean> {
  const [existing] = await tx.select({ id: schema.media.id }).from(schema.media).where(eq(schema.media.id, item.id));
  if (existing) return false;
  await insertMediaLast(tx, {
    shopId: item.shopId,
    id: item.id,
    productId: item.productId,
    kind: item.kind,
    status: "processing",
    needsApproval: true,
    filename: item.filename,
    contentType: item.contentType,
    declaredBytes: item.bytes,
    storedBytes: item.bytes,
    originalKey: item.originalKey,
  });
  await enqueueAfterCommit(tx, {
    queue: "media",
    name: "process",
    payload: { shopId: item.shopId, mediaId: item.id },
    shopId: item.shopId,
  });
  return true;
}

/** The merchant's decision on AI-made media: approve puts it in the catalog, reject deletes it. */
export async function reviewGeneratedMedia(
  shopId: string,
  productId: string,
  mediaId: string,
  decision: "approve" | "reject",
): Promise<boolean> {
  if (!isUuid(productId) || !isUuid(mediaId)) return false;
  if (decision === "reject") {
    const [row] = await withShop(shopId, (tx) =>
      tx
        .select({ needsApproval: schema.media.needsApproval })
        .from(schema.media)
        .where(and(eq(schema.media.id, mediaId), eq(schema.media.productId, productId))),
    );
    return row?.needsApproval ? deleteMedia(shopId, productId, mediaId) : false;
  }
  return withShop(shopId, async (tx) => {
    const done = await tx
      .update(schema.media)
      .set({ status: "ready", needsApproval: false })
      .where(and(eq(schema.media.id, mediaId), eq(schema.media.productId, productId), eq(schema.media.status, "pending_approval")))
      .returning({ id: schema.media.id });
    return done.length > 0;
  });
}

/**
 * Records an image whose original is already in the bucket (generated, copied by an import) and
 * queues its processing, in the caller's transaction.
 */
export async function addStoredImage(
  tx: Tx,
  image: {
    shopId: string;
    id: string;
    productId: string;
    alt: string;
    filename: string;
    contentType: string;
    bytes: number;
    originalKey: string;
  },
): Promise<void> {
  await insertMediaLast(tx, {
    shopId: image.shopId,
    id: image.id,
    productId: image.productId,
    kind: "image",
    status: "processing",
    alt: image.alt,
    filename: image.filename,
    contentType: image.contentType,
    declaredBytes: image.bytes,
    storedBytes: image.bytes,
    originalKey: image.originalKey,
  });
  await enqueueAfterCommit(tx, {
    queue: "media",
    name: "process",
    payload: { shopId: image.shopId, mediaId: image.id },
    shopId: image.shopId,
  });
}

/**
 * Adds an image we already hold (demo data, generated artwork) to a product: stored under the
 * media's prefix and processed by the media job like an upload.
 */
export async function addImageFromBuffer(
  shopId: string,
  productId: string,
  image: { body: Buffer; contentType: "image/jpeg" | "image/png" | "image/webp"; filename: string; alt: string },
): Promise<string> {
  const mediaId = randomUUID();
  const key = `${mediaPrefix(shopId, mediaId)}original.${extensionOf(image.contentType)}`;
  await putObject({ key, body: image.body, contentType: image.contentType });
  try {
    await withShop(shopId, async (tx) => {
      await assertStorageAllowance(tx, shopId, image.body.length);
      await addStoredImage(tx, {
        shopId,
        id: mediaId,
        productId,
        alt: image.alt,
        filename: image.filename,
        contentType: image.contentType,
        bytes: image.body.length,
        originalKey: key,
      });
    });
  } catch (error) {
    // Refused (over the plan's storage) or failed: the object no row points to goes too.
    await deleteObjects([key]);
    throw error;
  }
  return mediaId;
}
