/**
 * Taking payment for an order through the shop's gateway (PaySeller or Billplz, or the sandbox
 * stand-in when the shop has no credentials), following app/integrations/payment-gateway.ts:
 *
 *   /pay          startPayment: one open charge per order (reused), a `payments` row with the
 *                 gateway's reference and hosted-page URL, then the customer goes there.
 *   callback      handleGatewayCallback: signature over the raw body (401/400, nothing done),
 *                 the order's amount and currency, the re-query, deduplication by eventId in
 *                 webhook_events, then markOrderPaid — all of it idempotent.
 *   return        handleGatewayReturn: the verified redirect goes through the same path, so the
 *                 browser sees the truth even before the callback arrives.
 *
 * Money the order can no longer take (paid after it was cancelled, or paid twice) is recorded
 * as a succeeded charge, put on the timeline and flagged to the owner for a refund.
 * No card data ever reaches us: only references, amounts and the hosted page's URL.
 */
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { schema, withShop, type Tx } from "~db/client";
import { config, publicUrl } from "~/config.server";
import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { formatMoney } from "~/domain/catalog/catalog-rules";
import { isUuid } from "~/lib/ids";
import {
  assertPaymentMatches,
  InvalidSignatureError,
  NotificationRejectedError,
  PaymentGatewayError,
  PaymentMismatchError,
  readRawCallback,
  type GatewayName,
  type PaymentGateway,
  type PaymentNotification,
  type PaymentSnapshot,
  type PaymentStatus,
} from "~/integrations/payment-gateway";
import { GATEWAY_LABELS, paymentGatewayFor, type ShopGatewayChoice } from "~/integrations/payment-gateways.server";
import { fieldErrors, type FieldErrors } from "~/lib/forms";
import { logger } from "~/lib/logger.server";
import { decryptSecret, encryptSecret } from "~/lib/secrets.server";
import { orderAccessToken } from "./order-links.server";
import { markOrderPaid } from "./paid.server";
import { notifyOwnerRefundNeeded } from "./paid-notifications.server";
import { recordOrderEvent } from "./timeline.server";

export const GATEWAYS = ["payseller", "billplz"] as const satisfies readonly GatewayName[];
/** A shop that has chosen nothing takes payments through the PaySeller stand-in. */
export const DEFAULT_GATEWAY: GatewayName = "payseller";
export { GATEWAY_LABELS };

const isGateway = (name: string): name is GatewayName => (GATEWAYS as readonly string[]).includes(name);

type Account = typeof schema.paymentGatewayAccounts.$inferSelect;
type Order = typeof schema.orders.$inferSelect;
type Charge = typeof schema.payments.$inferSelect;

// --- Which gateway -------------------------------------------------------------------------------

function build(name: GatewayName, account: Account | undefined): PaymentGateway {
  const credentials = account?.credentialsSealed ? (JSON.parse(decryptSecret(account.credentialsSealed)) as Record<string, unknown>) : null;
  return paymentGatewayFor({ gateway: name, credentials } as ShopGatewayChoice);
}

/** The gateway the shop takes new payments through (its credentials, or the sandbox). */
export async function gatewayForShop(tx: Tx, shopId: string): Promise<PaymentGateway> {
  const [account] = await tx
    .select()
    .from(schema.paymentGatewayAccounts)
    .where(and(eq(schema.paymentGatewayAccounts.shopId, shopId), eq(schema.paymentGatewayAccounts.active, true)));
  return build(isGateway(account?.gateway ?? "") ? (account!.gateway as GatewayName) : DEFAULT_GATEWAY, account);
}

/** The gateway a recorded payment went through (verifying its callbacks, refunding it), even after the shop switched. */
export async function gatewayForPayment(tx: Tx, shopId: string, gatewayName: string): Promise<PaymentGateway> {
  if (!isGateway(gatewayName)) throw new PaymentGatewayError(`no payment gateway called ${gatewayName}`, "payseller", "unsupported");
  const [account] = await tx
    .select()
    .from(schema.paymentGatewayAccounts)
    .where(and(eq(schema.paymentGatewayAccounts.shopId, shopId), eq(schema.paymentGatewayAccounts.gateway, gatewayName)));
  return build(gatewayName, account);
}

// --- Settings ------------------------------------------------------------------------------------

