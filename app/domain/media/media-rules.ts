// What media a product may have: checked in the browser before asking for an upload, on the
// server before signing it, and again on the stored object after the upload.
import { formatBytes } from "~/lib/bytes";

export const IMAGE_TYPES = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp" } as const;
export const VIDEO_TYPES = { "video/mp4": "mp4", "video/webm": "webm" } as const;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_VIDEO_BYTES = 200 * 1024 * 1024;
/** Widths of the webp renditions (never wider than the original). */
export const RENDITION_WIDTHS = [160, 480, 960, 1600] as const;
export const ACCEPT_ATTRIBUTE = [...Object.keys(IMAGE_TYPES), ...Object.keys(VIDEO_TYPES)].join(",");

export type MediaKind = "image" | "video";

export function mediaKindOf(contentType: string): MediaKind | undefined {
  if (contentType in IMAGE_TYPES) return "image";
  if (contentType in VIDEO_TYPES) return "video";
  return undefined;
}

export function extensionOf(contentType: string): string {
  return (IMAGE_TYPES as Record<string, string>)[contentType] ?? (VIDEO_TYPES as Record<string, string>)[contentType] ?? "bin";
}

/** Why a file cannot be uploaded, or undefined when it can. */
export function uploadProblem(file: { type: string; size: number; name?: string }): string | undefined {
  const kind = mediaKindOf(file.type);
  if (!kind) return `${file.name ?? "This file"}: use a JPG, PNG or WebP image, or an MP4 or WebM video.`;
  if (file.size <= 0) return `${file.name ?? "This file"} is empty.`;
  const max = kind === "image" ? MAX_IMAGE_BYTES : MAX_VIDEO_BYTES;
  if (file.size > max) {
    return `${file.name ?? "This file"} is ${formatBytes(file.size)}: ${kind === "image" ? "images" : "videos"} can be at most ${formatBytes(max)}.`;
  }
  return undefined;
}

/** What a file's first bytes say it is (magic numbers), for the check after upload. */
export function sniffContentType(head: Uint8Array): string | undefined {
  const b = head;
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b.length >= 8 && b[0] === 0x89 && ascii(1, 4) === "PNG" && b[4] === 0x0d && b[5] === 0x0a) return "image/png";
  if (b.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  if (b.length >= 12 && ascii(4, 8) === "ftyp") return "video/mp4";
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return "video/webm";
  return undefined;
}
