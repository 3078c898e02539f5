/**
 * The gateway a shop chose, built from its stored credentials (none → the sandbox stand-in).
 * The one place that knows every adapter; callers see only PaymentGateway.
 */
import { config, type Env } from "~/config.server";

import { type BillplzCredentials, BillplzGateway, billplzSettings } from "./billplz.server";
import type { GatewayName, PaymentGateway } from "./payment-gateway";
import { type PaySellerCredentials, PaySellerGateway, paysellerSettings } from "./payseller.server";

export type ShopGatewayChoice =
  { gateway: "payseller"; credentials?: PaySellerCredentials | null } | { gateway: "billplz"; credentials?: BillplzCredentials | null };

export function paymentGatewayFor(choice: ShopGatewayChoice, env: Env = config()): PaymentGateway {
  switch (choice.gateway) {
    case "payseller":
      return new PaySellerGateway(paysellerSettings(choice.credentials, env));
    case "billplz":
      return new BillplzGateway(billplzSettings(choice.credentials, env));
  }
}

export const GATEWAY_LABELS: Record<GatewayName, string> = { payseller: "PaySeller", billplz: "Billplz" };
