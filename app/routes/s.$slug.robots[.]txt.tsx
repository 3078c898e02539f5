import type { LoaderFunctionArgs } from "@remix-run/node";

import { publicUrl } from "~/config.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";
import { notFound } from "~/lib/http";

/**
 * robots.txt for a shop: at the root of its own domain (`/robots.txt`), and at
 * `/s/:slug/robots.txt` for reference. Personal and endless pages are kept out of indexes.
 */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const shop = await storefrontShopBySlug(params.slug ?? "");
  if (!shop) throw notFound("There is no shop at this address.");
  const base = context.customDomain ? "" : `/s/${shop.slug}`;
  const origin = context.customDomain ? `${new URL(publicUrl()).protocol}//${new URL(request.url).host}` : publicUrl();
  const body = [
    "User-agent: *",
    `Allow: ${base}/`,
    ...["cart", "checkout", "account", "orders", "wishlist", "search", "consent", "locale"].map((p) => `Disallow: ${base}/${p}`),
    "",
    `Sitemap: ${origin}${base}/sitemap.xml`,
    "",
  ].join("\n");
  return new Response(body, { headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