/** Which credential fields each gateway takes, and which of them are secrets (never shown back). */
export const CREDENTIAL_FIELDS: Record<GatewayName, ReadonlyArray<{ name: string; label: string; secret: boolean }>> = {
  payseller: [
    { name: "merchantId", label: "Merchant ID", secret: false },
    { name: "apiKey", label: "API key", secret: true },
    { name: "checksumKey", label: "Checksum key", secret: true },
  ],
  billplz: [
    { name: "collectionId", label: "Collection ID", secret: false },
    { name: "secretKey", label: "API secret key", secret: true },
    { name: "xSignatureKey", label: "X Signature key", secret: true },
  ],
};

const masked = (value: string) => `••••${value.slice(-4)}`;

export interface PaymentSettingsView {
  active: GatewayName;
  accounts: Record<
    GatewayName,
    { live: boolean; hint: Record<string, string>; useBillplzSandbox: boolean; lastTestedAt: string | null; lastTestResult: string | null }
  >;
  /** PaySeller has no public address: live credentials need PAYSELLER_BASE_URL. */
  paysellerLiveAvailable: boolean;
}

export async function paymentSettings(shopId: string): Promise<PaymentSettingsView> {
  const rows = await withShop(shopId, (tx) =>
    tx.select().from(schema.paymentGatewayAccounts).where(eq(schema.paymentGatewayAccounts.shopId, shopId)),
  );
  const view = (name: GatewayName) => {
    const row = rows.find((r) => r.gateway === name);
    const hint = row?.credentialsHint ? (JSON.parse(row.credentialsHint) as Record<string, string>) : {};
    return {
      live: Boolean(row?.credentialsSealed),
      hint,
      useBillplzSandbox: hint.useBillplzSandbox === "yes",
      lastTestedAt: row?.lastTestedAt?.toISOString() ?? null,
      lastTestResult: row?.lastTestResult ?? null,
    };
  };
  const active = rows.find((r) => r.active)?.gateway;
  return {
    active: active && isGateway(active) ? active : DEFAULT_GATEWAY,
    accounts: { payseller: view("payseller"), billplz: view("billplz") },
    paysellerLiveAvailable: Boolean(config().PAYSELLER_BASE_URL),
  };
}

const SettingsSchema = z.object({
  gateway: z.enum(GATEWAYS, { error: "Choose PaySeller or Billplz." }),
  mode: z.enum(["sandbox", "live"], { error: "Choose the sandbox or your own credentials." }),
});

/**
 * Saves the shop's gateway and, for "live", its credentials (sealed; a secret left blank keeps
 * the one saved before). Audited as payments.settings_changed with hints only, never secrets.
 */
export async function savePaymentSettings(
  actor: { userId: string; shopId: string },
  form: Record<string, unknown>,
  request: RequestInfo,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const parsed = SettingsSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const { gateway, mode } = parsed.data;
  if (mode === "live" && gateway === "payseller" && !config().PAYSELLER_BASE_URL) {
    return {
      ok: false,
      errors: {
        mode: "PaySeller has no public API address yet: NetShop's operator must set PAYSELLER_BASE_URL before live PaySeller credentials can be used. Use the sandbox or Billplz.",
      },
    };
  }
  return withShop(actor.shopId, async (tx) => {
    const accounts = await tx
      .select()
      .from(schema.paymentGatewayAccounts)
      .where(eq(schema.paymentGatewayAccounts.shopId, actor.shopId))
      .for("update");
    const existing = accounts.find((a) => a.gateway === gateway);
    const before = {
      active: accounts.find((a) => a.active)?.gateway ?? DEFAULT_GATEWAY,
      [gateway]: existing?.credentialsHint ? JSON.parse(existing.credentialsHint) : "sandbox",
    };
    let sealed: string | null = null;
    let hint: Record<string, string> | null = null;
    if (mode === "live") {
      const saved = existing?.credentialsSealed ? (JSON.parse(decryptSecret(existing.credentialsSealed)) as Record<string, string>) : {};
      const credentials: Record<string, string | boolean> = {};
      const errors: FieldErrors = {};
      hint = {};
      for (const field of CREDENTIAL_FIELDS[gateway]) {
        const typed = String(form[`${gateway}.${field.name}`] ?? "").trim();
        const value = typed || (field.secret ? (saved[field.name] ?? "") : "");
        if (!value) errors[`${gateway}.${field.name}`] = `Enter the ${field.label}.`;
        else if (value.length > 200) errors[`${gateway}.${field.name}`] = `The ${field.label} is at most 200 characters.`;
        credentials[field.name] = value;
        hint[field.name] = field.secret ? masked(value) : value;
      }
      if (Object.keys(errors).length) return { ok: false as const, errors };
      if (gateway === "billplz") {
        const useSandbox = form["billplz.useBillplzSandbox"] === "on";
        credentials.useBillplzSandbox = useSandbox;
        hint.useBillplzSandbox = useSandbox ? "yes" : "no";
      }
      sealed = encryptSecret(JSON.stringify(credentials));
    }
    await tx.update(schema.paymentGatewayAccounts).set({ active: false }).where(eq(schema.paymentGatewayAccounts.shopId, actor.shopId));
    const values = {
      active: true,
      credentialsSealed: sealed,
      credentialsHint: hint ? JSON.stringify(hint) : null,
      lastTestedAt: null,
      lastTestResult: null,
      updatedByUserId: actor.userId,
      updatedAt: new Date(),
    };
    if (existing)
      await tx
        .update(schema.paymentGatewayAccounts)
        .set(values)
        .where(and(eq(schema.paymentGatewayAccounts.shopId, actor.shopId), eq(schema.paymentGatewayAccounts.id, existing.id)));
    else await tx.insert(schema.paymentGatewayAccounts).values({ shopId: actor.shopId, gateway, ...values });
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: "payments.settings_changed",
      targetType: "shop",
      targetId: actor.shopId,
      before,
      after: { active: gateway, [gateway]: hint ?? "sandbox" },
      ...request,
    });
    return { ok: true as const };
  });
}

