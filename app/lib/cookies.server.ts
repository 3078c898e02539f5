import { type Cookie, createCookie } from "@remix-run/node";

import { config } from "~/config.server";

const made = new Map<string, Cookie>();

/**
 * One of our signed cookies: httpOnly, SameSite=Lax, Secure in production (with `httpsOnly`, only
 * when PUBLIC_URL is https as well), signed with the keys in SESSION_SECRET (comma-separated, the
 * first signs). Made once per name, on first use (config is read then, not at import).
 */
export function signedCookie(name: string, options: { path: string; maxAgeSeconds?: number; httpsOnly?: boolean }): Cookie {
  let cookie = made.get(name);
  if (!cookie) {
    const env = config();
    const production = env.NODE_ENV === "production";
    cookie = createCookie(name, {
      httpOnly: true,
      sameSite: "lax",
      secure: options.httpsOnly ? production && (env.PUBLIC_URL ?? "").startsWith("https:") : production,
      path: options.path,
      ...(options.maxAgeSeconds === undefined ? {} : { maxAge: options.maxAgeSeconds }),
      secrets: env.SESSION_SECRET.split(",").map((s) => s.trim()),
    });
    made.set(name, cookie);
  }
  return cookie;
}
