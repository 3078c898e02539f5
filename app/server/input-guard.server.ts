/**
 * The HTTP layer's answer to hostile requests, before any route or the database sees them:
 *
 * - `rejectMalformedRequests`: a path with broken percent-encoding, or a path, query string or
 *   header value with a NUL byte or invalid UTF-8, is a 400 page in the visitor's language —
 *   so no route can hand such text to PostgreSQL or to a decoder that throws; so is a legacy
 *   Remix `?_data=` request (our pages use single fetch's `.data` URLs: only a scanner sends one,
 *   and Remix would log each as an error with its stack);
 * - `isOwnOrigin`: the same-origin rule for state-changing requests (app/server/http.server.ts),
 *   exactly as strict as Remix's own check, so a `null`, malformed or foreign Origin is our 403
 *   and never reaches Remix to become an exception;
 * - `secureCookiesOverHttps`: every cookie set on a request that came over HTTPS (directly or
 *   through a trusted proxy) is `Secure`, whatever NODE_ENV and whichever module set it;
 * - `errorPage`: the small HTML page these answers use.
 */
import type { NextFunction, Request, Response } from "express";

import { DEFAULT_LOCALE, HTML_LANG, type Locale } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";
import { isCleanUtf8, percentDecodeBytes } from "~/lib/text";

type Problem = "url" | "header";

/**
 * Event-stream resource routes (live progress): a single-fetch `.data` request to one would wait on
 * a stream that never ends, holding the connection without sending headers. Browsers never ask for
 * it; the fuzzer did.
 */
const EVENT_STREAM_DATA_PATHS = new Set(["/admin/progress.data"]);

function requestProblem(req: Request): Problem | undefined {
  const raw = req.url;
  const q = raw.indexOf("?");
  const pathPart = q === -1 ? raw : raw.slice(0, q);
  const path = percentDecodeBytes(pathPart, { strict: true });
  if (!path || !isCleanUtf8(path)) return "url";
  if (EVENT_STREAM_DATA_PATHS.has(pathPart.replace(/\/+$/, ""))) return "url";
  if (q !== -1) {
    const query = percentDecodeBytes(raw.slice(q + 1), { plus: true });
    if (!query || !isCleanUtf8(query)) return "url";
    if (new URLSearchParams(raw.slice(q + 1)).has("_data")) return "url";
  }
  // Node gives header names and values as latin1: their bytes must be clean UTF-8 too.
  for (const value of req.rawHeaders) if (!isCleanUtf8(Buffer.from(value, "latin1"))) return "header";
  // The URL Remix will build from Host / X-Forwarded-Host (@remix-run/express) must be a URL.
  try {
    new URL(`${req.protocol}://${req.hostname}${raw.startsWith("/") ? raw : `/${raw}`}`);
    if (req.get("host") !== undefined) new URL(`http://${req.get("host")}`);
    const forwarded = req.get("x-forwarded-host");
    if (forwarded !== undefined) new URL(`http://${forwarded.split(",")[0].trim()}`);
  } catch {
    return "header";
  }
  return undefined;
}

export function rejectMalformedRequests(req: Request, res: Response, next: NextFunction) {
  const problem = requestProblem(req);
  if (!problem) return next();
  void errorPage(req, res, 400, problem === "url" ? "badInput.url" : "badInput.header");
}

/** True when `origin` is exactly this request's own origin, as both we and Remix compute it. */
export function isOwnOrigin(req: Request, origin: string): boolean {
  if (origin === "null") return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // Remix refuses an action whose Origin host differs from X-Forwarded-Host, or else Host.
  const host = req.get("x-forwarded-host")?.split(",")[0]?.trim() || req.get("host");
  return url.origin === origin && url.host === host && url.protocol === `${req.protocol}:`;
}

/** Adds `Secure` to every Set-Cookie of a response to a request that came over HTTPS. */
export function secureCookiesOverHttps(req: Request, res: Response, next: NextFunction) {
  if (!req.secure) return next();
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    const cookies = this.getHeader("Set-Cookie");
    if (cookies !== undefined) {
      const list = (Array.isArray(cookies) ? cookies : [String(cookies)]).map((c) => (/;\s*secure\s*(;|$)/i.test(c) ? c : `${c}; Secure`));
      this.setHeader("Set-Cookie", list);
    }
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as typeof res.writeHead;
  next();
}

async function requestLocale(req: Request): Promise<Locale> {
  try {
    const headers = new Headers();
    const cookie = req.get("cookie");
    const language = req.get("accept-language");
    if (cookie) headers.set("Cookie", cookie);
    if (language) headers.set("Accept-Language", language);
    return await localeFor(new Request("http://localhost/", { headers }));
  } catch {
    return DEFAULT_LOCALE; // a header too broken to read
  }
}

type MessageKey = "badInput.url" | "badInput.header" | "badInput.crossSite" | "badInput.form";

/** A plain page (no script, nothing from the request echoed) in the visitor's language. */
export async function errorPage(req: Request, res: Response, status: number, key: MessageKey): Promise<void> {
  const locale = await requestLocale(req);
  const t = serverT(locale, "common");
  const title = status === 403 ? t("error.forbidden") : t("badInput.title");
  const html =
    `<!DOCTYPE html><html lang="${HTML_LANG[locale]}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(title)}</title></head><body><main><p>${escapeHtml(t("error.eyebrow", { status }))}</p>` +
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(t(key))}</p><p><a href="/">${escapeHtml(t("error.home"))}</a></p></main></body></html>`;
  if (res.headersSent) return;
  res.status(status).setHeader("Cache-Control", "no-store");
  res.type("html").send(html);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