/**
 * Checks the saved credentials against the gateway: a re-query of a payment that cannot exist
 * answers 404 with a good key and 401 with a bad one (neither gateway has a "ping"). The
 * signature key can only be checked by a real callback.
 */
export async function testPaymentConnection(
  actor: { userId: string; shopId: string },
  gatewayName: string,
): Promise<{ ok: boolean; message: string }> {
  if (!isGateway(gatewayName)) return { ok: false, message: "Choose PaySeller or Billplz." };
  const gateway = await withShop(actor.shopId, (tx) => gatewayForPayment(tx, actor.shopId, gatewayName));
  const label = GATEWAY_LABELS[gatewayName];
  let result: { ok: boolean; message: string };
  try {
    await gateway.getPayment("netshop-connection-test");
    result = { ok: true, message: `${label} answered: the connection works.` };
  } catch (error) {
    if (!(error instanceof PaymentGatewayError)) throw error;
    result =
      error.kind === "not_found"
        ? {
            ok: true,
            message: `${label} accepted the credentials${gateway.isSandbox ? " (the sandbox)" : ""}. The signature key is checked on the first payment.`,
          }
        : error.kind === "unauthorized"
          ? { ok: false, message: `${label} refused the credentials. Check the API key and save again.` }
          : error.kind === "unavailable" || error.kind === "rate_limited"
            ? { ok: false, message: `${label} could not be reached just now. Try again in a minute.` }
            : { ok: false, message: `${label} did not accept the request: ${error.message}` };
  }
  await withShop(actor.shopId, (tx) =>
    tx
      .update(schema.paymentGatewayAccounts)
      .set({ lastTestedAt: new Date(), lastTestResult: result.message })
      .where(and(eq(schema.paymentGatewayAccounts.shopId, actor.shopId), eq(schema.paymentGatewayAccounts.gateway, gatewayName))),
  );
  return result;
}

// --- Starting a payment --------------------------------------------------------------------------

export type StartPaymentResult =
  | { kind: "redirect"; url: string }
  | { kind: "not_found" }
  | { kind: "paid" }
  | { kind: "closed"; reason: "cancelled" | "expired" }
  | { kind: "error"; message: string };

/** Our reference for the order at the gateway (shown on its hosted page, echoed back). */
const orderReference = (order: Pick<Order, "number">) => `#${order.number}`;

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
      data: { paymentId: charge.id, gateway: gateway.name, gatewayReference: created.gatewayReference, sandbox: gateway.isSandbox },
    });
    return { kind: "redirect" as const, url: created.paymentUrl };
  });
}

