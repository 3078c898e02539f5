/**
 * The one way an image from outside gets in (issue 15). Every upload path — product media
 * (presigned browser uploads, on the media job's first read), supplier images, AI-studio model
 * photos, theme logos, favicons and hero images, imports and provider results — passes the bytes
 * here before anything is stored or shown:
 *
 * - the file is an image only if it decodes entirely, with sharp, as the type its first bytes and
 *   its sender claim (a PNG header followed by HTML, a truncated JPEG, a WebP called `image/png`
 *   are refused, with a message saying which);
 * - what is kept is sharp's re-encoded copy: no trailing bytes (an HTML or script "polyglot"
 *   after a real image), no metadata (EXIF location), the EXIF orientation applied, and the
 *   dimensions of the decoded pixels, never a header's;
 * - a decompression bomb is refused unread (limitInputPixels).
 */

import { formatBytes } from "~/lib/bytes";
import { loadSharp } from "~/lib/sharp.server";

import { IMAGE_TYPES, MAX_IMAGE_BYTES, sniffContentType } from "./media-rules";

export type ImageType = keyof typeof IMAGE_TYPES;
export const ALL_IMAGE_TYPES = Object.keys(IMAGE_TYPES) as ImageType[];

/** Why an image was refused: `not-image` (does not decode as an accepted type), `wrong-type` (decodes, but not as claimed), `too-large`. */
export type IngestProblem = "not-image" | "wrong-type" | "too-large";

export type IngestedImage =
  | { ok: true; body: Buffer; contentType: ImageType; width: number; height: number }
  | { ok: false; problem: IngestProblem; message: string; sniffed: string | undefined };

const SHARP_FORMAT: Record<ImageType, "jpeg" | "png" | "webp"> = { "image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp" };
/** Larger than any product photo, small enough that a decompression bomb is refused unread. */
const MAX_PIXELS = 80_000_000;

const typeNames = (types: readonly ImageType[]) => types.map((t) => IMAGE_TYPES[t].toUpperCase()).join(", ");

/**
 * The image re-encoded in its own format, or why not. `accept` lists the types the caller takes;
 * `claimed` (when given: a form file's type, a media row's) is the type the sender declared, which
 * the contents must match; `name` is the file's name for the message.
 */
export async function ingestImage(
  bytes: Buffer,
  options: { accept?: readonly ImageType[]; claimed?: string; name?: string; maxBytes?: number } = {},
): Promise<IngestedImage> {
  const accept = options.accept ?? ALL_IMAGE_TYPES;
  const name = options.name?.trim() || "This file";
  const max = options.maxBytes ?? MAX_IMAGE_BYTES;
  const sniffed = sniffContentType(bytes.subarray(0, 16));
  const refuse = (problem: IngestProblem, message: string) => ({ ok: false as const, problem, message, sniffed });
  if (bytes.length > max) return refuse("too-large", `${name} is ${formatBytes(bytes.length)}: images can be at most ${formatBytes(max)}.`);
  const type = accept.find((t) => t === sniffed);
  const notImage = refuse("not-image", `${name} is not a ${typeNames(accept)} image we can read.`);
  if (!type) return notImage;
  const claimed = options.claimed?.split(";")[0].trim().toLowerCase();
  if (claimed && claimed !== type)
    return refuse("wrong-type", `${name} was sent as ${claimed}, but it is a ${IMAGE_TYPES[type].toUpperCase()} image.`);
  const sharp = await loadSharp();
  try {
    const image = sharp(bytes, { failOn: "error", limitInputPixels: MAX_PIXELS });
    const meta = await image.metadata();
    if (meta.format !== SHARP_FORMAT[type]) return notImage;
    const oriented = image.rotate();
    const out =
      type === "image/jpeg"
        ? oriented.jpeg({ quality: 90, mozjpeg: true })
        : type === "image/png"
          ? oriented.png({ compressionLevel: 9 })
          : oriented.webp({ quality: 90 });
    const { data, info } = await out.toBuffer({ resolveWithObject: true });
    return { ok: true, body: data, contentType: type, width: info.width, height: info.height };
  } catch {
    return notImage; // truncated, corrupt, too many pixels, or not the image its header says
  }
}

/** An image we hold (already ingested) as a PNG, for a provider that takes only JPEG or PNG. */
export async function toPng(bytes: Buffer): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(bytes, { failOn: "error", limitInputPixels: MAX_PIXELS }).rotate().png().toBuffer();
}
