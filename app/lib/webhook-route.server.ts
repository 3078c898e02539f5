import type { ActionFunctionArgs } from "@remix-run/node";

/** What a webhook's address answers to a GET (its loader): only POST is taken. */
export const postOnly = () => new Response("Method not allowed", { status: 405, headers: { Allow: "POST" } });

/**
 * The action of a gateway's server callback (`/webhooks/<what>/:gateway/:shopId`): POST only, the
 * flow `handle` verifies and records it, and the gateway reads the answer as plain text ("OK" once
 * accepted, else the outcome) with the flow's status.
 */
export function gatewayCallbackAction(
  handle: (input: { gateway: string; shopId: string; request: Request }) => Promise<{ status: number; outcome: string }>,
) {
  return async ({ request, params }: ActionFunctionArgs) => {
    if (request.method !== "POST") return postOnly();
    const result = await handle({ gateway: params.gateway ?? "", shopId: params.shopId ?? "", request });
    return new Response(result.status === 200 ? "OK" : result.outcome, {
      status: result.status,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  };
}