/**
 * Withdraws an order's open charges at the gateway (an expired or cancelled order), so the
 * customer cannot pay them any more where the gateway allows that. Called after the order is
 * cancelled (CHECKOUT's expiry job). A charge already paid at the gateway is left alone: its
 * callback brings the payment in, and the late-payment path flags it for a refund. Billplz may
 * still take a payment on a deleted bill: the same path handles it.
 */
export async function cancelOpenCharges(shopId: string, orderId: string): Promise<{ cancelled: number }> {
  const open = await withShop(shopId, async (tx) =>
    (await chargesOf(tx, shopId, orderId)).filter((c) => (c.status === "pending" || c.status === "failed") && c.gatewayReference),
  );
  let cancelled = 0;
  for (const charge of open) {
    const gateway = await withShop(shopId, (tx) => gatewayForPayment(tx, shopId, charge.gateway));
    try {
      await gateway.cancelPayment(charge.gatewayReference!);
    } catch (error) {
      if (error instanceof PaymentGatewayError && (error.kind === "conflict" || error.kind === "not_found")) continue;
      throw error;
    }
    await withShop(shopId, (tx) => applyUnpaidStatus(tx, shopId, charge.id, "cancelled"));
    cancelled++;
  }
  return { cancelled };
}

function chargesOf(tx: Tx, shopId: string, orderId: string): Promise<Charge[]> {
  return tx
    .select()
    .from(schema.payments)
    .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.orderId, orderId), eq(schema.payments.kind, "charge")))
    .orderBy(desc(schema.payments.createdAt));
}

// --- Callbacks, redirects and re-queries -------------------------------------------------------

export interface NotificationOutcome {
  /** The HTTP status to answer a callback with. */
  status: number;
  outcome:
    | "paid"
    | "already_paid"
    | "late_payment"
    | "extra_payment"
    | "failed"
    | "pending"
    | "recorded"
    | "duplicate"
    | "mismatch"
    | "unconfirmed"
    | "requery_failed"
    | "unknown_payment"
    | "invalid_signature"
    | "malformed";
}

/** The callback route: `/webhooks/payments/:gateway/:shopId`. */
export async function handleGatewayCallback(input: { shopId: string; gateway: string; request: Request }): Promise<NotificationOutcome> {
  if (!isUuid(input.shopId) || !isGateway(input.gateway)) return { status: 404, outcome: "unknown_payment" };
  const gateway = await withShop(input.shopId, (tx) => gatewayForPayment(tx, input.shopId, input.gateway));
  let notification: PaymentNotification;
  try {
    notification = gateway.verifyCallback(await readRawCallback(input.request, gateway.name));
  } catch (error) {
    if (!(error instanceof NotificationRejectedError)) throw error;
    // Nothing of the body is logged: it is unverified input.
    logger().warn({ shopId: input.shopId, gateway: gateway.name, reason: error.name }, "payment callback refused");
    return error instanceof InvalidSignatureError ? { status: 401, outcome: "invalid_signature" } : { status: 400, outcome: "malformed" };
  }
  return processNotification(input.shopId, gateway, notification);
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
  const gateway = await withShop(shopId, async (tx) => {
    const [order] = await tx
      .select({ gateway: schema.orders.gateway })
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
    return order?.gateway && isGateway(order.gateway) ? gatewayForPayment(tx, shopId, order.gateway) : null;
  });
  if (!gateway) return { verified: false };
  let notification: PaymentNotification;
  try {
    notification = gateway.verifyRedirect(url);
  } catch (error) {
    if (!(error instanceof NotificationRejectedError)) throw error;
    logger().warn({ shopId, orderId, gateway: gateway.name, reason: error.name }, "payment redirect refused");
    return { verified: false };
  }
  const result = await processNotification(shopId, gateway, notification, orderId);
  return { verified: result.outcome !== "unknown_payment", outcome: result.outcome };
}

async function chargeByReference(tx: Tx, shopId: string, gateway: GatewayName, reference: string) {
  const [row] = await tx
    .select({ charge: schema.payments, order: schema.orders })
    .from(schema.payments)
    .innerJoin(schema.orders, and(eq(schema.orders.shopId, schema.payments.shopId), eq(schema.orders.id, schema.payments.orderId)))
    .where(
      and(
        eq(schema.payments.shopId, shopId),
        eq(schema.payments.gateway, gateway),
        eq(schema.payments.gatewayReference, reference),
        eq(schema.payments.kind, "charge"),
      ),
    );
  return row;
}

