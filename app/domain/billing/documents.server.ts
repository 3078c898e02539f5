/**
 * A platform invoice as printable HTML and as PDF (pdfkit with the embedded Noto Sans fonts, so a
 * company name or address in Chinese prints in the PDF as in the HTML), in the reader's language:
 * headings, dates, amounts and each line's description (invoice-lines.server.ts).
 */

import { config } from "~/config.server";
import { DEFAULT_LOCALE, FORMAT_LANG, HTML_LANG, type Locale } from "~/lib/i18n";
import { localeFor } from "~/lib/i18n.server";
import { formatMoney } from "~/lib/money";
import { PDF_FONT, PDF_FONT_BOLD, startPdf } from "~/lib/pdf-fonts.server";

import { invoiceDay, lineText } from "./invoice-lines.server";
import type { PlatformInvoice } from "./invoices.server";
import { localDay } from "./periods";
import { billingT } from "./refusals.server";

const TZ = "Asia/Kuala_Lumpur";
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The invoice's words and formats in one language. */
function wording(invoice: PlatformInvoice, locale: Locale) {
  const t = billingT(locale);
  const day = (at: Date) => invoiceDay(locale, localDay(at, TZ));
  const money = (m: number) => formatMoney(m, invoice.currency, FORMAT_LANG[locale]);
  const env = config();
  const b = invoice.billTo;
  const totals: Array<[string, string]> = [[t("document.subtotal"), money(invoice.subtotalMinor)]];
  if (invoice.sstRateBp > 0) totals.push([t("document.sst", { rate: invoice.sstRateBp / 100 }), money(invoice.sstMinor)]);
  totals.push([t("document.total"), money(invoice.totalMinor)]);
  return {
    t,
    money,
    title: t(invoice.sstRateBp > 0 ? "document.taxInvoice" : "document.invoice"),
    date: t("document.date", { date: day(invoice.issuedAt) }),
    status:
      invoice.status === "paid"
        ? t("document.paid", { date: day(invoice.paidAt!) })
        : invoice.status === "void"
          ? t("document.void")
          : t("document.due", { date: day(invoice.dueAt) }),
    seller: [
      env.PLATFORM_COMPANY_NAME,
      ...(env.PLATFORM_COMPANY_ADDRESS ? env.PLATFORM_COMPANY_ADDRESS.split(/\\n|\n/) : []),
      ...(env.SST_REGISTRATION_NUMBER ? [t("document.sstNo", { number: env.SST_REGISTRATION_NUMBER })] : []),
    ],
    billTo: [
      b.name,
      ...(b.registrationNumber ? [t("document.regNo", { number: b.registrationNumber })] : []),
      ...(b.address ? b.address.split("\n") : []),
      b.email,
    ].filter(Boolean),
    lines: invoice.lines.map((l) => ({ text: lineText(locale, l), amount: money(l.amountMinor) })),
    totals,
  };
}

export function invoiceHtml(invoice: PlatformInvoice, locale: Locale = DEFAULT_LOCALE): string {
  const w = wording(invoice, locale);
  const rows = w.lines.map((l) => `<tr><td>${esc(l.text)}</td><td class="n">${esc(l.amount)}</td></tr>`).join("");
  return `<!doctype html>
<html lang="${HTML_LANG[locale]}"><head><meta charset="utf-8"><title>${esc(invoice.number)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:800px;margin:2rem auto;padding:0 1rem;color:#111}
header,.cols{display:flex;justify-content:space-between;gap:2rem}h1{margin:0 0 .25rem}table{width:100%;border-collapse:collapse;margin:1.5rem 0}
th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}.n{text-align:right}.status{font-weight:700}
@media print{a{display:none}}</style></head><body data-invoice="${esc(invoice.number)}">
<header><div><h1>${esc(w.title)}</h1><div>${esc(invoice.number)}</div><div>${esc(w.date)}</div>
<div class="status" data-status="${invoice.status}">${esc(w.status)}</div></div>
<div>${w.seller.map((s, i) => (i === 0 ? `<strong>${esc(s)}</strong>` : esc(s))).join("<br>")}</div></header>
<div class="cols"><div><h2>${esc(w.t("document.billTo"))}</h2>${w.billTo.map(esc).join("<br>")}</div></div>
<table><thead><tr><th>${esc(w.t("document.description"))}</th><th class="n">${esc(w.t("document.amount"))}</th></tr></thead><tbody>${rows}</tbody></table>
<table>${w.totals.map(([k, v]) => `<tr><td class="n">${esc(k)}</td><td class="n">${esc(v)}</td></tr>`).join("")}</table>
<p><a href="?format=pdf">PDF</a></p>
</body></html>`;
}

export async function invoicePdf(invoice: PlatformInvoice, locale: Locale = DEFAULT_LOCALE): Promise<Buffer> {
  // pdfkit and its font engine load on the first PDF, not when a process starts (issue 19).
  const { default: PDFDocument } = await import("pdfkit");
  const w = wording(invoice, locale);
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    lang: HTML_LANG[locale],
    info: { Title: w.t("document.pdfTitle", { number: invoice.number }), Author: config().PLATFORM_COMPANY_NAME },
  });
  const done = startPdf(doc);
  doc.font(PDF_FONT_BOLD).fontSize(18).text(w.title, 50, 50);
  doc.font(PDF_FONT).fontSize(10).text(invoice.number).text(w.date).text(w.status);
  const s = w.seller;
  doc.font(PDF_FONT_BOLD).text(s[0], 330, 50, { width: 215, align: "right" });
  doc.font(PDF_FONT).text(s.slice(1).join("\n"), { width: 215, align: "right" });
  doc.font(PDF_FONT_BOLD).text(w.t("document.billTo"), 50, Math.max(doc.y + 20, 140));
  doc.font(PDF_FONT).text(w.billTo.join("\n"));
  let y = doc.y + 20;
  doc.font(PDF_FONT_BOLD).text(w.t("document.description"), 50, y).text(w.t("document.amount"), 445, y, { width: 100, align: "right" });
  y += 18;
  doc
    .moveTo(50, y - 4)
    .lineTo(545, y - 4)
    .stroke();
  doc.font(PDF_FONT);
  for (const l of w.lines) {
    const h = doc.heightOfString(l.text, { width: 380 });
    doc.text(l.text, 50, y, { width: 380 }).text(l.amount, 445, y, { width: 100, align: "right" });
    y += Math.max(h, 12) + 8;
  }
  doc.moveTo(50, y).lineTo(545, y).stroke();
  y += 10;
  for (const [i, [k, v]] of w.totals.entries()) {
    doc
      .font(i === w.totals.length - 1 ? PDF_FONT_BOLD : PDF_FONT)
      .text(k, 330, y, { width: 110, align: "right" })
      .text(v, 445, y, { width: 100, align: "right" });
    y += 16;
  }
  doc.end();
  return done;
}

/** The HTTP response for a platform invoice in the reader's language: HTML to print, or `?format=pdf`. */
export async function invoiceResponse(invoice: PlatformInvoice, request: Request): Promise<Response> {
  const locale = await localeFor(request);
  if (new URL(request.url).searchParams.get("format") === "pdf") {
    return new Response(new Uint8Array(await invoicePdf(invoice, locale)), {
      headers: {
        "Content-Type": "application/pdf",
        "Content-Disposition": `inline; filename="${invoice.number}.pdf"`,
        "Cache-Control": "private, no-store",
      },
    });
  }
  return new Response(invoiceHtml(invoice, locale), {
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "private, no-store" },
  });
}
