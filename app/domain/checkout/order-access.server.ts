/**
 * Who may see a customer's order on the storefront (its payment and status pages), without a
 * customer account: the holder of its signed link (`?t=`, orders' order-links.server.ts) or the
 * browser that placed it (a signed cookie listing its recent orders), or the shop's signed-in
 * customer whose order it is. A wrong or missing token is answered 404, like an order that does
 * not exist.
 *
 * When an order is placed, the checkout route adds `await placedOrderCookie(request, orderId)` as
 * a Set-Cookie on the redirect to `/s/:slug/orders/:orderId/pay` (or redirects to
 * `orderPayPath(slug, orderId)`, which carries the token).
 */
import { and, eq } from "drizzle-orm";

import { isOrderAccessToken, orderAccessToken } from "~/domain/orders/order-links.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";
import { signedCookie } from "~/lib/cookies.server";
import { isUuid } from "~/lib/ids";
import { schema, withShop } from "~db/client";

import { currentCustomer } from "./visitor.server";

/** The browser remembers this many of its latest orders. */
const REMEMBERED = 10;

const ordersCookie = () => signedCookie("ns_orders", { path: "/s", maxAgeSeconds: 60 * 60 * 24 * 30 });

async function placedOrders(request: Request): Promise<string[]> {
  const value = await ordersCookie().parse(request.headers.get("Cookie"));
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The Set-Cookie that lets this browser see the order it has just placed. */
export async function placedOrderCookie(request: Request, orderId: string): Promise<string> {
  const earlier = (await placedOrders(request)).filter((id) => id !== orderId);
  return ordersCookie().serialize([orderId, ...earlier].slice(0, REMEMBERED));
}

/**
 * The signed link's token, the placing browser's cookie, or the shop's signed-in customer whose
 * order it is (their account lists it).
 */
export async function canSeeOrder(request: Request, orderId: string, shopId?: string): Promise<boolean> {
  const token = new URL(request.url).searchParams.get("t");
  if (token !== null) return isOrderAccessToken(orderId, token);
  if ((await placedOrders(request)).includes(orderId)) return true;
  return shopId ? ownedBySignedInCustomer(request, shopId, orderId) : false;
}

async function ownedBySignedInCustomer(request: Request, shopId: string, orderId: string): Promise<boolean> {
  if (!isUuid(orderId)) return false;
  const customer = await currentCustomer(request, shopId);
  if (!customer) return false;
  const [row] = await withShop(shopId, (tx) =>
    tx
      .select({ id: schema.orders.id })
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId), eq(schema.orders.customerId, customer.id))),
  );
  return Boolean(row);
}

/**
 * The shop and order of a storefront order page, or a 404 (no such shop, or no right to see the
 * order: the same answer as an order that does not exist).
 */
export async function storefrontOrderAccess(request: Request, params: { slug?: string; orderId?: string }) {
  const shop = await storefrontShopBySlug(params.slug ?? "");
  const orderId = params.orderId ?? "";
  if (!shop || !(await canSeeOrder(request, orderId, shop.id))) {
    throw new Response("This order does not exist.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  return { shop, orderId, token: orderAccessToken(orderId) };
}
