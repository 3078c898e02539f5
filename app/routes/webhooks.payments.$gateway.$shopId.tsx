import { handleGatewayCallback } from "~/flows/payment-notification.server";
import { gatewayCallbackAction, postOnly } from "~/lib/webhook-route.server";

// A payment gateway's signed server callback (PaySeller, Billplz). Verified over the raw body,
// deduplicated, checked against the order and re-queried before anything is marked paid; a
// verified callback is answered 200 once recorded so the gateway stops retrying.
export const action = /* @__PURE__ */ gatewayCallbackAction(handleGatewayCallback);

export const loader = postOnly;
