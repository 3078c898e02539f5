import { adminLoader } from "~/domain/accounts/access.server";
import { subscribeProgress } from "~/domain/jobs/progress.server";

/** A comment line now and then keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 25_000;

/**
 * Server-sent events of the signed-in member's shop: one `change` event ({"table","id"}) each
 * time a long job's row changes (CSV transfers, AI jobs and batches, data exports). Pages open it
 * with useProgressStream (app/ui/progress.tsx) and re-read their data; without JavaScript they
 * keep their meta refresh. Only the member's current shop is streamed (the subscription is keyed
 * by it), and the stream ends when the browser goes away.
 */
export const loader = /* @__PURE__ */ adminLoader("member", async ({ request, access }) => {
  const shopId = access.shop.shopId;
  const encoder = new TextEncoder();
  let close = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          close();
        }
      };
      const unsubscribe = await subscribeProgress(shopId, (event) =>
        send(event === "reconnected" ? "event: reconnected\ndata: {}\n\n" : `event: change\ndata: ${JSON.stringify(event)}\n\n`),
      );
      const keepalive = setInterval(() => send(": keepalive\n\n"), KEEPALIVE_MS);
      close = () => {
        clearInterval(keepalive);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      if (request.signal.aborted) return close();
      request.signal.addEventListener("abort", () => close(), { once: true });
      // Sent once listening: from here on no change is missed.
      send("retry: 3000\nevent: ready\ndata: {}\n\n");
    },
    cancel() {
      close();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform: the compression middleware passes the stream through unbuffered.
      "Cache-Control": "no-store, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
});
