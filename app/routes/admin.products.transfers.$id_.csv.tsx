import { adminLoader } from "~/domain/accounts/access.server";
import { errorReportCsv } from "~/domain/catalog/csv.server";
import { exportedCsv, getTransfer } from "~/domain/catalog/transfers.server";
import { localDate } from "~/lib/dates";
import { notFound } from "~/lib/http";
import { localeFor } from "~/lib/i18n.server";

/** Downloads: an export's CSV, or (`?report=errors`) an import's problems as CSV. */
export const loader = /* @__PURE__ */ adminLoader("products", async ({ request, params, access }) => {
  const { shop } = access;
  const id = params.id ?? "";
  const csvResponse = (body: string, filename: string) =>
    new Response(body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
        "Cache-Control": "private, no-store",
      },
    });
  if (new URL(request.url).searchParams.get("report") === "errors") {
    const transfer = await getTransfer(shop.shopId, id);
    if (!transfer) throw notFound("There is no such import in your shop.");
    return csvResponse(
      errorReportCsv(transfer.errors, await localeFor(request)),
      `import-problems-${localDate(transfer.createdAt, shop.timezone)}.csv`,
    );
  }
  const exported = await exportedCsv(shop.shopId, id);
  if (!exported) throw notFound("There is no finished export with this id in your shop.");
  return csvResponse(exported.csv, `products-${localDate(exported.createdAt, shop.timezone)}.csv`);
});
