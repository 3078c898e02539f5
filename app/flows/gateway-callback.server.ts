/**
 * The first step of every gateway callback (shop orders and platform invoices alike): read the raw
 * body and verify its signature. A refused callback is logged without its body (it is unverified
 * input) and answered 401 for a bad signature, 400 for anything else malformed. The browser's
 * signed return (verifyReturnUrl) is checked the same way: a refused one changes nothing.
 */
import {
  InvalidSignatureError,
  NotificationRejectedError,
  type PaymentGateway,
  type PaymentNotification,
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
