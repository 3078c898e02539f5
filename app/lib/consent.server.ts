/**
 * Cookie consent. Necessary cookies (session, cart, CSRF, language) need none; analytics cookies
 * and first-party analytics events are recorded only after the visitor chose "all".
 * The storefront's consent banner writes this cookie; analytics code reads it through here.
 */
import { createCookie } from "@remix-run/node";

import { config } from "~/config.server";

export type ConsentChoice = "necessary" | "all";

/** Readable by the server only; one year, then we ask again. */
export const consentCookie = createCookie("ns_consent", { path: "/", httpOnly: true, sameSite: "lax", maxAge: 365 * 24 * 3600 });

/** The visitor's choice, or null when they have not chosen yet (show the banner). */
export async function consentChoice(request: Request): Promise<ConsentChoice | null> {
  const value = await consentCookie.parse(request.headers.get("cookie"));
  return value === "all" || value === "necessary" ? value : null;
}

export async function analyticsAllowed(request: Request): Promise<boolean> {
  return (await consentChoice(request)) === "all";
}

/** A Set-Cookie header recording the choice (also when the visitor changes their mind). */
export function consentSetCookie(choice: ConsentChoice): Promise<string> {
  return consentCookie.serialize(choice, { secure: config().NODE_ENV === "production" });
}