const eventProvider = (gateway: GatewayName, shopId: string) => `${gateway}:${shopId}`;

/** Records an event id once; false when it was already recorded (a retry, duplicate or replay). */
async function claimEvent(tx: Tx, gateway: GatewayName, shopId: string, eventId: string): Promise<boolean> {
  const rows = await tx
    .insert(schema.webhookEvents)
    .values({ provider: eventProvider(gateway, shopId), eventId })
    .onConflictDoNothing()
    .returning({ eventId: schema.webhookEvents.eventId });
  return rows.length > 0;
}

async function alreadySeen(tx: Tx, gateway: GatewayName, shopId: string, eventId: string): Promise<boolean> {
  const rows = await tx
    .select({ eventId: schema.webhookEvents.eventId })
    .from(schema.webhookEvents)
    .where(and(eq(schema.webhookEvents.provider, eventProvider(gateway, shopId)), eq(schema.webhookEvents.eventId, eventId)));
  return rows.length > 0;
}

function expectation(order: Order, charge: Charge) {
  return {
    gatewayReference: charge.gatewayReference ?? undefined,
    orderReference: orderReference(order),
    amountMinor: order.totalMinor,
    currency: order.currency,
  };
}

async function processNotification(
  shopId: string,
  gateway: PaymentGateway,
  n: PaymentNotification,
  expectedOrderId?: string,
): Promise<NotificationOutcome> {
  const found = await withShop(shopId, async (tx) => {
    const row = await chargeByReference(tx, shopId, gateway.name, n.gatewayReference);
    return row ? { ...row, seen: await alreadySeen(tx, gateway.name, shopId, n.eventId) } : undefined;
  });
  if (!found || (expectedOrderId && found.order.id !== expectedOrderId)) {
    logger().warn({ shopId, gateway: gateway.name, channel: n.channel }, "payment notification for a payment we do not know");
    return { status: 404, outcome: "unknown_payment" };
  }
  if (found.seen) return { status: 200, outcome: "duplicate" };
  const { order, charge } = found;

  try {
    assertPaymentMatches(n, expectation(order, charge));
  } catch (error) {
    if (!(error instanceof PaymentMismatchError)) throw error;
    return recordMismatch(shopId, gateway, n, order, charge, error, n.channel);
  }

  if (n.status !== "paid") {
    return withShop(shopId, async (tx) => {
      if (!(await claimEvent(tx, gateway.name, shopId, n.eventId))) return { status: 200, outcome: "duplicate" as const };
      return applyUnpaidStatus(tx, shopId, charge.id, n.status);
    });
  }

  // Paid: the gateway itself must say so when asked, for this order's amount and currency.
  let snapshot: PaymentSnapshot;
  try {
    snapshot = await gateway.getPayment(n.gatewayReference);
  } catch (error) {
    if (!(error instanceof PaymentGatewayError)) throw error;
    logger().warn({ shopId, orderId: order.id, gateway: gateway.name, kind: error.kind }, "payment re-query failed");
    return { status: 503, outcome: "requery_failed" };
  }
  try {
    assertPaymentMatches(snapshot, expectation(order, charge));
  } catch (error) {
    if (!(error instanceof PaymentMismatchError)) throw error;
    return recordMismatch(shopId, gateway, n, order, charge, error, "re-query");
  }
  if (snapshot.status !== "paid") {
    // Not recorded: the gateway retries, and by then it may agree. Nothing is marked paid.
    await withShop(shopId, (tx) =>
      recordOrderEvent(tx, {
        shopId,
        orderId: order.id,
        type: "payment_unconfirmed",
        summary: `${GATEWAY_LABELS[gateway.name]} ${n.channel} said paid, but asking ${GATEWAY_LABELS[gateway.name]} gives "${snapshot.status}": not marked paid`,
        data: { paymentId: charge.id, channel: n.channel, gatewayStatus: snapshot.status },
      }),
    );
    return { status: 503, outcome: "unconfirmed" };
  }
  return withShop(shopId, async (tx) => {
    if (!(await claimEvent(tx, gateway.name, shopId, n.eventId))) return { status: 200, outcome: "duplicate" as const };
    return settlePaid(tx, shopId, order.id, charge.id, gateway.name);
  });
}

