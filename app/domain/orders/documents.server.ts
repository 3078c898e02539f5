/**
 * An order's printable documents: the tax invoice (only once paid: its number comes from
 * markOrderPaid, sequential per shop without gaps) and the packing slip, as HTML for the
 * browser's print dialog and as PDF (pdfkit with Noto Sans SC embedded, subset to the characters
 * used: Chinese and Malay names print as written).
 */
import { eq } from "drizzle-orm";

import { formatMoney } from "~/domain/catalog/catalog-rules";
import { isUuid } from "~/lib/ids";
import { PDF_FONT, PDF_FONT_BOLD, startPdf } from "~/lib/pdf-fonts.server";
import { schema, withShop } from "~db/client";
import type { PostalAddress } from "~db/schema";

import { orderWithLines } from "./order-reads.server";

export type DocumentKind = "invoice" | "packing-slip";

export async function documentData(shopId: string, orderId: string) {
  if (!isUuid(orderId)) return undefined;
  return withShop(shopId, async (tx) => {
    const found = await orderWithLines(tx, shopId, orderId);
    if (!found) return undefined;
    const [shop] = await tx.select().from(schema.shops).where(eq(schema.shops.id, shopId));
    return { shop, ...found };
  });
}
type Data = NonNullable<Awaited<ReturnType<typeof documentData>>>;

const esc = (s: string | number | null | undefined) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const addressLines = (a: PostalAddress | null) =>
  a ? ([a.name, a.line1, a.line2, `${a.postcode} ${a.city}`, a.state, a.country, a.phone].filter(Boolean) as string[]) : [];
const date = (d: Date | null, tz: string) => (d ? new Intl.DateTimeFormat("en-MY", { dateStyle: "long", timeZone: tz }).format(d) : "");

export const invoiceLabel = (n: number | null) => (n === null ? null : `INV-${String(n).padStart(6, "0")}`);

/** Why a document cannot be made yet, or undefined. */
export function documentProblem(kind: DocumentKind, d: Data): string | undefined {
  if (kind === "invoice" && d.order.invoiceNumber === null) return "A tax invoice is issued once the order is paid.";
  return undefined;
}

function seller(d: Data): string[] {
  return [
    d.shop.companyName || d.shop.name,
    d.shop.registrationNumber ? `Registration no. ${d.shop.registrationNumber}` : "",
    ...(d.shop.companyAddress ?? "").split("\n"),
  ]
    .map((s) => s.trim())
    .filter(Boolean);
}

