/**
 * A platform invoice as printable HTML and as PDF (pdfkit with the embedded Noto Sans fonts, so a
 * company name or address in Chinese prints in the PDF as in the HTML).
 */

import { config } from "~/config.server";
import { formatMoney } from "~/lib/money";
import { PDF_FONT, PDF_FONT_BOLD, startPdf } from "~/lib/pdf-fonts.server";

import type { PlatformInvoice } from "./invoices.server";
import { localDay } from "./periods";

const TZ = "Asia/Kuala_Lumpur";
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function seller(): string[] {
  const env = config();
  return [
    env.PLATFORM_COMPANY_NAME,
    ...(env.PLATFORM_COMPANY_ADDRESS ? env.PLATFORM_COMPANY_ADDRESS.split(/\\n|\n/) : []),
    ...(env.SST_REGISTRATION_NUMBER ? [`SST No. ${env.SST_REGISTRATION_NUMBER}`] : []),
  ];
}

function billTo(invoice: PlatformInvoice): string[] {
  const b = invoice.billTo;
  return [
    b.name,
    ...(b.registrationNumber ? [`Reg. No. ${b.registrationNumber}`] : []),
    ...(b.address ? b.address.split("\n") : []),
    b.email,
  ].filter(Boolean);
}

function totals(invoice: PlatformInvoice): Array<[string, string]> {
  const money = (m: number) => formatMoney(m, invoice.currency);
  const rows: Array<[string, string]> = [["Subtotal", money(invoice.subtotalMinor)]];
  if (invoice.sstRateBp > 0) rows.push([`SST ${invoice.sstRateBp / 100}%`, money(invoice.sstMinor)]);
  rows.push(["Total", money(invoice.totalMinor)]);
  return rows;
}

const title = (invoice: PlatformInvoice) => (invoice.sstRateBp > 0 ? "TAX INVOICE" : "INVOICE");
const statusWord = (invoice: PlatformInvoice) =>
  invoice.status === "paid"
    ? `PAID ${localDay(invoice.paidAt!, TZ)}`
    : invoice.status === "void"
      ? "VOID"
      : `DUE ${localDay(invoice.dueAt, TZ)}`;

export function invoiceHtml(invoice: PlatformInvoice): string {
  const money = (m: number) => esc(formatMoney(m, invoice.currency));
  const rows = invoice.lines.map((l) => `<tr><td>${esc(l.description)}</td><td class="n">${money(l.amountMinor)}</td></tr>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(invoice.number)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:800px;margin:2rem auto;padding:0 1rem;color:#111}
header,.cols{display:flex;justify-content:space-between;gap:2rem}h1{margin:0 0 .25rem}table{width:100%;border-collapse:collapse;margin:1.5rem 0}
th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}.n{text-align:right}.status{font-weight:700}
@media print{a{display:none}}</style></head><body data-invoice="${esc(invoice.number)}">
<header><div><h1>${title(invoice)}</h1><div>${esc(invoice.number)}</div><div>Date: ${esc(localDay(invoice.issuedAt, TZ))}</div>
<div class="status" data-status="${invoice.status}">${esc(statusWord(invoice))}</div></div>
<div>${seller()
    .map((s, i) => (i === 0 ? `<strong>${esc(s)}</strong>` : esc(s)))
    .join("<br>")}</div></header>
<div class="cols"><div><h2>Bill to</h2>${billTo(invoice).map(esc).join("<br>")}</div></div>
<table><thead><tr><th>Description</th><th class="n">Amount</th></tr></thead><tbody>${rows}</tbody></table>
<table>${totals(invoice)
    .map(([k, v]) => `<tr><td class="n">${esc(k)}</td><td class="n">${esc(v)}</td></tr>`)
    .join("")}</table>
<p><a href="?format=pdf">PDF</a></p>
</body></html>`;
}

export async function invoicePdf(invoice: PlatformInvoice): Promise<Buffer> {
  // pdfkit and its font engine load on the first PDF, not when a process starts (issue 19).
  const { default: PDFDocument } = await import("pdfkit");
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: { Title: `NetShop invoice ${invoice.number}`, Author: config().PLATFORM_COMPANY_NAME },
  });
  const done = startPdf(doc);
  doc.font(PDF_FONT_BOLD).fontSize(18).text(title(invoice), 50, 50);
  doc
    .font(PDF_FONT)
    .fontSize(10)
    .text(invoice.number)
    .text(`Date: ${localDay(invoice.issuedAt, TZ)}`)
    .text(statusWord(invoice));
  const s = seller();
  doc.font(PDF_FONT_BOLD).text(s[0], 330, 50, { width: 215, align: "right" });
  doc.font(PDF_FONT).text(s.slice(1).join("\n"), { width: 215, align: "right" });
  doc.font(PDF_FONT_BOLD).text("Bill to", 50, Math.max(doc.y + 20, 140));
  doc.font(PDF_FONT).text(billTo(invoice).join("\n"));
  let y = doc.y + 20;
  doc.font(PDF_FONT_BOLD).text("Description", 50, y).text("Amount", 445, y, { width: 100, align: "right" });
  y += 18;
  doc
    .moveTo(50, y - 4)
    .lineTo(545, y - 4)
    .stroke();
  doc.font(PDF_FONT);
  for (const l of invoice.lines) {
    const h = doc.heightOfString(l.description, { width: 380 });
    doc
      .text(l.description, 50, y, { width: 380 })
      .text(formatMoney(l.amountMinor, invoice.currency), 445, y, { width: 100, align: "right" });
    y += Math.max(h, 12) + 8;
  }
  doc.moveTo(50, y).lineTo(545, y).stroke();
  y += 10;
  for (const [k, v] of totals(invoice)) {
    doc
      .font(k === "Total" ? PDF_FONT_BOLD : PDF_FONT)
      .text(k, 330, y, { width: 110, align: "right" })
      .text(v, 445, y, { width: 100, align: "right" });
    y += 16;
  }
  doc.end();
  return done;
}

/** The HTTP response for a platform invoice: HTML to print, or `?format=pdf`. */
export async function invoiceResponse(invoice: PlatformInvoice, request: Request): Promise<Response> {
  if (new URL(request.url).searchParams.get("format") === "pdf") {
    return new Response(new Uint8Array(await invoicePdf(invoice)), {
      headers: {
        "Content-Type": "application/pdf",
        "Content-Disposition": `inline; filename="${invoice.number}.pdf"`,
        "Cache-Control": "private, no-store",
      },
    });
  }
  return new Response(invoiceHtml(invoice), {
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "private, no-store" },
  });
}
