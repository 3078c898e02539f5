import { type StorefrontShop, storefrontShopBySlug } from "~/domain/storefront/shop.server";

import { type Shopper, shopper } from "./visitor.server";

/** The storefront's shop (404 when there is none) and who is shopping there. */
export async function storefrontShopper(request: Request, slug: string | undefined): Promise<{ shop: StorefrontShop; who: Shopper }> {
  const shop = await storefrontShopBySlug(slug ?? "");
  if (!shop) throw new Response("There is no shop at this address.", { status: 404 });
  return { shop, who: await shopper(request, shop.id) };
}
