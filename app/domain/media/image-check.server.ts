/**
 * Every uploaded image is decoded and re-encoded by sharp before it is stored or shown: a file is
 * an image only if it decodes entirely as the type its first bytes and its sender claim. The
 * re-encoded copy carries no trailing bytes (an HTML or script "polyglot" after a real image), no
 * metadata (EXIF location), and the EXIF orientation applied — so what we store and serve is a
 * plain image of its true type. Used for model photos, supplier images, and by the media job on the
 * first read of a presigned browser upload.
 */
import sharp from "sharp";

import { IMAGE_TYPES, sniffContentType } from "./media-rules";

export type ImageType = keyof typeof IMAGE_TYPES;

export type CheckedImage =
  { ok: true; body: Buffer; contentType: ImageType; width: number; height: number } | { ok: false; sniffed: string | undefined };

const SHARP_FORMAT: Record<ImageType, "jpeg" | "png" | "webp"> = { "image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp" };
/** Larger than any product photo, small enough that a decompression bomb is refused unread. */
const MAX_PIXELS = 80_000_000;

/**
 * The image re-encoded in its own format, or why not: `allowed` lists the types the caller takes,
 * `claimed` (when given) is the type the sender declared, which the contents must match.
 */
export async function reencodeImage(bytes: Buffer, allowed: readonly ImageType[], claimed?: string): Promise<CheckedImage> {
  const sniffed = sniffContentType(bytes.subarray(0, 16));
  const type = allowed.find((t) => t === sniffed);
  if (!type || (claimed !== undefined && claimed.toLowerCase() !== type)) return { ok: false, sniffed };
  try {
    const image = sharp(bytes, { failOn: "error", limitInputPixels: MAX_PIXELS });
    const meta = await image.metadata();
    if (meta.format !== SHARP_FORMAT[type]) return { ok: false, sniffed };
    const encoded = image.rotate();
    const out =
      type === "image/jpeg"
        ? encoded.jpeg({ quality: 90, mozjpeg: true })
        : type === "image/png"
          ? encoded.png({ compressionLevel: 9 })
          : encoded.webp({ quality: 90 });
    const { data, info } = await out.toBuffer({ resolveWithObject: true });
    return { ok: true, body: data, contentType: type, width: info.width, height: info.height };
  } catch {
    return { ok: false, sniffed }; // truncated, corrupt, or not the image its header says
  }
}
