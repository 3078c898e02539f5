import type { ActionFunctionArgs } from "@remix-run/node";

import { rememberCustomerLanguage } from "~/domain/checkout/customers.server";
import { readForm } from "~/lib/csrf.server";
import { locationPath, safeRedirect } from "~/lib/http";
import { isLocale } from "~/lib/i18n";
import { rememberLocale } from "~/lib/i18n.server";
import { redirect } from "~/lib/redirect.server";

/**
 * The storefront's language switcher posts here rather than to /locale: a storefront page a CDN
 * caches has no CSRF token, and storefront paths accept a same-origin proof instead
 * (app/lib/csrf.server.ts). Remembers the choice in the `lng` cookie (and, for a signed-in
 * customer, on their account: the language of their messages) and goes back.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  const back = safeRedirect(form.get("redirectTo"), `/s/${params.slug}`);
  const lng = form.get("lng");
  if (!isLocale(lng)) return redirect(back);
  await rememberCustomerLanguage(request, params.slug ?? "", lng);
  return redirect(back, { headers: { "Set-Cookie": await rememberLocale(lng) } });
}

export function loader({ params }: { params: { slug?: string } }) {
  return redirect(locationPath(`/s/${params.slug ?? ""}`));
}
