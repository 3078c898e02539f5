import { handleBillingCallback } from "~/flows/billing-invoice-paid.server";
import { gatewayCallbackAction, postOnly } from "~/lib/webhook-route.server";

// NetShop's gateway calling back about a shop's platform invoice: verified over the raw body,
// deduplicated, checked against the invoice and re-queried before anything is marked paid.
export const action = /* @__PURE__ */ gatewayCallbackAction(handleBillingCallback);

export const loader = postOnly;