async function recordMismatch(
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
    await recordOrderEvent(tx, {
      shopId,
      orderId: order.id,
      type: "payment_mismatch",
      summary: `${GATEWAY_LABELS[gateway.name]} ${source} refused: ${error.field} is ${error.actual ?? "missing"}, the order expects ${error.expected}. Not marked paid; check the payment at ${GATEWAY_LABELS[gateway.name]}.`,
      data: { paymentId: charge.id, field: error.field, expected: error.expected, actual: error.actual ?? null, status: n.status, source },
    });
    return { status: 200, outcome: "mismatch" as const };
  });
}

async function applyUnpaidStatus(tx: Tx, shopId: string, chargeId: string, status: PaymentStatus): Promise<NotificationOutcome> {
  const [charge] = await tx
    .select()
    .from(schema.payments)
    .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.id, chargeId)))
    .for("update");
  // A succeeded charge stays succeeded: a late "failed" never un-pays.
  if (charge.status !== "pending" && !(charge.status === "failed" && status === "cancelled")) return { status: 200, outcome: "recorded" };
  if (status === "failed") {
    await tx
      .update(schema.payments)
      .set({ status: "failed" })
      .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.id, chargeId)));
    await recordOrderEvent(tx, {
      shopId,
      orderId: charge.orderId,
      type: "payment_failed",
      summary: "A payment attempt failed at the gateway",
      data: { paymentId: chargeId },
    });
    return { status: 200, outcome: "failed" };
  }
  if (status === "cancelled") {
    await tx
      .update(schema.payments)
      .set({ status: "cancelled", completedAt: new Date() })
      .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.id, chargeId)));
    return { status: 200, outcome: "recorded" };
  }
  return { status: 200, outcome: status === "pending" ? "pending" : "recorded" };
}

/**
 * A confirmed payment: the order becomes paid (markOrderPaid, idempotent), or, when the order
 * can no longer take it (cancelled, or already paid by another charge), the money is recorded
 * and the owner is asked to refund it.
 */
async function settlePaid(tx: Tx, shopId: string, orderId: string, chargeId: string, gateway: GatewayName): Promise<NotificationOutcome> {
  const [order] = await tx
    .select()
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)))
    .for("update");
  const [charge] = await tx
    .select()
    .from(schema.payments)
    .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.id, chargeId)))
    .for("update");
  if (charge.status === "succeeded") return { status: 200, outcome: "already_paid" };
  if (order.status === "pending_payment" && order.paymentStatus === "unpaid") {
    await markOrderPaid(tx, { shopId, orderId, paymentId: chargeId });
    return { status: 200, outcome: "paid" };
  }
  const amount = formatMoney(charge.amountMinor, charge.currency);
  const reason = order.paymentStatus === "unpaid" ? ("cancelled" as const) : ("already_paid" as const);
  await tx
    .update(schema.payments)
    .set({ status: "succeeded", completedAt: new Date() })
    .where(and(eq(schema.payments.shopId, shopId), eq(schema.payments.id, chargeId)));
  await recordOrderEvent(tx, {
    shopId,
    orderId,
    type: reason === "cancelled" ? "late_payment" : "extra_payment",
    summary:
      reason === "cancelled"
        ? `${amount} received through ${GATEWAY_LABELS[gateway]} after the order was cancelled: refund the customer`
        : `A second payment of ${amount} received through ${GATEWAY_LABELS[gateway]} for an order already paid: refund the customer`,
    data: { paymentId: chargeId, gateway, needsRefund: true },
  });
  await notifyOwnerRefundNeeded(tx, shopId, orderId, { minor: charge.amountMinor, currency: charge.currency }, reason);
  return { status: 200, outcome: reason === "cancelled" ? "late_payment" : "extra_payment" };
}

/**
 * Asks the gateway about the order's open charge (the confirmation page, while the customer
 * waits) and applies a confirmed result through the same path. Silent when the gateway is away.
 */
async function reconcile(shopId: string, order: Order, charge: Charge): Promise<void> {
  const gateway = await withShop(shopId, (tx) => gatewayForPayment(tx, shopId, charge.gateway));
  let snapshot: PaymentSnapshot;
  try {
    snapshot = await gateway.getPayment(charge.gatewayReference!);
    assertPaymentMatches(snapshot, expectation(order, charge));
  } catch (error) {
    if (error instanceof PaymentGatewayError || error instanceof PaymentMismatchError) return;
    throw error;
  }
  if (snapshot.status === "paid") await withShop(shopId, (tx) => settlePaid(tx, shopId, order.id, charge.id, gateway.name));
  else if (snapshot.status === "failed" || snapshot.status === "cancelled")
    await withShop(shopId, (tx) => applyUnpaidStatus(tx, shopId, charge.id, snapshot.status));
}

