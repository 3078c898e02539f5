/**
 * Which payment gateway: the one a shop takes new payments through (PaySeller or Billplz with its
 * own sealed credentials, or the sandbox stand-in when it has none), and the one a recorded
 * payment went through (to verify its callbacks or refund it, even after the shop switched).
 */
import { and, eq } from "drizzle-orm";

import { type GatewayName, type PaymentGateway, PaymentGatewayError } from "~/integrations/payment-gateway";
import { GATEWAY_LABELS, paymentGatewayFor, type ShopGatewayChoice } from "~/integrations/payment-gateways.server";
import { decryptSecret } from "~/lib/secrets.server";
import { schema, type Tx } from "~db/client";

export const GATEWAYS = ["payseller", "billplz"] as const satisfies readonly GatewayName[];
/** A shop that has chosen nothing takes payments through the PaySeller stand-in. */
export const DEFAULT_GATEWAY: GatewayName = "payseller";
export { GATEWAY_LABELS };

export const isGateway = (name: string): name is GatewayName => (GATEWAYS as readonly string[]).includes(name);

type Account = typeof schema.paymentGatewayAccounts.$inferSelect;

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

/** The gateway an order's payment was started with; null when it has none (never sent to pay). */
export async function gatewayForOrder(tx: Tx, shopId: string, orderId: string): Promise<PaymentGateway | undefined> {
  const [order] = await tx
    .select({ gateway: schema.orders.gateway })
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
  return order?.gateway && isGateway(order.gateway) ? gatewayForPayment(tx, shopId, order.gateway) : undefined;
}
