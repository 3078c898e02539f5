import type { ActionFunctionArgs } from "@remix-run/node";

import { handleGatewayCallback } from "~/flows/payment-notification.server";

// A payment gateway's signed server callback (PaySeller, Billplz). Verified over the raw body,
// deduplicated, checked against the order and re-queried before anything is marked paid; a
// verified callback is answered 200 once recorded so the gateway stops retrying.
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405, headers: { Allow: "POST" } });
  const result = await handleGatewayCallback({ shopId: params.shopId ?? "", gateway: params.gateway ?? "", request });
  return new Response(result.status === 200 ? "OK" : result.outcome, {
    status: result.status,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

export async function loader() {
  return new Response("Method not allowed", { status: 405, headers: { Allow: "POST" } });
}
