/**
 * A platform invoice is paid: the owner is sent to NetShop's gateway, the gateway calls back
 * (`/webhooks/billing/:gateway/:shopId`) and the browser returns. The same idempotent path as
 * a customer's payment (payment-notification.server.ts), on NetShop's own gateway account:
 *
 *   Paying (payInvoice):
 *   1. Claim: the invoice is open; a payment already started is reused (double clicks, back button).
 *   2. Create the payment at the gateway, outside any transaction (idempotency key: the invoice id).
 *   3. Record its reference and hosted-page URL (the first recorded wins).
 *
 *   A notification (handleBillingCallback, handleBillingReturn):
 *   1. Verify the signature (callback: 401/400, nothing done; redirect: nothing changes).
 *   2. Find the invoice by the gateway's reference; an event already recorded is a duplicate.
 *   3. Check amount and currency against the invoice (a mismatch is recorded, nothing paid).
 *   4. "Paid" only when the gateway says so again when asked (re-query, no transaction).
 *   5. One transaction: claim the event (webhook_events), the invoice paid, the subscription
 *      moved or the credits added (settleInvoice), the owner told.
 */
import { and, eq } from "drizzle-orm";

import { audit } from "~/domain/audit/audit.server";
import { billingCallbackUrl, billingReturnUrl, platformGateway } from "~/domain/billing/gateway.server";
import { invoiceById, invoiceByReference, lockInvoice, type PlatformInvoice, recordPaymentFailure } from "~/domain/billing/invoices.server";
import { billingError, billingT } from "~/domain/billing/refusals.server";
import { settleInvoice } from "~/domain/billing/settle.server";
import { shopOwner } from "~/domain/billing/subscriptions.server";
import { isGateway } from "~/domain/orders/gateways.server";
import {
  type GatewayName,
  type PaymentGateway,
  PaymentGatewayError,
  PaymentMismatchError,
  type PaymentNotification,
} from "~/integrations/payment-gateway";
import type { Locale } from "~/lib/i18n";
import { isUuid } from "~/lib/ids";
import { logger } from "~/lib/logger.server";
import { schema, type Tx, withShop } from "~db/client";

import { askGatewayAgain, paymentMismatch, verifyCallbackRequest, verifyReturnUrl } from "./gateway-callback.server";

export type BillingPayResult = { ok: true; url: string } | { ok: false; status: 404 | 409 | 503; message: string };

/** Sends the owner to pay an open invoice: the gateway's hosted page URL. A refusal's message is in `locale`. */
export async function payInvoice(shopId: string, invoiceId: string, locale?: Locale): Promise<BillingPayResult> {
  if (!isUuid(invoiceId)) return { ok: false, status: 404, message: billingError(locale, "invoiceNotFound") };
  // 1. Claim.
  const claimed = await withShop(shopId, async (tx) => {
    const invoice = await invoiceById(tx, shopId, invoiceId);
    return invoice ? { invoice, owner: await shopOwner(tx, shopId) } : undefined;
  });
  if (!claimed) return { ok: false, status: 404, message: billingError(locale, "invoiceNotFound") };
  const { invoice, owner } = claimed;
  if (invoice.status !== "open") {
    const status = billingT(locale)(`invoice.statuses.${invoice.status}`);
    return { ok: false, status: 409, message: billingError(locale, "nothingToPay", { number: invoice.number, status }) };
  }
  if (invoice.paymentUrl) return { ok: true, url: invoice.paymentUrl };
  // 2. Create the payment, outside any transaction.
  const gateway = platformGateway();
  let created;
  try {
    created = await gateway.createPayment({
      orderReference: invoice.number,
      amountMinor: invoice.totalMinor,
      currency: invoice.currency,
      customer: { name: invoice.billTo.name, email: invoice.billTo.email || owner?.email, phone: owner?.phone },
      description: `NetShop ${invoice.number}`,
      callbackUrl: billingCallbackUrl(gateway.name, shopId),
      redirectUrl: billingReturnUrl(invoice.id),
      idempotencyKey: invoice.id,
    });
  } catch (error) {
    if (!(error instanceof PaymentGatewayError)) throw error;
    logger().warn({ shopId, invoiceId, gateway: gateway.name, kind: error.kind }, "platform invoice payment not started");
    return { ok: false, status: 503, message: billingError(locale, "gatewayDown") };
  }
  // 3. Record (the first recorded payment wins: a concurrent click reuses it).
  return withShop(shopId, async (tx) => {
    const locked = await lockInvoice(tx, shopId, invoiceId);
    if (locked?.paymentUrl) return { ok: true as const, url: locked.paymentUrl };
    await tx
      .update(schema.platformInvoices)
      .set({ gateway: gateway.name, gatewayReference: created.gatewayReference, paymentUrl: created.paymentUrl })
      .where(and(eq(schema.platformInvoices.shopId, shopId), eq(schema.platformInvoices.id, invoiceId)));
    return { ok: true as const, url: created.paymentUrl };
  });
}

