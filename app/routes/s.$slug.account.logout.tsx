import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";

import { endCustomerSession } from "~/domain/checkout/visitor.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";
import { readForm } from "~/lib/csrf.server";
import { locationPath } from "~/lib/http";
import { redirect } from "~/lib/redirect.server";

export async function loader({ params }: LoaderFunctionArgs) {
  return redirect(locationPath(`/s/${params.slug}/account`));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const shop = await storefrontShopBySlug(params.slug ?? "");
  if (!shop) throw new Response("There is no shop at this address.", { status: 404 });
  await readForm(request);
  return redirect(`/s/${shop.slug}`, { headers: { "Set-Cookie": await endCustomerSession(request, shop.id) } });
}
