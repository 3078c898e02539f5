/**
 * Whole storefront responses kept per web process (issue 16): a page the HTTP layer marks public
 * (storefrontCaching in http.server.ts: browsing pages for a visitor without cookies, the same for
 * everyone with the same Accept-Language) is rendered once and then answered from memory, without
 * route matching, loaders or React, until the shop changes.
 *
 * Invalidation is the storefront cache's (app/domain/storefront/cache.server.ts): every row such a
 * page is built from notifies channel `netshop_storefront` at commit, whichever process wrote it,
 * and each process forgets that shop's pages when told (everything when its LISTEN connection was
 * re-established). A page is kept no longer than the earliest end of the data it was built from
 * (a flash sale starting or ending), at most MAX_AGE_MS (the `s-maxage` the page already
 * promises a CDN), and is not kept at all when a change was heard while it rendered.
 *
 * Each answer gets its own CSP nonce: the stored page's is replaced by the request's.
 */
import type { NextFunction, Request, Response } from "express";

import {
  onStorefrontChange,
  storefrontCacheLive,
  storefrontGeneration,
  trackValidity,
  type Validity,
} from "~/domain/storefront/cache.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";

const MAX_AGE_MS = 60_000;
const MAX_PAGE_BYTES = 1 << 20;
const MAX_TOTAL_BYTES = 64 << 20;
/** Headers that belong to one answer, not to the page (set again, per request, by the HTTP layer). */
const PER_ANSWER_HEADERS = new Set([
  "set-cookie",
  "x-request-id",
  "content-security-policy",
  "strict-transport-security",
  "vary",
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "date",
  "connection",
  "keep-alive",
  "x-page-cache",
]);

/**
 * `parts`: the page's bytes between the occurrences of its render's CSP nonce, which an answer
 * joins with its own (a nonce is base64, so ASCII): copying bytes, where replacing in a string and
 * encoding the result as UTF-8 for every answer took a quarter of a cached page's CPU time
 * (node --cpu-prof of bench:storefront: Buffer.byteLength and writeUtf8String, issue 16).
 */
type Page = { shopId: string; headers: Array<[string, string | string[]]>; parts: Buffer[]; until: number; bytes: number };

/** Insertion order is age order: the oldest page goes first when memory is short. */
const pages = new Map<string, Page>();
/** Pages being rendered now, by key: who asks meanwhile waits for that render. */
const rendering = new Map<string, Promise<void>>();
let totalBytes = 0;

function drop(key: string) {
  const page = pages.get(key);
  if (!page) return;
  pages.delete(key);
  totalBytes -= page.bytes;
}

onStorefrontChange((shopId) => {
  for (const [key, page] of pages) if (shopId === null || page.shopId === shopId) drop(key);
});

const SHOP_PATH = /^\/s\/([^/.]+)/;

/** Express middleware, after storefrontCaching and csrfCookie, in front of Remix. */
export function pageCache(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== "GET" || !res.locals.publicPage || !storefrontCacheLive()) return next();
  const slug = SHOP_PATH.exec(req.path)?.[1];
  if (!slug) return next();
  // The same page for everyone asking this host this URL in this language (the response's Vary).
  const key = `${res.locals.customDomain ? req.get("host") : ""}\n${req.url}\n${req.get("accept-language") ?? ""}`;
  const page = pages.get(key);
  if (page && page.until > Date.now()) return void answer(res, page);
  if (page) drop(key);
  const inFlight = rendering.get(key);
  if (inFlight) {
    // Visitors asking while the page renders (a flash sale's first second) wait for that one render.
    void inFlight.then(() => {
      const ready = pages.get(key);
      if (ready && ready.until > Date.now()) answer(res, ready);
      else next();
    });
    return;
  }
  let settle!: () => void;
  const render = new Promise<void>((resolve) => (settle = resolve));
  rendering.set(key, render);
  const finish = () => {
    if (rendering.get(key) === render) rendering.delete(key);
    settle();
  };
  // Settled when the page is kept (or refused); also when the visitor went away before the end.
  res.once("close", () => res.writableEnded || finish());
  const validity: Validity = { until: Date.now() + MAX_AGE_MS };
  remember(res, key, slug, validity, finish);
  trackValidity(validity, next);
}

function answer(res: Response, page: Page) {
  const nonce = res.locals.cspNonce as string;
  for (const [name, value] of page.headers) res.setHeader(name, value);
  res.setHeader("X-Page-Cache", "hit");
  const own = Buffer.from(nonce, "latin1");
  const body = page.parts.flatMap((part, i) => (i === 0 ? [part] : [own, part]));
  res.status(200).end(Buffer.concat(body));
}

/** Collects what Remix writes and keeps it when the answer is a complete, public 200. */
function remember(res: Response, key: string, slug: string, validity: Validity, finish: () => void) {
  const generation = storefrontGeneration();
  const nonce = res.locals.cspNonce as string;
  const chunks: Buffer[] = [];
  let bytes = 0;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  const collect = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === "function" || bytes > MAX_PAGE_BYTES) return;
    const buffer =
      typeof chunk === "string"
        ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8")
        : Buffer.from(chunk as Uint8Array);
    chunks.push(buffer);
    bytes += buffer.length;
  };
  res.setHeader("X-Page-Cache", "miss");
  res.write = function (...args: unknown[]) {
    collect(args[0], args[1]);
    return write(...args);
  } as typeof res.write;
  res.end = function (...args: unknown[]) {
    collect(args[0], args[1]);
    const result = end(...args);
    void keep(res, key, slug, validity, generation, nonce, chunks, bytes).finally(finish);
    return result;
  } as typeof res.end;
}

async function keep(
  res: Response,
  key: string,
  slug: string,
  validity: Validity,
  generation: number,
  nonce: string,
  chunks: Buffer[],
  bytes: number,
) {
  const cacheControl = String(res.getHeader("cache-control") ?? "");
  if (res.statusCode !== 200 || bytes > MAX_PAGE_BYTES || res.getHeader("set-cookie") !== undefined || !cacheControl.startsWith("public"))
    return;
  const shop = await storefrontShopBySlug(slug).catch(() => undefined);
  // A change heard while the page rendered: it may show what was true before it.
  if (!shop || !nonce || storefrontGeneration() !== generation || validity.until <= Date.now()) return;
  const headers = Object.entries(res.getHeaders()).flatMap(([name, value]) =>
    value === undefined || PER_ANSWER_HEADERS.has(name)
      ? []
      : [[name, typeof value === "number" ? String(value) : value] as [string, string | string[]]],
  );
  drop(key);
  pages.set(key, {
    shopId: shop.id,
    headers,
    parts: splitAt(Buffer.concat(chunks), Buffer.from(nonce, "latin1")),
    until: validity.until,
    bytes,
  });
  totalBytes += bytes;
  for (const oldest of pages.keys()) {
    if (totalBytes <= MAX_TOTAL_BYTES) break;
    drop(oldest);
  }
}

/** `body`'s bytes around each occurrence of `separator` (n occurrences: n + 1 parts). */
function splitAt(body: Buffer, separator: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = body.indexOf(separator); at !== -1; at = body.indexOf(separator, from)) {
    parts.push(body.subarray(from, at));
    from = at + separator.length;
  }
  parts.push(body.subarray(from));
  return parts;
}