export type BillingNotificationOutcome = {
  status: 200 | 400 | 401 | 404 | 503;
  outcome:
    | "paid"
    | "already_paid"
    | "duplicate"
    | "not_paid"
    | "mismatch"
    | "invalid_signature"
    | "malformed"
    | "unknown_invoice"
    | "requery_failed"
    | "unconfirmed";
};

/** The gateway's signed server callback for a platform invoice. */
export async function handleBillingCallback(input: {
  gateway: string;
  shopId: string;
  request: Request;
}): Promise<BillingNotificationOutcome> {
  if (!isUuid(input.shopId) || !isGateway(input.gateway)) return { status: 404, outcome: "unknown_invoice" };
  const gateway = platformGateway(input.gateway);
  const verified = await verifyCallbackRequest(input.request, gateway, input.shopId, "billing callback refused");
  if ("refused" in verified) return verified.refused;
  return processNotification(input.shopId, gateway, verified.notification);
}

/** The owner's browser back from the hosted page: verified and settled like a callback. */
export async function handleBillingReturn(
  shopId: string,
  invoiceId: string,
  url: string,
): Promise<{ verified: boolean; outcome?: BillingNotificationOutcome["outcome"] }> {
  if (!isUuid(invoiceId)) return { verified: false };
  const invoice = await withShop(shopId, (tx) => invoiceById(tx, shopId, invoiceId));
  if (!invoice?.gateway || !isGateway(invoice.gateway)) return { verified: false };
  const gateway = platformGateway(invoice.gateway);
  const notification = verifyReturnUrl(url, gateway, { shopId, invoiceId });
  if (!notification) return { verified: false };
  const result = await processNotification(shopId, gateway, notification, invoiceId);
  return { verified: result.outcome !== "unknown_invoice", outcome: result.outcome };
}

const eventProvider = (gateway: GatewayName) => `billing:${gateway}`;

