/**
 * The object store through the S3 API: Cloudflare R2 in production, s3rver locally and in tests.
 * The only file that speaks S3. R2's contract (shared PROVIDERS.md):
 *
 * - region `auto`, SigV4; presigned GET/PUT/HEAD/DELETE only (no POST form uploads), ≤ 7 days;
 * - no ACL headers, no tagging, no KMS: nothing here sets them;
 * - with @aws-sdk/client-s3 ≥ 3.729, checksums only WHEN_REQUIRED, or R2 answers 501 (and
 *   s3rver stores the checksum framing inside streamed bodies);
 * - browser uploads need a bucket CORS rule with explicit AllowedHeaders (not `*`);
 * - public delivery through a public bucket domain / CDN (MEDIA_PUBLIC_BASE_URL), not presigned GETs.
 */
import type { CORSRule, S3Client } from "@aws-sdk/client-s3";

import { config } from "~/config.server";

const KEY = Symbol.for("netshop.storage");
type Holder = { [KEY]?: S3Client };

type S3Sdk = typeof import("@aws-sdk/client-s3");
let sdkLoading: Promise<S3Sdk> | undefined;

/**
 * The AWS SDK (about 800 KB of JavaScript) is loaded on the first call that needs it, not when a
 * process starts: most requests never touch the object store (start-up time, issue 19).
 */
async function s3(): Promise<{ sdk: S3Sdk; client: S3Client }> {
  const sdk = await (sdkLoading ??= import("@aws-sdk/client-s3"));
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const env = config();
    holder[KEY] = new sdk.S3Client({
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
      credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: 3,
    });
  }
  return { sdk, client: holder[KEY] };
}

const presigner = () => import("@aws-sdk/s3-request-presigner");

const bucket = () => config().S3_BUCKET;

/** The address customers' browsers load an object from (public bucket domain or CDN). */
export function publicObjectUrl(key: string): string {
  return `${config().MEDIA_PUBLIC_BASE_URL}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/** The object key a public URL of ours points at, or undefined for any other URL. */
export function keyFromPublicUrl(url: string): string | undefined {
  const base = `${config().MEDIA_PUBLIC_BASE_URL}/`;
  if (!url.startsWith(base)) return undefined;
  try {
    return url.slice(base.length).split("/").map(decodeURIComponent).join("/");
  } catch {
    return undefined;
  }
}

export interface PresignedUpload {
  method: "PUT";
  url: string;
  /** Send exactly these headers with the PUT: they are part of the signature. */
  headers: Record<string, string>;
  expiresAt: string;
}

/**
 * The only types we store: media the bucket may serve publicly, and downloads. Never HTML, SVG,
 * XML or script — the media origin must not serve anything a browser would run, whatever a
 * caller passes (checked for every write, presigned or ours).
 */
const STORABLE_TYPES = /^(image\/(jpeg|png|webp)|video\/(mp4|webm)|application\/(zip|pdf)|text\/csv(;\s*charset=utf-8)?)$/i;
export const isStorableType = (contentType: string): boolean => STORABLE_TYPES.test(contentType);

function assertStorable(contentType: string): void {
  if (!isStorableType(contentType)) throw new Error(`refusing to store an object of type ${JSON.stringify(contentType)}`);
}

/**
 * A presigned PUT for one object of exactly `contentLength` bytes of `contentType`. Both are
 * signed, so the store refuses a different type or size; no checksum or ACL parameter is added.
 */
export async function presignUpload(input: {
  key: string;
  contentType: string;
  contentLength: number;
  expiresInSeconds?: number;
}): Promise<PresignedUpload> {
  assertStorable(input.contentType);
  const expiresIn = Math.min(input.expiresInSeconds ?? 900, 7 * 24 * 3600);
  const { sdk, client } = await s3();
  const { getSignedUrl } = await presigner();
  const url = await getSignedUrl(
    client,
    new sdk.PutObjectCommand({
      Bucket: bucket(),
      Key: input.key,
      ContentType: input.contentType,
      ContentLength: input.contentLength,
    }),
    { expiresIn, signableHeaders: new Set(["content-type", "content-length"]) },
  );
  return {
    method: "PUT",
    url,
    headers: { "Content-Type": input.contentType },
    expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
  };
}

/**
 * A presigned GET for a private object (a personal-data export): short-lived, and the browser
 * saves it under `filename`. Private objects live under PRIVATE_PREFIX, which the public bucket
 * domain must not serve (the R2 custom domain is restricted to the media prefixes).
 */
export async function presignDownload(input: { key: string; filename: string; expiresInSeconds?: number }): Promise<string> {
  const expiresIn = Math.min(input.expiresInSeconds ?? 300, 7 * 24 * 3600);
  const { sdk, client } = await s3();
  const { getSignedUrl } = await presigner();
  return getSignedUrl(
    client,
    new sdk.GetObjectCommand({
      Bucket: bucket(),
      Key: input.key,
      ResponseContentDisposition: `attachment; filename="${input.filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
    }),
    { expiresIn },
  );
}

/** Where objects that must never be public are kept (personal-data exports). */
export const PRIVATE_PREFIX = "private/";

export interface ObjectInfo {
  bytes: number;
  contentType: string | undefined;
}

/** Size and type of a stored object, or undefined when there is none. */
export async function headObject(key: string): Promise<ObjectInfo | undefined> {
  const { sdk, client } = await s3();
  try {
    const head = await client.send(new sdk.HeadObjectCommand({ Bucket: bucket(), Key: key }));
    return { bytes: head.ContentLength ?? 0, contentType: head.ContentType };
  } catch (error) {
    if (isNotFound(error, sdk)) return undefined;
    throw error;
  }
}

