/**
 * NetShop's own gateway account, through which shops pay NetShop: the same adapters shops use
 * for their customers (app/integrations), built from the BILLING_* settings; unset → the sandbox.
 */
import { config, type Env, publicUrl } from "~/config.server";
import type { GatewayName, PaymentGateway } from "~/integrations/payment-gateway";
import { paymentGatewayFor } from "~/integrations/payment-gateways.server";

export function platformGatewayName(env: Env = config()): GatewayName {
  return env.BILLING_GATEWAY;
}

/** The platform's gateway by name (a payment started before the operators switched is verified with its own). */
export function platformGateway(name: GatewayName = platformGatewayName(), env: Env = config()): PaymentGateway {
  if (name === "billplz") {
    const set = env.BILLING_BILLPLZ_SECRET_KEY && env.BILLING_BILLPLZ_COLLECTION_ID && env.BILLING_BILLPLZ_X_SIGNATURE_KEY;
    return paymentGatewayFor(
      {
        gateway: "billplz",
        credentials: set
          ? {
              secretKey: env.BILLING_BILLPLZ_SECRET_KEY!,
              collectionId: env.BILLING_BILLPLZ_COLLECTION_ID!,
              xSignatureKey: env.BILLING_BILLPLZ_X_SIGNATURE_KEY!,
            }
          : null,
      },
      env,
    );
  }
  const set = env.BILLING_PAYSELLER_MERCHANT_ID && env.BILLING_PAYSELLER_API_KEY && env.BILLING_PAYSELLER_CHECKSUM_KEY;
  return paymentGatewayFor(
    {
      gateway: "payseller",
      credentials: set
        ? {
            merchantId: env.BILLING_PAYSELLER_MERCHANT_ID!,
            apiKey: env.BILLING_PAYSELLER_API_KEY!,
            checksumKey: env.BILLING_PAYSELLER_CHECKSUM_KEY!,
          }
        : null,
    },
    env,
  );
}

/** Where the gateway posts its signed callback for a shop's platform invoice. */
export function billingCallbackUrl(gateway: GatewayName, shopId: string): string {
  return `${publicUrl()}/webhooks/billing/${gateway}/${shopId}`;
}

/** Where the owner's browser comes back to from the hosted page. */
export function billingReturnUrl(invoiceId: string): string {
  return `${publicUrl()}/admin/billing/invoices/${invoiceId}/return`;
}
