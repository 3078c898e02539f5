import { requireShopAccess, type AdminAccess } from "~/domain/accounts/access.server";
import type { ShopAccess } from "~/domain/shops/shops.server";

/**
 * The signed-in merchant working on the catalog of their current shop: owners and admins, and
 * staff given the "products" permission. Every catalog page and action starts here; the shop id
 * it returns is the only one the catalog code is given (withShop confines the rest).
 */
export async function requireCatalogAccess(request: Request): Promise<AdminAccess & { shop: ShopAccess; actor: { userId: string } }> {
  const access = await requireShopAccess(request);
  const { role, permissions } = access.shop;
  if (role === "staff" && !permissions.includes("products")) {
    throw new Response("Your staff account cannot manage products in this shop. Ask the shop's owner for the Products permission.", { status: 403 });
  }
  return { ...access, actor: { userId: access.user.id } };
}

export function notFound(what = "This product does not exist in your shop."): Response {
  return new Response(what, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