export function documentHtml(kind: DocumentKind, d: Data): string {
  const { order, shop, lines } = d;
  const money = (m: number) => esc(formatMoney(m, order.currency));
  const title = kind === "invoice" ? `Tax invoice ${invoiceLabel(order.invoiceNumber)}` : `Packing slip · order #${order.number}`;
  const rows = lines
    .map(
      (l) =>
        `<tr><td>${esc(l.title)}${l.variantTitle ? `<br><small>${esc(l.variantTitle)}</small>` : ""}${l.sku ? `<br><small>SKU ${esc(l.sku)}</small>` : ""}</td><td class="n">${l.quantity}</td>${
          kind === "invoice"
            ? `<td class="n">${money(l.unitPriceMinor)}</td><td class="n">${l.discountMinor ? `−${money(l.discountMinor)}` : ""}</td><td class="n">${money(l.totalMinor)}</td>`
            : `<td class="box">☐</td>`
        }</tr>`,
    )
    .join("");
  const totals =
    kind === "invoice"
      ? `<table class="totals">
  <tr><td>Subtotal</td><td class="n">${money(order.subtotalMinor)}</td></tr>
  ${order.discountMinor ? `<tr><td>Discount</td><td class="n">−${money(order.discountMinor)}</td></tr>` : ""}
  <tr><td>Shipping${order.shippingMethod ? ` (${esc(order.shippingMethod)})` : ""}</td><td class="n">${money(order.shippingMinor)}</td></tr>
  ${order.taxMinor ? `<tr><td>Tax</td><td class="n">${money(order.taxMinor)}</td></tr>` : ""}
  <tr class="grand"><td>Total</td><td class="n">${money(order.totalMinor)}</td></tr>
  ${order.refundedMinor ? `<tr><td>Refunded</td><td class="n">−${money(order.refundedMinor)}</td></tr>` : ""}
</table>`
      : `<p class="note">${order.note ? `Customer's note: ${esc(order.note)}` : ""}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111;max-width:780px;margin:2rem auto;padding:0 1rem}
header{display:flex;justify-content:space-between;gap:2rem;border-bottom:2px solid #111;padding-bottom:1rem}
h1{font-size:1.4rem;margin:0 0 .3rem} .cols{display:flex;gap:3rem;margin:1.2rem 0} .cols h2{font-size:.8rem;text-transform:uppercase;color:#555;margin:0 0 .3rem}
table{width:100%;border-collapse:collapse} th,td{text-align:left;padding:.45rem .3rem;border-bottom:1px solid #ddd;vertical-align:top} .n{text-align:right;white-space:nowrap}
.totals{width:50%;margin-left:auto;margin-top:1rem} .grand td{font-weight:700;border-top:2px solid #111} .box{font-size:1.2rem;text-align:center}
.print{margin:1rem 0} @media print{.print{display:none} body{margin:0}}
</style></head><body>
<p class="print">Print this page from your browser (Ctrl+P or ⌘P) or save it as PDF.</p>
<header><div><h1>${esc(title)}</h1><div>Order #${order.number}</div>${kind === "invoice" ? `<div>Date: ${esc(date(order.invoicedAt, shop.timezone))}</div>` : `<div>Ordered: ${esc(date(order.createdAt, shop.timezone))}</div>`}</div>
<div class="seller">${seller(d)
    .map((s, i) => (i === 0 ? `<strong>${esc(s)}</strong>` : esc(s)))
    .join("<br>")}</div></header>
<div class="cols"><div><h2>${kind === "invoice" ? "Bill to" : "Ship to"}</h2>${addressLines(order.shippingAddress).map(esc).join("<br>") || esc(order.customerName)}${kind === "invoice" && order.email ? `<br>${esc(order.email)}` : ""}</div>
${order.shippingMethod ? `<div><h2>Shipping</h2>${esc(order.shippingMethod)}</div>` : ""}</div>
<table><thead><tr><th>Item</th><th class="n">Qty</th>${kind === "invoice" ? `<th class="n">Unit price</th><th class="n">Discount</th><th class="n">Amount</th>` : `<th>Packed</th>`}</tr></thead><tbody>${rows}</tbody></table>
${totals}
</body></html>`;
}

/** The same document as a PDF (A4). */
export async function documentPdf(kind: DocumentKind, d: Data): Promise<Buffer> {
  // pdfkit and its font engine load on the first PDF, not when a process starts (issue 19).
  const { default: PDFDocument } = await import("pdfkit");
  const { order, shop, lines } = d;
  const money = (m: number) => formatMoney(m, order.currency);
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: {
      Title: kind === "invoice" ? `Tax invoice ${invoiceLabel(order.invoiceNumber)}` : `Packing slip #${order.number}`,
      Author: shop.companyName || shop.name,
    },
  });
  const done = startPdf(doc);
  const sellerLines = seller(d);
  doc
    .font(PDF_FONT_BOLD)
    .fontSize(18)
    .text(kind === "invoice" ? "TAX INVOICE" : "PACKING SLIP", 50, 50);
  doc.font(PDF_FONT).fontSize(10);
  doc.text(kind === "invoice" ? `Invoice ${invoiceLabel(order.invoiceNumber)}` : `Order #${order.number}`);
  if (kind === "invoice") doc.text(`Order #${order.number} · ${date(order.invoicedAt, shop.timezone)}`);
  else doc.text(`Ordered ${date(order.createdAt, shop.timezone)}`);
  doc.font(PDF_FONT_BOLD).text(sellerLines[0] ?? "", 330, 50, { width: 215, align: "right" });
  doc.font(PDF_FONT).text(sellerLines.slice(1).join("\n"), { width: 215, align: "right" });
  doc.moveDown(2);
  const y0 = Math.max(doc.y, 140);
  doc.font(PDF_FONT_BOLD).text(kind === "invoice" ? "Bill to" : "Ship to", 50, y0);
  doc
    .font(PDF_FONT)
    .text(
      (addressLines(order.shippingAddress).join("\n") || order.customerName) +
        (kind === "invoice" && order.email ? `\n${order.email}` : ""),
    );
  doc.moveDown();
  let y = doc.y + 10;
  const cols = kind === "invoice" ? [50, 300, 340, 420, 480] : [50, 420, 480];
  const header = kind === "invoice" ? ["Item", "Qty", "Unit price", "Discount", "Amount"] : ["Item", "Qty", "Packed"];
  doc.font(PDF_FONT_BOLD);
  header.forEach((h, i) => doc.text(h, cols[i], y, { width: i === 0 ? cols[1] - 60 : 70 }));
  y += 18;
  doc
    .moveTo(50, y - 4)
    .lineTo(545, y - 4)
    .stroke();
  doc.font(PDF_FONT);
  for (const l of lines) {
    const name = `${l.title}${l.variantTitle ? ` (${l.variantTitle})` : ""}${l.sku ? `\nSKU ${l.sku}` : ""}`;
    const cells =
      kind === "invoice"
        ? [name, String(l.quantity), money(l.unitPriceMinor), l.discountMinor ? `-${money(l.discountMinor)}` : "", money(l.totalMinor)]
        : [name, String(l.quantity), "[  ]"];
    const height = doc.heightOfString(name, { width: cols[1] - 60 });
    if (y + height > 760) {
      doc.addPage();
      y = 50;
    }
    cells.forEach((c, i) => doc.text(c, cols[i], y, { width: i === 0 ? cols[1] - 60 : 70 }));
    y += Math.max(height, 12) + 8;
  }
  doc.moveTo(50, y).lineTo(545, y).stroke();
  y += 10;
  if (kind === "invoice") {
    const rows: Array<[string, string]> = [["Subtotal", money(order.subtotalMinor)]];
    if (order.discountMinor) rows.push(["Discount", `-${money(order.discountMinor)}`]);
    rows.push([`Shipping${order.shippingMethod ? ` (${order.shippingMethod})` : ""}`, money(order.shippingMinor)]);
    if (order.taxMinor) rows.push(["Tax", money(order.taxMinor)]);
    rows.push(["Total", money(order.totalMinor)]);
    if (order.refundedMinor) rows.push(["Refunded", `-${money(order.refundedMinor)}`]);
    for (const [label, value] of rows) {
      doc
        .font(label === "Total" ? PDF_FONT_BOLD : PDF_FONT)
        .text(label, 300, y, { width: 170 })
        .text(value, 470, y, { width: 75, align: "right" });
      y += 16;
    }
  } else if (order.note) {
    doc.text(`Customer's note: ${order.note}`, 50, y, { width: 495 });
  }
  doc.end();
  return done;
}
