/**
 * A payment notification: the gateway's callback (`/webhooks/payments/:gateway/:shopId`), the
 * customer's return from the hosted page, or our own question to the gateway while the customer
 * waits on the confirmation page. All three take one idempotent path:
 *
 *   1. Verify: the signature over the raw body (callback: 401/400, nothing done) or the signed
 *      redirect (return: a redirect that does not verify changes nothing).
 *   2. Find the charge by the gateway's reference; an event id already recorded is a duplicate.
 *   3. Check it against the order: reference, amount, currency (a mismatch goes on the timeline).
 *   4. "Paid" only when the gateway says so again when asked: the re-query, outside any transaction.
 *   5. In one transaction: claim the event id (webhook_events), then the order becomes paid (the
 *      order-paid flow), or money it can no longer take (cancelled, or paid twice) is recorded
 *      and the owner asked to refund it.
 */
import {
  applyUnpaidStatus,
  type Charge,
  chargeByReference,
  chargeExpectation,
  claimEvent,
  eventSeen,
  lockOrderAndCharge,
  type NotificationOutcome,
  openChargeToConfirm,
  type Order,
  recordPaymentMismatch,
  recordUnconfirmedPayment,
  recordUnwantedPayment,
} from "~/domain/orders/charges.server";
import { customerOrder, type CustomerOrderView } from "~/domain/orders/customer-order.server";
import { gatewayForOrder, gatewayForPayment, isGateway } from "~/domain/orders/gateways.server";
import { type GatewayName, type PaymentGateway, PaymentMismatchError, type PaymentNotification } from "~/integrations/payment-gateway";
import { isUuid } from "~/lib/ids";
import { logger } from "~/lib/logger.server";
import { type Tx, withShop } from "~db/client";

import { askGatewayAgain, paymentMismatch, verifyCallbackRequest, verifyReturnUrl } from "./gateway-callback.server";
import { markOrderPaid } from "./order-paid.server";

export type { NotificationOutcome };

/** The callback route: `/webhooks/payments/:gateway/:shopId`. */
export async function handleGatewayCallback(input: { shopId: string; gateway: string; request: Request }): Promise<NotificationOutcome> {
  if (!isUuid(input.shopId) || !isGateway(input.gateway)) return { status: 404, outcome: "unknown_payment" };
  const gateway = await withShop(input.shopId, (tx) => gatewayForPayment(tx, input.shopId, input.gateway));
  // 1. Verify the signature over the raw body (nothing of a refused body is logged).
  const verified = await verifyCallbackRequest(input.request, gateway, input.shopId, "payment callback refused");
  if ("refused" in verified) return verified.refused;
  return processNotification(input.shopId, gateway, verified.notification);
}

/**
 * The browser's return from the hosted page: verified like a callback and put through the same
 * idempotent path (with the re-query), so a browser that beats the callback sees the truth. A
 * redirect that does not verify changes nothing.
 */
export async function handleGatewayReturn(
  shopId: string,
  orderId: string,
  url: string,
): Promise<{ verified: boolean; outcome?: NotificationOutcome["outcome"] }> {
  if (!isUuid(orderId)) return { verified: false };
  const gateway = await withShop(shopId, (tx) => gatewayForOrder(tx, shopId, orderId));
  if (!gateway) return { verified: false };
  // 1. Verify the signed redirect.
  const notification = verifyReturnUrl(url, gateway, { shopId, orderId });
  if (!notification) return { verified: false };
  const result = await processNotification(shopId, gateway, notification, orderId);
  return { verified: result.outcome !== "unknown_payment", outcome: result.outcome };
}

/**
 * The confirmation page's view of an order: an unpaid order whose charge is open is checked with
 * the gateway first (the customer is waiting), and a confirmed result applied through the same
 * path. Silent when the gateway is away.
 */
export async function reconcileCustomerOrder(shopId: string, orderId: string): Promise<CustomerOrderView | undefined> {
  const open = await openChargeToConfirm(shopId, orderId);
  if (open) await reconcile(shopId, open.order, open.charge);
  return customerOrder(shopId, orderId);
}