/** The first `length` bytes of an object (for checking what a file really is). */
export async function readObjectStart(key: string, length: number): Promise<Buffer> {
  const { sdk, client } = await s3();
  const out = await client.send(new sdk.GetObjectCommand({ Bucket: bucket(), Key: key, Range: `bytes=0-${length - 1}` }));
  return Buffer.from(await out.Body!.transformToByteArray()).subarray(0, length);
}

export async function readObject(key: string): Promise<Buffer> {
  const { sdk, client } = await s3();
  const out = await client.send(new sdk.GetObjectCommand({ Bucket: bucket(), Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/**
 * How the media origin serves an object, stored with it (S3 and R2 cannot add headers such as
 * `nosniff` per object, but they return the Content-Type and Content-Disposition they were given):
 * our re-encoded images and videos `inline` under their true type; anything else (CSV, ZIP, PDF
 * exports) `attachment`, so a browser opening its URL saves it and never renders it as a page.
 */
export function contentDispositionFor(key: string, contentType: string): string {
  if (/^(image|video)\//i.test(contentType)) return "inline";
  const name = (key.split("/").pop() ?? "download").replace(/[^A-Za-z0-9._-]/g, "_");
  return `attachment; filename="${name}"`;
}

/** Stores a body we made ourselves (renditions, exports). Public media are cached for a year. */
export async function putObject(input: { key: string; body: Buffer | string; contentType: string; immutable?: boolean }): Promise<number> {
  const { sdk, client } = await s3();
  assertStorable(input.contentType);
  const body = typeof input.body === "string" ? Buffer.from(input.body) : input.body;
  await client.send(
    new sdk.PutObjectCommand({
      Bucket: bucket(),
      Key: input.key,
      Body: body,
      ContentType: input.contentType,
      ContentDisposition: contentDispositionFor(input.key, input.contentType),
      ContentLength: body.length,
      CacheControl: input.immutable ? "public, max-age=31536000, immutable" : undefined,
    }),
  );
  return body.length;
}

export async function copyObject(fromKey: string, toKey: string): Promise<void> {
  const { sdk, client } = await s3();
  await client.send(
    new sdk.CopyObjectCommand({
      Bucket: bucket(),
      Key: toKey,
      CopySource: `${bucket()}/${fromKey.split("/").map(encodeURIComponent).join("/")}`,
    }),
  );
}

/** Every key under a prefix. */
export async function listKeys(prefix: string): Promise<string[]> {
  const { sdk, client } = await s3();
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new sdk.ListObjectsV2Command({ Bucket: bucket(), Prefix: prefix, ContinuationToken: token }));
    for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/**
 * Deletes objects one request each: DeleteObjects (the batch call) requires a Content-MD5 or
 * checksum header, which is exactly what R2 and s3rver disagree on. Missing objects are fine.
 */
export async function deleteObjects(keys: string[]): Promise<void> {
  const { sdk, client } = await s3();
  for (const key of keys) {
    await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket(), Key: key }));
  }
}

/** Deletes everything under a prefix; returns how many objects there were. */
export async function deletePrefix(prefix: string): Promise<number> {
  if (!prefix.endsWith("/")) throw new Error("deletePrefix needs a folder prefix ending in /");
  const keys = await listKeys(prefix);
  await deleteObjects(keys);
  return keys.length;
}

/**
 * The bucket CORS rule browser uploads need: PUT (and GET/HEAD for previews) from the app's
 * origins, with the one request header the presigned PUT signs listed explicitly (R2 rejects
 * `*`), and ETag exposed.
 */
export function browserUploadCorsRules(origins: string[]): CORSRule[] {
  return [
    {
      AllowedOrigins: origins,
      AllowedMethods: ["PUT", "GET", "HEAD"],
      AllowedHeaders: ["content-type"],
      ExposeHeaders: ["ETag"],
      MaxAgeSeconds: 3600,
    },
  ];
}

/** The same rules as an S3 CORSConfiguration document (s3rver's bucket configuration). */
export function browserUploadCorsXml(origins: string[]): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const rules = browserUploadCorsRules(origins)
    .map(
      (rule) =>
        "<CORSRule>" +
        (rule.AllowedOrigins ?? []).map((o) => `<AllowedOrigin>${esc(o)}</AllowedOrigin>`).join("") +
        (rule.AllowedMethods ?? []).map((m) => `<AllowedMethod>${m}</AllowedMethod>`).join("") +
        (rule.AllowedHeaders ?? []).map((h) => `<AllowedHeader>${esc(h)}</AllowedHeader>`).join("") +
        (rule.ExposeHeaders ?? []).map((h) => `<ExposeHeader>${esc(h)}</ExposeHeader>`).join("") +
        `<MaxAgeSeconds>${rule.MaxAgeSeconds}</MaxAgeSeconds>` +
        "</CORSRule>",
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?><CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules}</CORSConfiguration>`;
}

/** Puts the browser-upload CORS rule on the configured bucket (`npm run storage:cors`). */
export async function applyBrowserUploadCors(origins: string[]): Promise<void> {
  const { sdk, client } = await s3();
  await client.send(new sdk.PutBucketCorsCommand({ Bucket: bucket(), CORSConfiguration: { CORSRules: browserUploadCorsRules(origins) } }));
}

function isNotFound(error: unknown, sdk: S3Sdk): boolean {
  return (
    error instanceof sdk.S3ServiceException &&
    (error.$metadata.httpStatusCode === 404 || error.name === "NotFound" || error.name === "NoSuchKey")
  );
}

export function closeStorage(): void {
  const holder = globalThis as Holder;
  holder[KEY]?.destroy();
  delete holder[KEY];
}
