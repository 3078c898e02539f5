import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import type { Worker } from "bullmq";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { shopStorage } from "~/domain/catalog/shop-usage.server";
import { completeUpload, deleteMedia, listProductMedia, mediaPrefix, requestUpload } from "~/domain/media/media.server";
import { ffmpegPath } from "~/domain/media/video.server";
import { headObject, listKeys } from "~/integrations/storage.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema, withShop } from "~db/client";

import { startMediaWorker } from "../../workers/media";
import { OutboxDispatcher } from "../../workers/outbox-dispatcher";
import { until } from "../helpers/async";
import { makePng, makeProduct } from "../helpers/catalog";
import { makeShop, makeUser, unique } from "../helpers/factories";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";

// Its own database and Redis: this file runs the media worker and the outbox dispatcher.
let stack: IsolatedStack;
let dispatcher: OutboxDispatcher;
let worker: Worker;
let owner: { id: string };
let shop: { id: string };
let productId: string;

beforeAll(async () => {
  stack = await isolatedStack();
  dispatcher = new OutboxDispatcher(200);
  await dispatcher.start();
  worker = startMediaWorker();
  await worker.waitUntilReady();
  owner = await makeUser();
  shop = await makeShop(owner.id);
  productId = (await makeProduct(shop.id, owner.id, { title: "Rattan tote" })).productId;
});
afterAll(async () => {
  await dispatcher?.stop();
  await worker?.close();
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

/** What the browser does: ask for a signed PUT, send the bytes to the store, say it is done. */
async function upload(file: { body: Buffer; contentType: string; filename: string; declaredSize?: number }) {
  const signed = await requestUpload(shop.id, productId, {
    filename: file.filename,
    contentType: file.contentType,
    size: file.declaredSize ?? file.body.length,
  });
  if (!signed?.ok) throw new Error(`upload refused: ${JSON.stringify(signed)}`);
  const put = await fetch(signed.upload.url, { method: "PUT", headers: signed.upload.headers, body: new Uint8Array(file.body) });
  expect(put.status).toBe(200);
  return { mediaId: signed.mediaId, url: signed.upload.url, completed: await completeUpload(shop.id, productId, signed.mediaId) };
}
const mediaRow = async (id: string) => (await withShop(shop.id, (tx) => tx.select().from(schema.media).where(eq(schema.media.id, id))))[0];

describe("direct uploads to the store, then the media job", () => {
  it("signs a PUT for exactly this type and size, with no checksum or ACL parameters", async () => {
    const signed = await requestUpload(shop.id, productId, { filename: "a.png", contentType: "image/png", size: 1234 });
    if (!signed?.ok) throw new Error("refused");
    const url = new URL(signed.upload.url);
    expect(url.origin).toBe(new URL(process.env.S3_ENDPOINT!).origin);
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(/\/auto\/s3\/aws4_request$/); // region auto
    expect([...url.searchParams.keys()].filter((k) => /checksum|acl|tagging/i.test(k))).toEqual([]);
    expect(signed.upload.headers).toEqual({ "Content-Type": "image/png" });
  });

  it("stores an image, then makes webp renditions at several widths and records its dimensions and bytes", async () => {
    const png = await makePng(1200, 800);
    const { mediaId, completed } = await upload({ body: png, contentType: "image/png", filename: "tote.png" });
    expect(completed).toEqual({ ok: true, status: "processing" });
    const ready = await until(async () => {
      const m = await mediaRow(mediaId);
      return m.status === "ready" && m;
    });
    expect([ready.width, ready.height]).toEqual([1200, 800]);
    expect(ready.renditions.map((r) => [r.width, r.height])).toEqual([
      [160, 107],
      [480, 320],
      [960, 640],
      [1200, 800],
    ]);
    for (const r of ready.renditions) {
      expect(await headObject(r.key)).toEqual({ bytes: r.bytes, contentType: "image/webp" });
      const served = await fetch(`${process.env.MEDIA_PUBLIC_BASE_URL}/${r.key}`);
      expect(served.status).toBe(200);
      expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).format).toBe("webp");
    }
    // The original is replaced by its re-encoded copy (app/domain/media/ingest.server.ts).
    const original = await headObject(ready.originalKey);
    expect(original?.contentType).toBe("image/png");
    expect(ready.storedBytes).toBe(original!.bytes + ready.renditions.reduce((n, r) => n + r.bytes, 0));
    // Plus the 1,234 bytes signed in the first test: an upload in flight counts until its URL expires.
    expect((await shopStorage(shop.id)).used).toBe(ready.storedBytes + 1234);
  });

  it("checks the stored object again: a file that is not what was announced is deleted and explained", async () => {
    const jpeg = await sharp(await makePng(300, 300))
      .jpeg()
      .toBuffer();
    const liar = await upload({ body: jpeg, contentType: "image/png", filename: "photo.png" });
    expect(liar.completed).toEqual({ ok: false, errors: { form: "photo.png is not a real PNG file (its contents say image/jpeg)." } });
    const row = await mediaRow(liar.mediaId);
    expect(row.status).toBe("failed");
    expect(await headObject(row.originalKey)).toBeUndefined();

    const png = await makePng(300, 300);
    const signed = await requestUpload(shop.id, productId, { filename: "short.png", contentType: "image/png", size: png.length + 10 });
    if (!signed?.ok) throw new Error("refused");
    // The local store does not verify signatures (R2 refuses this PUT outright); our check after upload catches it.
    await fetch(signed.upload.url, { method: "PUT", headers: signed.upload.headers, body: new Uint8Array(png) });
    expect(await completeUpload(shop.id, productId, signed.mediaId)).toEqual({
      ok: false,
      errors: {
        form: `short.png: the stored file (${png.length} bytes) is not the ${png.length + 10}-byte file that was announced. Upload it again.`,
      },
    });
    const missing = await requestUpload(shop.id, productId, { filename: "never.png", contentType: "image/png", size: 100 });
    if (!missing?.ok) throw new Error("refused");
    expect(await completeUpload(shop.id, productId, missing.mediaId)).toEqual({
      ok: false,
      errors: { form: "never.png did not arrive in storage. Upload it again." },
    });
  });

  it("refuses before signing: wrong type, too large, over the plan's storage", async () => {
    expect(await requestUpload(shop.id, productId, { filename: "a.gif", contentType: "image/gif", size: 10 })).toEqual({
      ok: false,
      status: 400,
      errors: { form: "a.gif: use a JPG, PNG or WebP image, or an MP4 or WebM video." },
    });
    expect(
      await requestUpload(shop.id, productId, { filename: "huge.jpg", contentType: "image/jpeg", size: 10 * 1024 * 1024 + 1 }),
    ).toMatchObject({
      ok: false,
      status: 400,
    });
    const small = await makeShop(owner.id);
    const plan = unique("small");
    await asPlatform(async (tx) => {
      await tx.insert(schema.plans).values({ id: plan, name: "Small", productLimit: 10, storageLimitBytes: 5 * 1024 * 1024 });
      await tx.insert(schema.shopPlans).values({ shopId: small.id, planId: plan });
    });
    const product = await makeProduct(small.id, owner.id, { title: "Kite" });
    expect(
      await requestUpload(small.id, product.productId, { filename: "big.png", contentType: "image/png", size: 6 * 1024 * 1024 }),
    ).toEqual({
      ok: false,
      status: 403,
      errors: {
        form: "Your Small plan includes 5.0 MB of media and this shop uses 0 B: this file (6.0 MB) does not fit. Delete media you no longer need, or upgrade your plan.",
      },
      planLimit: { field: "form", limit: { limit: "storage", plan: "Small", allowed: 5 * 1024 * 1024, used: 0, adding: 6 * 1024 * 1024 } },
    });
    expect(
      await requestUpload(shop.id, "00000000-0000-4000-8000-000000000000", { filename: "a.png", contentType: "image/png", size: 10 }),
    ).toBeUndefined();
  });

  it("keeps a real frame of a video as its poster (ffmpeg from npm), with the video's size and length", async () => {
    expect(ffmpegPath()).toBeTruthy();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netshop-video-test-"));
    const file = path.join(dir, "clip.mp4");
    const made = spawnSync(ffmpegPath()!, [
      "-hide_banner",
      "-loglevel",
      "error",
      "-f",
      "lavfi",
      "-i",
      "testsrc=size=320x240:rate=10",
      "-t",
      "2",
      "-pix_fmt",
      "yuv420p",
      "-c:v",
      "libx264",
      file,
    ]);
    expect(made.status).toBe(0);
    const { mediaId, completed } = await upload({ body: fs.readFileSync(file), contentType: "video/mp4", filename: "clip.mp4" });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(completed).toEqual({ ok: true, status: "processing" });
    const ready = await until(async () => {
      const m = await mediaRow(mediaId);
      return m.status === "ready" && m;
    });
    expect([ready.width, ready.height, ready.posterSource]).toEqual([320, 240, "frame"]);
    expect(ready.durationMs).toBe(2000);
    expect(
      (await sharp(Buffer.from(await (await fetch(`${process.env.MEDIA_PUBLIC_BASE_URL}/${ready.posterKey}`)).arrayBuffer())).metadata())
        .width,
    ).toBe(320);
    expect(ready.renditions.map((r) => r.width)).toEqual([160, 320]);
  });

  it("deletes the objects of deleted media, and the shop's storage count drops", async () => {
    const { mediaId } = await upload({ body: await makePng(600, 600), contentType: "image/png", filename: "gone.png" });
    await until(async () => (await mediaRow(mediaId)).status === "ready");
    const prefix = mediaPrefix(shop.id, mediaId);
    expect((await listKeys(prefix)).length).toBe(4); // original and 160, 480, 600 wide
    const usedBefore = (await shopStorage(shop.id)).used;
    expect(await deleteMedia(shop.id, productId, mediaId)).toBe(true);
    await until(async () => (await listKeys(prefix)).length === 0);
    expect((await shopStorage(shop.id)).used).toBeLessThan(usedBefore);
    expect((await listProductMedia(shop.id, productId)).map((m) => m.id)).not.toContain(mediaId);
  });

  it("lets browsers on the app's origin upload to the bucket (CORS), and no other site", async () => {
    const signed = await requestUpload(shop.id, productId, { filename: "cors.png", contentType: "image/png", size: 10 });
    if (!signed?.ok) throw new Error("refused");
    const preflight = (origin: string) =>
      fetch(signed.upload.url, {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type" },
      });
    const ours = await preflight(process.env.PUBLIC_URL!);
    expect(ours.status).toBe(200);
    expect(ours.headers.get("access-control-allow-methods")).toContain("PUT");
    expect(ours.headers.get("access-control-allow-headers")).toBe("content-type");
    expect((await preflight("https://evil.example")).status).toBe(403);
  });
});
