/**
 * The first step of every gateway callback (shop orders and platform invoices alike): read the raw
 * body and verify its signature. A refused callback is logged without its body (it is unverified
 * input) and answered 401 for a bad signature, 400 for anything else malformed. The browser's
 * signed return (verifyReturnUrl) is checked the same way: a refused one changes nothing.
 * Then, for both, the same checks of what the gateway says (paymentMismatch, askGatewayAgain).
 */
import {
  assertPaymentMatches,
  InvalidSignatureError,
  NotificationRejectedError,
  type PaymentGateway,
  PaymentGatewayError,
  PaymentMismatchError,
  type PaymentNotification,
  type PaymentSnapshot,
  readRawCallback,
} from "~/integrations/payment-gateway";
import { logger } from "~/lib/logger.server";

export type CallbackRefusal = { status: 401; outcome: "invalid_signature" } | { status: 400; outcome: "malformed" };

export async function verifyCallbackRequest(
  request: Request,
  gateway: PaymentGateway,
  shopId: string,
  refusedMessage: string,
): Promise<{ notification: PaymentNotification } | { refused: CallbackRefusal }> {
  try {
    return { notification: gateway.verifyCallback(await readRawCallback(request, gateway.name)) };
  } catch (error) {
    if (!(error instanceof NotificationRejectedError)) throw error;
    logger().warn({ shopId, gateway: gateway.name, reason: error.name }, refusedMessage);
    return {
      refused:
        error instanceof InvalidSignatureError ? { status: 401, outcome: "invalid_signature" } : { status: 400, outcome: "malformed" },
    };
  }
}

/** The browser's signed return from the hosted page; undefined (logged, no URL) when it does not verify. */
export function verifyReturnUrl(url: string, gateway: PaymentGateway, log: Record<string, string>): PaymentNotification | undefined {
  try {
    return gateway.verifyRedirect(url);
  } catch (error) {
    if (!(error instanceof NotificationRejectedError)) throw error;
    logger().warn({ ...log, gateway: gateway.name, reason: error.name }, "payment redirect refused");
    return undefined;
  }
}

type ExpectedPayment = Parameters<typeof assertPaymentMatches>[1];

/** Why a notification or the gateway's answer does not fit what we expect (reference, amount, currency); undefined when it fits. */
export function paymentMismatch(
  payment: Parameters<typeof assertPaymentMatches>[0],
  expected: ExpectedPayment,
): PaymentMismatchError | undefined {
  try {
    assertPaymentMatches(payment, expected);
    return undefined;
  } catch (error) {
    if (!(error instanceof PaymentMismatchError)) throw error;
    return error;
  }
}

/**
 * "Paid" only when the gateway says so again when asked: the re-query (outside any transaction),
 * checked against what we expect. The gateway away or refusing is `failed`; an answer that does
 * not fit is `mismatch`.
 */
export async function askGatewayAgain(
  gateway: PaymentGateway,
  gatewayReference: string,
  expected: ExpectedPayment,
): Promise<{ snapshot: PaymentSnapshot } | { failed: PaymentGatewayError } | { mismatch: PaymentMismatchError }> {
  let snapshot: PaymentSnapshot;
  try {
    snapshot = await gateway.getPayment(gatewayReference);
  } catch (error) {
    if (!(error instanceof PaymentGatewayError)) throw error;
    return { failed: error };
  }
  const mismatch = paymentMismatch(snapshot, expected);
  return mismatch ? { mismatch } : { snapshot };
}
