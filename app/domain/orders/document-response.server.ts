import { notFound } from "~/lib/http";

import { documentData, documentHtml, type DocumentKind, documentPdf, documentProblem, invoiceLabel } from "./documents.server";

/** The HTTP response for an order document (HTML to print, or PDF with `?format=pdf`). */
export async function documentResponse(kind: DocumentKind, shopId: string, orderId: string, request: Request): Promise<Response> {
  const d = await documentData(shopId, orderId);
  if (!d) throw notFound("This order does not exist in your shop.");
  const problem = documentProblem(kind, d);
  if (problem) return new Response(problem, { status: 409, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const name = kind === "invoice" ? invoiceLabel(d.order.invoiceNumber)! : `packing-slip-${d.order.number}`;
  if (new URL(request.url).searchParams.get("format") === "pdf") {
    const pdf = await documentPdf(kind, d);
    return new Response(new Uint8Array(pdf), {
      headers: {
        "Content-Type": "application/pdf",
        "Content-Disposition": `inline; filename="${name}.pdf"`,
        "Cache-Control": "private, no-store",
      },
    });
  }
  return new Response(documentHtml(kind, d), {
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "private, no-store" },
  });
}