// --- What the customer sees ---------------------------------------------------------------------

export type CustomerPaymentState = "paid" | "refunded" | "partially_refunded" | "failed" | "processing" | "unpaid" | "cancelled";

export interface CustomerOrderView {
  id: string;
  number: number;
  status: Order["status"];
  payment: CustomerPaymentState;
  fulfilmentStatus: Order["fulfilmentStatus"];
  createdAt: string;
  paidAt: string | null;
  expiresAt: string | null;
  /** Can still be paid: pending and not past its time. */
  payable: boolean;
  currency: string;
  subtotalMinor: number;
  discountMinor: number;
  shippingMinor: number;
  taxMinor: number;
  totalMinor: number;
  refundedMinor: number;
  shippingMethod: string | null;
  shippingAddress: Order["shippingAddress"];
  customerName: string;
  email: string | null;
  phone: string | null;
  gateway: string | null;
  lines: Array<{ id: string; title: string; variantTitle: string; quantity: number; unitPriceMinor: number; totalMinor: number }>;
}

/**
 * The customer's view of their order (only references and amounts of payments: nothing else is
 * kept). With `reconcile`, an unpaid order whose charge is open is checked with the gateway first.
 */
export async function customerOrder(
  shopId: string,
  orderId: string,
  options: { reconcile?: boolean } = {},
): Promise<CustomerOrderView | null> {
  if (!isUuid(orderId)) return null;
  const load = () =>
    withShop(shopId, async (tx) => {
      const [order] = await tx
        .select()
        .from(schema.orders)
        .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
      if (!order) return null;
      const lines = await tx
        .select()
        .from(schema.orderLines)
        .where(and(eq(schema.orderLines.shopId, shopId), eq(schema.orderLines.orderId, orderId)))
        .orderBy(schema.orderLines.position);
      return { order, lines, charges: await chargesOf(tx, shopId, orderId) };
    });
  let loaded = await load();
  if (!loaded) return null;
  const open = loaded.charges[0];
  if (
    options.reconcile &&
    loaded.order.paymentStatus === "unpaid" &&
    loaded.order.status === "pending_payment" &&
    open?.status === "pending" &&
    open.gatewayReference
  ) {
    await reconcile(shopId, loaded.order, open);
    loaded = (await load())!;
  }
  const { order, lines, charges } = loaded;
  const latest = charges[0];
  const payment: CustomerPaymentState =
    order.paymentStatus !== "unpaid"
      ? order.paymentStatus
      : order.status === "cancelled"
        ? "cancelled"
        : latest?.status === "failed"
          ? "failed"
          : latest?.status === "pending"
            ? "processing"
            : "unpaid";
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    payment,
    fulfilmentStatus: order.fulfilmentStatus,
    createdAt: order.createdAt.toISOString(),
    paidAt: order.paidAt?.toISOString() ?? null,
    expiresAt: order.expiresAt?.toISOString() ?? null,
    payable:
      order.status === "pending_payment" &&
      order.paymentStatus === "unpaid" &&
      !(order.expiresAt && order.expiresAt.getTime() <= Date.now()),
    currency: order.currency,
    subtotalMinor: order.subtotalMinor,
    discountMinor: order.discountMinor,
    shippingMinor: order.shippingMinor,
    taxMinor: order.taxMinor,
    totalMinor: order.totalMinor,
    refundedMinor: order.refundedMinor,
    shippingMethod: order.shippingMethod,
    shippingAddress: order.shippingAddress,
    customerName: order.customerName,
    email: order.email,
    phone: order.phone,
    gateway: order.gateway && isGateway(order.gateway) ? GATEWAY_LABELS[order.gateway] : null,
    lines: lines.map((l) => ({
      id: l.id,
      title: l.title,
      variantTitle: l.variantTitle,
      quantity: l.quantity,
      unitPriceMinor: l.unitPriceMinor,
      totalMinor: l.totalMinor,
    })),
  };
}