async function processNotification(
  shopId: string,
  gateway: PaymentGateway,
  n: PaymentNotification,
  expectedInvoiceId?: string,
): Promise<BillingNotificationOutcome> {
  // 2. The invoice, and whether this event was seen.
  const found = await withShop(shopId, async (tx) => {
    const invoice = await invoiceByReference(tx, shopId, gateway.name, n.gatewayReference);
    if (!invoice) return undefined;
    const [seen] = await tx
      .select({ eventId: schema.webhookEvents.eventId })
      .from(schema.webhookEvents)
      .where(and(eq(schema.webhookEvents.provider, eventProvider(gateway.name)), eq(schema.webhookEvents.eventId, n.eventId)));
    return { invoice, seen: !!seen };
  });
  if (!found || (expectedInvoiceId && found.invoice.id !== expectedInvoiceId)) return { status: 404, outcome: "unknown_invoice" };
  if (found.seen) return { status: 200, outcome: "duplicate" };
  const { invoice } = found;
  const expected = {
    gatewayReference: invoice.gatewayReference!,
    orderReference: invoice.number,
    amountMinor: invoice.totalMinor,
    currency: invoice.currency,
  };
  // 3. It must match the invoice.
  const notMatching = paymentMismatch(n, expected);
  if (notMatching) return recordMismatch(shopId, gateway.name, n, invoice, notMatching);
  if (n.status !== "paid") {
    return withShop(shopId, async (tx) => {
      if (!(await claimEvent(tx, gateway.name, n.eventId))) return { status: 200 as const, outcome: "duplicate" as const };
      // A failed or cancelled/expired payment goes on the operators' list of failed payments.
      if (n.status === "failed" || n.status === "cancelled") {
        await recordPaymentFailure(tx, invoice, {
          gateway: gateway.name,
          gatewayReference: n.gatewayReference,
          eventId: n.eventId,
          kind: n.status,
        });
      }
      return { status: 200 as const, outcome: "not_paid" as const };
    });
  }
  // 4. The gateway must say so again when asked.
  const asked = await askGatewayAgain(gateway, n.gatewayReference, expected);
  if ("failed" in asked) return { status: 503, outcome: "requery_failed" };
  if ("mismatch" in asked) return recordMismatch(shopId, gateway.name, n, invoice, asked.mismatch);
  const { snapshot } = asked;
  if (snapshot.status !== "paid") return { status: 503, outcome: "unconfirmed" };
  // 5. Claim the event and settle, in one transaction.
  return withShop(shopId, async (tx) => {
    if (!(await claimEvent(tx, gateway.name, n.eventId))) return { status: 200 as const, outcome: "duplicate" as const };
    const locked = (await lockInvoice(tx, shopId, invoice.id))!;
    const outcome = await settleInvoice(tx, locked, {
      gateway: gateway.name,
      reference: n.gatewayReference,
      paidAt: snapshot.paidAt ?? new Date(),
    });
    if (outcome === "paid") {
      await audit(tx, {
        shopId,
        actorUserId: null,
        action: "billing.invoice_paid",
        targetType: "platform_invoice",
        targetId: invoice.id,
        after: { number: invoice.number, totalMinor: invoice.totalMinor },
      });
    }
    return { status: 200 as const, outcome };
  });
}

async function claimEvent(tx: Tx, gateway: GatewayName, eventId: string): Promise<boolean> {
  const rows = await tx
    .insert(schema.webhookEvents)
    .values({ provider: eventProvider(gateway), eventId })
    .onConflictDoNothing()
    .returning({ eventId: schema.webhookEvents.eventId });
  return rows.length > 0;
}

function recordMismatch(
  shopId: string,
  gateway: GatewayName,
  n: PaymentNotification,
  invoice: PlatformInvoice,
  error: PaymentMismatchError,
): Promise<BillingNotificationOutcome> {
  return withShop(shopId, async (tx) => {
    if (!(await claimEvent(tx, gateway, n.eventId))) return { status: 200 as const, outcome: "duplicate" as const };
    await audit(tx, {
      shopId,
      actorUserId: null,
      action: "billing.payment_mismatch",
      targetType: "platform_invoice",
      targetId: invoice.id,
      after: { field: error.field, expected: error.expected, actual: error.actual ?? null, channel: n.channel },
    });
    await recordPaymentFailure(tx, invoice, {
      gateway,
      gatewayReference: n.gatewayReference,
      eventId: n.eventId,
      kind: "mismatch",
      field: error.field,
      expected: String(error.expected),
      actual: error.actual === undefined || error.actual === null ? undefined : String(error.actual),
    });
    logger().warn({ shopId, invoiceId: invoice.id, field: error.field }, "platform invoice payment does not match");
    return { status: 200 as const, outcome: "mismatch" as const };
  });
}
