import { randomBytes, timingSafeEqual } from "node:crypto";

import { formatBytes } from "./bytes";
import { type FormLimits, FormProblem, type FormProblemKind, parseFormBody } from "./form-body.server";
import { localeFor, serverT } from "./i18n.server";

/**
 * CSRF protection for every state-changing form: a double-submit token. The HTTP layer gives
 * each browser a random token in an HttpOnly cookie and hands it to the page; forms carry it
 * in a hidden `_csrf` field (<CsrfInput/>); actions read forms with `readForm`, which checks it. A cross-site page can
 * neither read the cookie nor set it, so it cannot forge the field. The HTTP layer also
 * refuses state-changing requests whose Origin is another site.
 *
 * Storefront pages a CDN caches (app/server/http.server.ts, storefrontCaching) are shared by
 * every anonymous visitor, so they cannot carry a per-visitor token: their forms (add to cart,
 * wishlist, language, cookie consent) post an empty `_csrf`. Such a post is accepted only on a
 * storefront path (`/s/:slug/…`) and only when the browser itself proves it came from the same
 * origin: `Sec-Fetch-Site: same-origin` (Fetch Metadata, sent by every current browser and not
 * settable by a page) or, from a browser without it, an `Origin` equal to ours. A post with
 * neither proof is refused. This is OWASP's "verify origin with standard headers" defence; the
 * storefront's cookies are also SameSite=Lax, so a cross-site POST carries no cart or session.
 * Admin and account forms always carry the token.
 */

export const CSRF_FIELD = "_csrf";

export function csrfCookieName(secure: boolean): string {
  // __Host- cookies cannot be set by subdomains (only over HTTPS, on path /).
  return secure ? "__Host-csrf" : "csrf";
}

export function newCsrfToken(): string {
  return randomBytes(24).toString("base64url");
}

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join("="));
    } catch {
      return undefined; // broken percent-encoding: as good as no cookie
    }
  }
  return undefined;
}

/** True when the browser says this request came from our own origin (see the note above). */
export function provenSameOrigin(request: Request): boolean {
  const site = request.headers.get("Sec-Fetch-Site");
  if (site) return site === "same-origin";
  const origin = request.headers.get("Origin");
  return origin !== null && origin === new URL(request.url).origin;
}

const STOREFRONT_PATH = /^\/s\/[^/]+\//;

/** Whether the form's token matches this browser's CSRF cookie (or a cached storefront page's form proves its origin). */
function csrfHolds(request: Request, form: FormData): boolean {
  const given = form.get(CSRF_FIELD);
  if ((given === null || given === "") && STOREFRONT_PATH.test(new URL(request.url).pathname) && provenSameOrigin(request)) return true;
  const cookieHeader = request.headers.get("Cookie");
  const cookie = readCookie(cookieHeader, "__Host-csrf") ?? readCookie(cookieHeader, "csrf");
  const field = form.get(CSRF_FIELD);
  if (!cookie || typeof field !== "string") return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(field);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads a submitted form and checks its CSRF token: the one way actions read forms. */
export async function readForm(request: Request, limits: FormLimits = {}): Promise<FormData> {
  let form: FormData;
  try {
    form = await parseFormBody(request, limits);
  } catch (error) {
    if (error instanceof FormProblem) throw await refusal(request, error.kind, error.status, error.maxBytes);
    throw error;
  }
  // A 403 in the visitor's language, like every other refusal of a form.
  if (!csrfHolds(request, form)) throw await refusal(request, "csrf", 403);
  return form;
}

export type UploadForm = { ok: true; form: FormData } | { ok: false; status: 413; errors: Record<string, string> };

/**
 * `readForm` for a form with a file input: a file over `maxFileBytes` is not an error page but a
 * 413 with a message for that input (`errors[field]`), for the page to show next to it.
 */
export async function readUploadForm(request: Request, options: { field: string; maxFileBytes: number }): Promise<UploadForm> {
  try {
    return { ok: true, form: await readForm(request, options) };
  } catch (error) {
    if (error instanceof Response && error.status === 413) {
      return { ok: false, status: 413, errors: { [options.field]: await error.text() } };
    }
    throw error;
  }
}

/** A form that cannot be read or is refused, as a plain-text response in the visitor's language (pages show it in their error boundary). */
async function refusal(request: Request, kind: FormProblemKind | "csrf", status: number, maxBytes = 0): Promise<Response> {
  const t = serverT(await localeFor(request), "common");
  return new Response(t(`badInput.${kind}`, { max: formatBytes(maxBytes) }), {
    status,
    // The rest of a refused body may be unread: this connection cannot carry another request.
    headers: { "Content-Type": "text/plain; charset=utf-8", Connection: "close" },
  });
}
