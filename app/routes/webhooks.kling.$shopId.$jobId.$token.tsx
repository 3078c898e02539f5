import type { ActionFunctionArgs } from "@remix-run/node";

import { handleKlingCallback } from "~/domain/ai/kling-callback.server";
import { parseCleanJson } from "~/lib/text";
import { postOnly } from "~/lib/webhook-route.server";

// Kling's task callbacks (one per status change). Unsigned: the per-job secret token in the URL
// must match, and the task is confirmed with Kling (GET) before anything is recorded.
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  let body: unknown;
  try {
    body = parseCleanJson(await request.text());
  } catch {
    return Response.json({ error: "not JSON" }, { status: 400 });
  }
  try {
    const result = await handleKlingCallback({ shopId: params.shopId ?? "", jobId: params.jobId ?? "", token: params.token ?? "", body });
    return Response.json({ outcome: result.outcome }, { status: result.status });
  } catch {
    // Kling could not be asked to confirm: let it send the callback again (polling continues anyway).
    return Response.json({ error: "could not confirm the task" }, { status: 503 });
  }
}

export const loader = postOnly;
