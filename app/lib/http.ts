import type { HeadersFunction } from "@remix-run/node";

/**
 * Lets the headers an action or loader sets with `data(..., { headers })` (Retry-After and the
 * like) reach a document response: Remix merges only Set-Cookie on its own.
 */
export const passThroughHeaders: HeadersFunction = ({ actionHeaders, loaderHeaders }) => {
  const headers = new Headers(loaderHeaders);
  actionHeaders.forEach((value, key) => headers.set(key, value));
  headers.delete("Set-Cookie"); // merged by Remix itself
  return headers;
};

/**
 * Only same-site paths: never redirect to another origin (after login, re-authentication…). The
 * path comes back fit for a Location header: any character outside printable ASCII (emoji, a
 * space, text a visitor typed) is percent-encoded, so a hostile value is a harmless 404 later,
 * never a header the runtime refuses (a 500).
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/admin"): string {
  return typeof to === "string" && to.startsWith("/") && !to.startsWith("//") && !to.startsWith("/\\")
    ? locationPath(to)
    : locationPath(fallback);
}

/** A path (or path?query) with every character outside printable ASCII percent-encoded, for a Location header. */
export function locationPath(path: string): string {
  return path.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
}

/** Headers carrying several Set-Cookie values (Remix merges them into the response). */
export function withCookies(...cookies: string[]): Headers {
  const headers = new Headers();
  for (const c of cookies) headers.append("Set-Cookie", c);
  return headers;
}

/** A plain-words 404 for something that does not exist in the current shop (or at all). */
export function notFound(message = "This page does not exist."): Response {
  return new Response(message, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
