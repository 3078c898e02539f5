import { randomBytes, timingSafeEqual } from "node:crypto";

/**
 * CSRF protection for every state-changing form: a double-submit token. The HTTP layer gives
 * each browser a random token in an HttpOnly cookie and hands it to the page; forms carry it
 * in a hidden `_csrf` field (<CsrfInput/>); actions call `verifyCsrf`. A cross-site page can
 * neither read the cookie nor set it, so it cannot forge the field. The HTTP layer also
 * refuses state-changing requests whose Origin is another site.
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

/** Throws a 403 response unless the form's token matches this browser's CSRF cookie. */
export function verifyCsrf(request: Request, form: FormData): void {
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
