/**
 * Sending the customer to the shop's gateway to pay (PaySeller or Billplz, or the sandbox
 * stand-in when the shop has no credentials), following app/integrations/payment-gateway.ts: one
 * open charge per order (reused), a `payments` row with the gateway's reference and hosted-page
 * URL. No card data ever reaches us: only references, amounts and the hosted page's URL.
 */
import { and, eq } from "drizzle-orm";

import { publicUrl } from "~/config.server";
import { formatMoney } from "~/domain/catalog/catalog-rules";
import { type GatewayName, type PaymentGateway, PaymentGatewayError } from "~/integrations/payment-gateway";
import { isUuid } from "~/lib/ids";
import { logger } from "~/lib/logger.server";
import { schema, withShop } from "~db/client";

import { chargesOf, orderReference } from "./charges.server";
import { GATEWAY_LABELS, gatewayForShop } from "./gateways.server";
import { orderAccessToken } from "./order-links.server";
import { recordOrderEvent } from "./timeline.server";

export type StartPaymentResult =
  | { kind: "redirect"; url: string }
  | { kind: "not_found" }
  | { kind: "paid" }
  | { kind: "closed"; reason: "cancelled" | "expired" }
  | { kind: "error"; message: string };

export function paymentCallbackUrl(gateway: GatewayName, shopId: string): string {
  return `${publicUrl()}/webhooks/payments/${gateway}/${shopId}`;
}

function returnUrl(shopSlug: string, orderId: string): string {
  return `${publicUrl()}/s/${encodeURIComponent(shopSlug)}/orders/${orderId}/return?t=${orderAccessToken(orderId)}`;
}

/**
 * Sends the customer to the gateway for a pending, unexpired order. The order row stays locked
 * while the charge is created, so concurrent clicks make one charge; an open charge (same
 * gateway, same amount) is reused rather than a new one made.
 */
export async function startPayment(shop: { id: string; slug: string; name: string }, orderId: string): Promise<StartPaymentResult> {
  if (!isUuid(orderId)) return { kind: "not_found" };
  return withShop(shop.id, async (tx) => {
    const [order] = await tx
      .select()
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shop.id), eq(schema.orders.id, orderId)))
      .for("update");
    if (!order) return { kind: "not_found" as const };
    if (order.paymentStatus !== "unpaid") return { kind: "paid" as const };
    if (order.status !== "pending_payment") return { kind: "closed" as const, reason: "cancelled" as const };
    if (order.expiresAt && order.expiresAt.getTime() <= Date.now()) return { kind: "closed" as const, reason: "expired" as const };

    let gateway: PaymentGateway;
    try {
      gateway = await gatewayForShop(tx, shop.id);
    } catch (error) {
      // e.g. live PaySeller credentials while PAYSELLER_BASE_URL is unset.
      if (!(error instanceof PaymentGatewayError)) throw error;
      logger().error({ shopId: shop.id, kind: error.kind }, "the shop's payment gateway cannot be used");
      return { kind: "error" as const, message: error.kind };
    }
    const charges = await chargesOf(tx, shop.id, orderId);
    const open = charges.find(
      (c) =>
        c.gateway === gateway.name &&
        (c.status === "pending" || c.status === "failed") &&
        c.amountMinor === order.totalMinor &&
        c.currency === order.currency &&
        c.paymentUrl,
    );
    if (open) {
      if (open.status === "failed")
        await tx
          .update(schema.payments)
          .set({ status: "pending" })
          .where(and(eq(schema.payments.shopId, shop.id), eq(schema.payments.id, open.id)));
      if (order.gateway !== gateway.name)
        await tx
          .update(schema.orders)
          .set({ gateway: gateway.name })
          .where(and(eq(schema.orders.shopId, shop.id), eq(schema.orders.id, orderId)));
      return { kind: "redirect" as const, url: open.paymentUrl! };
    }

    let created;
    try {
      created = await gateway.createPayment({
        orderReference: orderReference(order),
        amountMinor: order.totalMinor,
        currency: order.currency,
        customer: {
          name: order.customerName || order.shippingAddress?.name || "Customer",
          email: order.email ?? undefined,
          phone: order.phone ?? undefined,
        },
        description: `${shop.name}: order #${order.number}`.slice(0, 200),
        callbackUrl: paymentCallbackUrl(gateway.name, shop.id),
        redirectUrl: returnUrl(shop.slug, orderId),
        idempotencyKey: `netshop-order-${orderId}-charge-${charges.length + 1}`,
      });
    } catch (error) {
      if (!(error instanceof PaymentGatewayError)) throw error;
      logger().warn(
        { shopId: shop.id, orderId, gateway: gateway.name, kind: error.kind, status: error.status },
        "payment could not be created",
      );
      return { kind: "error" as const, message: error.kind };
    }
    const [charge] = await tx
      .insert(schema.payments)
      .values({
        shopId: shop.id,
        orderId,
        kind: "charge",
        gateway: gateway.name,
        gatewayReference: created.gatewayReference,
        amountMinor: order.totalMinor,
        currency: order.currency,
        status: "pending",
        paymentUrl: created.paymentUrl,
      })
      .returning({ id: schema.payments.id });
    await tx
      .update(schema.orders)
      .set({ gateway: gateway.name, updatedAt: new Date() })
      .where(and(eq(schema.orders.shopId, shop.id), eq(schema.orders.id, orderId)));
    await recordOrderEvent(tx, {
      shopId: shop.id,
      orderId,
      type: "payment_started",
      summary: `Customer sent to ${GATEWAY_LABELS[gateway.name]}${gateway.isSandbox ? " (sandbox)" : ""} to pay ${formatMoney(order.totalMinor, order.currency)}`,
      wording: {
        key: "paymentStarted",
        values: {
          gateway: GATEWAY_LABELS[gateway.name],
          sandbox: gateway.isSandbox,
          amount: formatMoney(order.totalMinor, order.currency),
        },
      },
      data: { paymentId: charge.id, gateway: gateway.name, gatewayReference: created.gatewayReference, sandbox: gateway.isSandbox },
    });
    return { kind: "redirect" as const, url: created.paymentUrl };
  });
}
