/**
 * Reads a request body as the form it claims to be, or says exactly why it cannot: the one body
 * parser behind `readForm` and `readUploadForm` (app/lib/csrf.server.ts), so every form route
 * answers hostile bodies the same way — never with a 500:
 *
 * - a Content-Type that is not a web form (JSON, text/plain, none, multipart without a boundary) → 415;
 * - a body that does not parse as that form (truncated multipart, a multipart header over a plain
 *   body) → 400;
 * - a NUL byte or broken UTF-8 in any field name, value or file name → 400, before anything can
 *   reach PostgreSQL;
 * - a file over the route's limit, or a body over the form's limit → 413 (`field` says which input).
 *
 * Sizes are enforced while streaming, never after buffering an unbounded body.
 */
import { unstable_parseMultipartFormData as parseMultipartFormData } from "@remix-run/node";

import { isCleanText, isCleanUtf8 } from "./text";

/** A urlencoded form (every field of every page, including long product descriptions). */
export const MAX_URLENCODED_BYTES = 2 * 1024 * 1024;
/** One text field of a multipart form. */
export const MAX_MULTIPART_TEXT_BYTES = 1024 * 1024;
/** A file sent to a form that does not expect one (routes with uploads pass their own limit). */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
/**
 * A refused body is still read (and dropped) up to this much, so that the client — mid-upload —
 * receives our 413 instead of a reset connection; beyond it the connection is cut.
 */
const DRAIN_BYTES = 64 * 1024 * 1024;
/** Fields in one form (the product editor's variants stay far below). */
const MAX_FIELDS = 5000;

export type FormProblemKind = "form" | "formType" | "text" | "tooLarge" | "formTooLarge";

export class FormProblem extends Error {
  constructor(
    readonly kind: FormProblemKind,
    readonly status: 400 | 413 | 415,
    readonly field?: string,
    readonly maxBytes?: number,
  ) {
    super(`form problem: ${kind}`);
  }
}

export interface FormLimits {
  /** Largest file accepted in any file input (bytes). */
  maxFileBytes?: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export async function parseFormBody(request: Request, limits: FormLimits = {}): Promise<FormData> {
  const contentType = (request.headers.get("Content-Type") ?? "").toLowerCase();
  const mediaType = contentType.split(";")[0].trim();
  if (mediaType === "application/x-www-form-urlencoded") return parseUrlEncoded(request);
  if (mediaType === "multipart/form-data") {
    if (!/;\s*boundary=[^;\s]+/.test(contentType)) throw new FormProblem("formType", 415);
    return parseMultipart(request, limits.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  }
  throw new FormProblem("formType", 415);
}

/** Reads at most `max` bytes of the body; a longer body is a 413 (`field` undefined: the form as a whole). */
async function readBody(request: Request, max: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("Content-Length") ?? NaN);
  if (declared > max) throw await drained(request, new FormProblem("formTooLarge", 413, undefined, max));
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > max) throw new FormProblem("formTooLarge", 413, undefined, max);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof FormProblem) throw error;
    throw new FormProblem("form", 400); // the client went away or sent a broken chunked body
  }
  return Buffer.concat(chunks);
}

async function parseUrlEncoded(request: Request): Promise<FormData> {
  const body = await readBody(request, MAX_URLENCODED_BYTES);
  const form = new FormData();
  let start = 0;
  let fields = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x26 /* & */, start);
    if (end === -1) end = body.length;
    if (end > start) {
      if (++fields > MAX_FIELDS) throw new FormProblem("formTooLarge", 413, undefined, MAX_URLENCODED_BYTES);
      const pair = body.subarray(start, end);
      const eq = pair.indexOf(0x3d /* = */);
      const name = decodeComponent(eq === -1 ? pair : pair.subarray(0, eq));
      const value = eq === -1 ? "" : decodeComponent(pair.subarray(eq + 1));
      form.append(name, value);
    }
    start = end + 1;
  }
  return form;
}

/** One name or value of a urlencoded body: `+` is a space, `%XX` a byte (a stray `%` stays, as browsers read it). */
function decodeComponent(raw: Uint8Array): string {
  const out = new Uint8Array(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === 0x2b) out[n++] = 0x20;
    else if (b === 0x25 && i + 2 < raw.length && isHex(raw[i + 1]) && isHex(raw[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(raw[i + 1], raw[i + 2]), 16);
      i += 2;
    } else out[n++] = b;
  }
  const bytes = out.subarray(0, n);
  if (!isCleanUtf8(bytes)) throw new FormProblem("text", 400);
  return utf8.decode(bytes);
}

function isHex(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
}

async function parseMultipart(request: Request, maxFileBytes: number): Promise<FormData> {
  // A declared length beyond every file and field we could accept is refused before reading.
  const declared = Number(request.headers.get("Content-Length") ?? NaN);
  if (declared > maxFileBytes + MAX_URLENCODED_BYTES)
    throw await drained(request, new FormProblem("tooLarge", 413, undefined, maxFileBytes));
  let fields = 0;
  let textBytes = 0;
  let dropped = 0;
  let refused: FormProblem | undefined;
  try {
    const form = await parseMultipartFormData(request, async ({ name, filename, contentType, data }) => {
      if (++fields > MAX_FIELDS) throw new FormProblem("formTooLarge", 413, undefined, MAX_URLENCODED_BYTES);
      if (!isCleanText(name) || (filename !== undefined && !isCleanText(filename))) throw new FormProblem("text", 400);
      const isFile = typeof filename === "string";
      const limit = isFile ? maxFileBytes : MAX_MULTIPART_TEXT_BYTES;
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of data) {
        size += chunk.byteLength;
        if (size > limit || refused) {
          // Keep reading (and dropping) so the 413 reaches a client still sending; cut off a flood.
          refused ??= isFile ? new FormProblem("tooLarge", 413, name, limit) : new FormProblem("formTooLarge", 413, name, limit);
          dropped += chunk.byteLength;
          if (dropped > DRAIN_BYTES) throw refused;
          chunks.length = 0;
          continue;
        }
        chunks.push(chunk);
      }
      if (refused) return undefined;
      if (isFile)
        return new File(chunks as BlobPart[], filename, { type: isCleanText(contentType) ? contentType : "application/octet-stream" });
      textBytes += size;
      if (textBytes > MAX_URLENCODED_BYTES) throw new FormProblem("formTooLarge", 413, undefined, MAX_URLENCODED_BYTES);
      const bytes = Buffer.concat(chunks);
      if (!isCleanUtf8(bytes)) throw new FormProblem("text", 400);
      return utf8.decode(bytes);
    });
    if (refused) throw refused;
    // A body without a single part (a plain body under a multipart header) is not this form.
    if (fields === 0) throw new FormProblem("form", 400);
    return form;
  } catch (error) {
    if (error instanceof FormProblem) throw error;
    throw new FormProblem("form", 400); // no boundary in the body, truncated, or not multipart at all
  }
}

/** Reads and drops what is left of a refused body (up to DRAIN_BYTES), then gives back the problem to throw. */
async function drained(request: Request, problem: FormProblem): Promise<FormProblem> {
  if (!request.body || request.bodyUsed) return problem;
  let size = 0;
  try {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > DRAIN_BYTES) break;
    }
  } catch {
    // the client went away: nothing to answer
  }
  return problem;
}
