/**
 * The one media ingest (app/domain/media/ingest.server.ts): an image is what it claims only if it
 * decodes wholly as that type; what is kept is sharp's re-encoded copy.
 */
import zlib from "node:zlib";

import sharp from "sharp";
import { describe, expect, it } from "vitest";

import { ingestImage, toPng } from "~/domain/media/ingest.server";

const picture = (format: "png" | "jpeg" | "webp", width = 320, height = 200) => {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 15, g: 118, b: 110 } } });
  return (format === "png" ? image.png() : format === "jpeg" ? image.jpeg() : image.webp()).toBuffer();
};
const html = Buffer.from("<html><body><script>alert(document.cookie)</script></body></html>".repeat(20));

describe("ingestImage", () => {
  it("re-encodes each accepted type as itself, with the decoded pixels' size", async () => {
    for (const [format, type] of [
      ["png", "image/png"],
      ["jpeg", "image/jpeg"],
      ["webp", "image/webp"],
    ] as const) {
      const result = await ingestImage(await picture(format), { claimed: type, name: `a.${format}` });
      if (!result.ok) throw new Error(result.message);
      expect(result).toMatchObject({ contentType: type, width: 320, height: 200 });
      expect((await sharp(result.body).metadata()).format).toBe(format);
    }
  });

  it("drops whatever follows a real image (an HTML polyglot), and its metadata", async () => {
    const tagged = await sharp(await picture("jpeg"))
      .withMetadata({ exif: { IFD0: { Copyright: "secret-location-42" } } })
      .jpeg()
      .toBuffer();
    const result = await ingestImage(Buffer.concat([tagged, html]), { claimed: "image/jpeg" });
    if (!result.ok) throw new Error(result.message);
    expect(result.body.includes("<script>")).toBe(false);
    expect(result.body.includes("secret-location-42")).toBe(false);
    expect((await sharp(result.body).metadata()).exif).toBeUndefined();
  });

  it("refuses, with a message, a PNG header followed by HTML, a truncated file and a file of another type", async () => {
    const png = await picture("png", 600, 800);
    const headerOnly = await ingestImage(Buffer.concat([png.subarray(0, 33), html]), { claimed: "image/png", name: "model.png" });
    expect(headerOnly).toMatchObject({ ok: false, problem: "not-image", sniffed: "image/png" });
    expect(headerOnly.ok || headerOnly.message).toBe("model.png is not a JPG, PNG, WEBP image we can read.");

    const jpeg = await picture("jpeg");
    expect(await ingestImage(jpeg.subarray(0, jpeg.length / 2), { claimed: "image/jpeg" })).toMatchObject({
      ok: false,
      problem: "not-image",
    });
    expect(await ingestImage(html, { claimed: "image/png" })).toMatchObject({ ok: false, problem: "not-image", sniffed: undefined });

    const webpAsPng = await ingestImage(await picture("webp"), { claimed: "image/png", name: "x.png" });
    expect(webpAsPng).toMatchObject({ ok: false, problem: "wrong-type" });
    expect(webpAsPng.ok || webpAsPng.message).toBe("x.png was sent as image/png, but it is a WEBP image.");
  });

  it("takes only the types the caller accepts, and no more bytes than allowed", async () => {
    const webp = await picture("webp");
    expect(await ingestImage(webp, { accept: ["image/jpeg", "image/png"] })).toMatchObject({ ok: false, problem: "not-image" });
    const big = await ingestImage(webp, { maxBytes: 100, name: "big.webp" });
    expect(big).toMatchObject({ ok: false, problem: "too-large" });
    expect(big.ok || big.message).toMatch(/^big\.webp is .* at most 100 B\.$/);
  });

  it("refuses a decompression bomb (more pixels than any product photo) without decoding it", async () => {
    // A small PNG whose header says 20,000 × 20,000 px (400 million pixels, 1.2 GB decoded).
    const bomb = Buffer.from(await picture("png", 16, 16));
    bomb.writeUInt32BE(20_000, 16);
    bomb.writeUInt32BE(20_000, 20);
    bomb.writeUInt32BE(zlib.crc32(bomb.subarray(12, 29)), 29);
    expect(await ingestImage(bomb, { claimed: "image/png" })).toMatchObject({ ok: false, problem: "not-image" });
  });

  it("toPng turns an image we hold into a PNG for providers that take only JPEG or PNG", async () => {
    const png = await toPng(await picture("webp"));
    expect((await sharp(png).metadata()).format).toBe("png");
  });
});
