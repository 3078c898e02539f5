import { type ActionFunctionArgs, data, type LoaderFunctionArgs } from "@remix-run/node";

import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { safeRedirect } from "~/lib/http";
import { localeFor, serverT } from "~/lib/i18n.server";
import { redirect } from "~/lib/redirect.server";

import { storefrontShopper } from "./context.server";
import type { logInCustomer } from "./customers.server";
import { clearCartCookieHeader, knownCustomerCookieHeader, knownCustomerId } from "./visitor.server";

/** `logInCustomer` or `signUpCustomer`. */
type CustomerAuth = typeof logInCustomer;

/** Loader of the storefront's log-in and sign-up pages: a signed-in customer goes to their account. */
export async function customerAuthLoader({ request, params }: LoaderFunctionArgs) {
  const { shop, who } = await storefrontShopper(request, params.slug);
  if (who.customer) throw redirect(`/s/${shop.slug}/account`);
  return { slug: shop.slug, redirectTo: new URL(request.url).searchParams.get("redirectTo") ?? "" };
}

/** Action of the storefront's log-in and sign-up pages: runs `auth`, starts the session and goes back within the shop. */
export function customerAuthAction(auth: CustomerAuth) {
  return async ({ request, params, context }: ActionFunctionArgs) => {
    const { shop, who } = await storefrontShopper(request, params.slug);
    const form = await readForm(request);
    const result = await auth(shop.id, Object.fromEntries(form), {
      ip: context.ip,
      userAgent: context.userAgent,
      anonymousCartId: who.anonymousCartId,
      knownCustomerId: await knownCustomerId(request, shop.id),
      language: await localeFor(request),
    });
    if (!result.ok) {
      const headers: HeadersInit = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : {};
      const errors = result.slowedSeconds
        ? {
            ...result.errors,
            form: serverT(await localeFor(request), "common")("security.customerSlowed", { seconds: result.slowedSeconds }),
          }
        : result.policies
          ? { form: serverT(await localeFor(request), "privacy")(`accepted.${result.policies}`) }
          : result.errors;
      // A changed policy: 409, and the page (its loader runs again) shows the new version to accept;
      // a form that never said which version it showed: 400.
      const status = result.retryAfterSeconds ? 429 : result.policies === "changed" ? 409 : 400;
      return data({ errors, values: keptValues(form) }, { status, headers });
    }
    const headers = new Headers();
    headers.append("Set-Cookie", result.setCookie);
    // This browser is now known to the account: wrong passwords typed elsewhere never slow it down.
    headers.append("Set-Cookie", await knownCustomerCookieHeader(shop.id, result.customerId));
    headers.append("Set-Cookie", await clearCartCookieHeader(shop.id));
    const back = safeRedirect(form.get("redirectTo"), `/s/${shop.slug}/account`);
    return redirect(back.startsWith(`/s/${shop.slug}/`) ? back : `/s/${shop.slug}/account`, { headers });
  };
}
