/**
 * The customer's links to their order on the storefront (its status, payment and confirmation
 * pages): signed (`?t=`, an HMAC of the order id keyed with SESSION_SECRET), so they open the
 * order without a customer account. Who may see an order (the link's holder, the placing
 * browser, the signed-in customer) is checkout's order-access.server.ts.
 */
import { publicUrl } from "~/config.server";
import { signLinkToken, verifyLinkToken } from "~/lib/secrets.server";

const PURPOSE = "order";

export function orderAccessToken(orderId: string): string {
  return signLinkToken(PURPOSE, orderId);
}

/** Whether `token` is the order's signed-link token. */
export function isOrderAccessToken(orderId: string, token: string): boolean {
  return verifyLinkToken(PURPOSE, orderId, token);
}

export function orderStatusPath(shopSlug: string, orderId: string): string {
  return `/s/${encodeURIComponent(shopSlug)}/orders/${orderId}?t=${orderAccessToken(orderId)}`;
}

/** The customer's order page, as an absolute signed link (messages, the customer's account). */
export function orderStatusUrl(shopSlug: string, orderId: string): string {
  return `${publicUrl()}${orderStatusPath(shopSlug, orderId)}`;
}

export function orderPayPath(shopSlug: string, orderId: string): string {
  return `/s/${encodeURIComponent(shopSlug)}/orders/${orderId}/pay?t=${orderAccessToken(orderId)}`;
}

export function orderConfirmationPath(shopSlug: string, orderId: string): string {
  return `/s/${encodeURIComponent(shopSlug)}/orders/${orderId}/confirmation?t=${orderAccessToken(orderId)}`;
}

/** Order pages carry personal data and a token in their address: never cached, never referred. */
export const ORDER_PAGE_HEADERS = {
  "Cache-Control": "private, no-store",
  "Referrer-Policy": "no-referrer",
  "X-Robots-Tag": "noindex",
} as const;
