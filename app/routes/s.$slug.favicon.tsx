import type { LoaderFunctionArgs } from "@remix-run/node";

import { storefrontShopBySlug } from "~/domain/storefront/shop.server";

/**
 * The shop's favicon (its theme's 64×64 PNG in the bucket), or NetShop's: every storefront page
 * links here, so browsers never get a 404 for the tab icon.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const shop = await storefrontShopBySlug(params.slug ?? "");
  const location = shop?.theme.favicon?.url ?? "/favicon.svg";
  return new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "public, max-age=300" } });
}
