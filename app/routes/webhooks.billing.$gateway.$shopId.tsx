import type { ActionFunctionArgs } from "@remix-run/node";

import { handleBillingCallback } from "~/flows/billing-invoice-paid.server";

// NetShop's gateway calling back about a shop's platform invoice: verified over the raw body,
// deduplicated, checked against the invoice and re-queried before anything is marked paid.
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405, headers: { Allow: "POST" } });
  const result = await handleBillingCallback({ gateway: params.gateway ?? "", shopId: params.shopId ?? "", request });
  return new Response(result.status === 200 ? "OK" : result.outcome, {
    status: result.status,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

export async function loader() {
  return new Response("Method not allowed", { status: 405, headers: { Allow: "POST" } });
}