async function processNotification(
  shopId: string,
  gateway: PaymentGateway,
  n: PaymentNotification,
  expectedOrderId?: string,
): Promise<NotificationOutcome> {
  // 2. The charge it is about, and whether we have seen this event already.
  const found = await withShop(shopId, async (tx) => {
    const row = await chargeByReference(tx, shopId, gateway.name, n.gatewayReference);
    return row ? { ...row, seen: await eventSeen(tx, gateway.name, shopId, n.eventId) } : undefined;
  });
  if (!found || (expectedOrderId && found.order.id !== expectedOrderId)) {
    logger().warn({ shopId, gateway: gateway.name, channel: n.channel }, "payment notification for a payment we do not know");
    return { status: 404, outcome: "unknown_payment" };
  }
  if (found.seen) return { status: 200, outcome: "duplicate" };
  const { order, charge } = found;

  // 3. It must match the order.
  const notMatching = paymentMismatch(n, chargeExpectation(order, charge));
  if (notMatching) return mismatch(shopId, gateway, n, order, charge, notMatching, n.channel);

  if (n.status !== "paid") {
    return withShop(shopId, async (tx) => {
      if (!(await claimEvent(tx, gateway.name, shopId, n.eventId))) return { status: 200, outcome: "duplicate" as const };
      return applyUnpaidStatus(tx, shopId, charge.id, n.status);
    });
  }

  // 4. Paid: the gateway itself must say so when asked, for this order's amount and currency.
  const asked = await askGatewayAgain(gateway, n.gatewayReference, chargeExpectation(order, charge));
  if ("failed" in asked) {
    logger().warn({ shopId, orderId: order.id, gateway: gateway.name, kind: asked.failed.kind }, "payment re-query failed");
    return { status: 503, outcome: "requery_failed" };
  }
  if ("mismatch" in asked) return mismatch(shopId, gateway, n, order, charge, asked.mismatch, "re-query");
  const { snapshot } = asked;
  if (snapshot.status !== "paid") {
    // Not recorded: the gateway retries, and by then it may agree. Nothing is marked paid.
    await withShop(shopId, (tx) => recordUnconfirmedPayment(tx, shopId, gateway.name, n, order.id, charge.id, snapshot.status));
    return { status: 503, outcome: "unconfirmed" };
  }
  // 5. Claim the event and settle, in one transaction.
  return withShop(shopId, async (tx) => {
    if (!(await claimEvent(tx, gateway.name, shopId, n.eventId))) return { status: 200, outcome: "duplicate" as const };
    return settlePaid(tx, shopId, order.id, charge.id, gateway.name);
  });
}

function mismatch(
  shopId: string,
  gateway: PaymentGateway,
  n: PaymentNotification,
  order: Order,
  charge: Charge,
  error: PaymentMismatchError,
  source: string,
): Promise<NotificationOutcome> {
  return withShop(shopId, async (tx) => {
    if (!(await claimEvent(tx, gateway.name, shopId, n.eventId))) return { status: 200, outcome: "duplicate" as const };
    await recordPaymentMismatch(tx, shopId, gateway.name, n, order, charge, error, source);
    return { status: 200, outcome: "mismatch" as const };
  });
}

/**
 * A confirmed payment: the order becomes paid (the order-paid flow, idempotent), or, when the
 * order can no longer take it (cancelled, or already paid by another charge), the money is
 * recorded and the owner is asked to refund it.
 */
async function settlePaid(tx: Tx, shopId: string, orderId: string, chargeId: string, gateway: GatewayName): Promise<NotificationOutcome> {
  const { order, charge } = await lockOrderAndCharge(tx, shopId, orderId, chargeId);
  if (charge.status === "succeeded") return { status: 200, outcome: "already_paid" };
  if (order.status === "pending_payment" && order.paymentStatus === "unpaid") {
    await markOrderPaid(tx, { shopId, orderId, paymentId: chargeId });
    return { status: 200, outcome: "paid" };
  }
  return recordUnwantedPayment(tx, shopId, order, charge, gateway);
}

/** Asks the gateway about the order's open charge and applies a confirmed result (steps 4 and 5 without a notification). */
async function reconcile(shopId: string, order: Order, charge: Charge): Promise<void> {
  const gateway = await withShop(shopId, (tx) => gatewayForPayment(tx, shopId, charge.gateway));
  const asked = await askGatewayAgain(gateway, charge.gatewayReference!, chargeExpectation(order, charge));
  if (!("snapshot" in asked)) return;
  const { snapshot } = asked;
  if (snapshot.status === "paid") await withShop(shopId, (tx) => settlePaid(tx, shopId, order.id, charge.id, gateway.name));
  else if (snapshot.status === "failed" || snapshot.status === "cancelled")
    await withShop(shopId, (tx) => applyUnpaidStatus(tx, shopId, charge.id, snapshot.status));
}
