import type { ActionFunctionArgs } from "@remix-run/node";

import { wassengerWebhookReceived } from "~/flows/whatsapp-webhook.server";
import { postOnly } from "~/lib/webhook-route.server";

// Wassenger's delivery webhooks (sent, delivered, read, failed) and incoming replies (STOP). Authenticated by the secret
// token in the URL and, when present, the body signature; duplicates are acknowledged and ignored.
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  const result = await wassengerWebhookReceived({
    pathToken: params.token ?? "",
    rawBody: await request.text(),
    signature: request.headers.get("x-wassenger-signature"),
  });
  return Response.json(result.ok ? { ok: true, outcome: result.outcome } : { error: result.errors.form }, {
    status: result.status,
  });
}

export const loader = postOnly;
