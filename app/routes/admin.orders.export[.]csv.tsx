import { adminLoader, requireRecentAuth } from "~/domain/accounts/access.server";
import { exportOrdersCsv, OrderListQuerySchema } from "~/domain/orders/order-list.server";
import { localDate } from "~/lib/dates";

/** The order list, with its filters, as CSV (streamed page by page). */
export const loader = /* @__PURE__ */ adminLoader("orders", async ({ request, context, access }) => {
  requireRecentAuth(access, request);
  const query = OrderListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const rows = exportOrdersCsv(access.shop.shopId, query, { userId: access.user.id, ip: context.ip, userAgent: context.userAgent });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await rows.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="orders-${localDate(new Date(), access.shop.timezone)}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
});
