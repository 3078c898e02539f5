import { randomBytes, timingSafeEqual } from "node:crypto";

/**
 * CSRF protection for every state-changing form: a double-submit token. The HTTP layer gives
 * each browser a random token in an HttpOnly cookie and hands it to the page; forms carry it
 * in a hidden `_csrf` field (<CsrfInput/>); actions call `verifyCsrf`. A cross-site page can
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
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

export class CsrfError extends Response {
  constructor() {
    super("This form has expired or was sent from another site. Reload the page and try again.", {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

/** True when the browser says this request came from our own origin (see the note above). */
export function provenSameOrigin(request: Request): boolean {
  const site = request.headers.get("Sec-Fetch-Site");
  if (site) return site === "same-origin";
  const origin = request.headers.get("Origin");
  return origin !== null && origin === new URL(request.url).origin;
}

const STOREFRONT_PATH = /^\/s\/[^/]+\//;

/** Throws a 403 response unless the form's token matches this browser's CSRF cookie. */
export function verifyCsrf(request: Request, form: FormData): void {
  const given = form.get(CSRF_FIELD);
  if ((given === null || given === "") && STOREFRONT_PATH.test(new URL(request.url).pathname) && provenSameOrigin(request)) return;
  const cookieHeader = request.headers.get("Cookie");
  const cookie = readCookie(cookieHeader, "__Host-csrf") ?? readCookie(cookieHeader, "csrf");
  const field = form.get(CSRF_FIELD);
  if (!cookie || typeof field !== "string") throw new CsrfError();
  const a = Buffer.from(cookie);
  const b = Buffer.from(field);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new CsrfError();
}

/** Reads a submitted form and checks its CSRF token: the one way actions read forms. */
export async function readForm(request: Request): Promise<FormData> {
  const form = await request.formData();
  verifyCsrf(request, form);
  return form;
}
