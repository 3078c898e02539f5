/**
 * Issue 13's leftover: a platform invoice's PDF is worded in Bahasa Melayu for a reader whose
 * language is Malay (the Chinese one is in billing-invoice-lines.test.ts). The PDF's text is read
 * back as a PDF reader would: each text-showing operator's glyphs mapped through the fonts'
 * ToUnicode tables. The Malay headings, status and line are there; none of the English ones.
 */
import zlib from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { changePlan } from "~/domain/billing/changes.server";
import { invoiceResponse } from "~/domain/billing/documents.server";
import { lineText } from "~/domain/billing/invoice-lines.server";
import type { PlatformInvoice } from "~/domain/billing/invoices.server";
import { localeCookie, serverT } from "~/lib/i18n.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { trialShop } from "../helpers/billing";

const who = { ip: "127.0.0.1", userAgent: "vitest" };

/** Every inflated stream of the PDF. */
function streams(pdf: Buffer): string[] {
  const text = pdf.toString("latin1");
  const out: string[] = [];
  for (const m of text.matchAll(/stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    try {
      out.push(zlib.inflateSync(pdf.subarray(start, text.indexOf("endstream", start))).toString("latin1"));
    } catch {}
  }
  return out;
}

/**
 * The PDF's text, once per font: every TJ/Tj's glyph codes read through one ToUnicode table (a
 * text shown in another font reads as nonsense in this one, never as a heading of the invoice).
 */
function pdfTexts(pdf: Buffer): string[] {
  const all = streams(pdf);
  const maps = all
    .filter((s) => s.includes("beginbfrange") || s.includes("beginbfchar"))
    .map((cmap) => {
      const map = new Map<string, string>();
      for (const m of cmap.matchAll(/<([0-9a-f]{4})>\s*<([0-9a-f]{4})>\s*\[([^\]]*)\]/gi)) {
        const first = parseInt(m[1], 16);
        [...m[3].matchAll(/<([0-9a-f]+)>/gi)].forEach((u, i) => map.set((first + i).toString(16).padStart(4, "0"), u[1]));
      }
      for (const m of cmap.matchAll(/<([0-9a-f]{4})>\s*<([0-9a-f]{4,})>\s*$/gim)) map.set(m[1].toLowerCase(), m[2]);
      return map;
    });
  const shown = all.flatMap((s) => [...s.matchAll(/\[((?:<[0-9a-f]*>|[-\d.\s])*)\]\s*TJ|<([0-9a-f]*)>\s*Tj/gi)]);
  return maps.map((map) =>
    shown
      .map((m) =>
        [...(m[1] ?? `<${m[2]}>`).matchAll(/<([0-9a-f]*)>/gi)]
          .flatMap((h) => h[1].match(/.{4}/g) ?? [])
          .map((g) => String.fromCodePoint(parseInt(map.get(g.toLowerCase()) ?? "fffd", 16)))
          .join(""),
      )
      .join("\n"),
  );
}

let invoice: PlatformInvoice;

beforeAll(async () => {
  const { owner, shop } = await trialShop();
  const changed = await changePlan(shop.id, { userId: owner.id, ...who }, { planId: "starter", interval: "month" });
  if (!changed.ok || changed.outcome !== "invoice") throw new Error(JSON.stringify(changed));
  [invoice] = await withShop(shop.id, (tx) => tx.select().from(schema.platformInvoices));
});
afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

describe("a platform invoice's PDF for a Malay reader", () => {
  it("is worded in Bahasa Melayu: headings, status, line and totals", async () => {
    const lng = (await localeCookie.serialize("ms")).split(";")[0];
    const request = new Request(`http://netshop.test/admin/billing/invoices/${invoice.id}?format=pdf`, { headers: { Cookie: lng } });
    const response = await invoiceResponse(invoice, request);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    const texts = pdfTexts(Buffer.from(await response.arrayBuffer())).map((t) => t.replace(/\s+/g, " "));
    const has = (s: string) => texts.some((t) => t.includes(s.replace(/\s+/g, " ")));
    const ms = serverT("ms", "billing");
    const en = serverT("en", "billing");
    // The reading works: the invoice's own number is found.
    expect(has(invoice.number), invoice.number).toBe(true);
    for (const key of [
      "document.invoice",
      "document.billTo",
      "document.description",
      "document.amount",
      "document.subtotal",
      "document.total",
    ] as const) {
      expect(ms(key), key).not.toBe(en(key));
      expect(has(ms(key)), `ms ${key}: ${ms(key)} in ${JSON.stringify(texts)}`).toBe(true);
      expect(has(en(key)), `en ${key}: ${en(key)}`).toBe(false);
    }
    expect(invoice.lines[0].item).toBeTruthy();
    expect(has(lineText("ms", invoice.lines[0])), lineText("ms", invoice.lines[0])).toBe(true);
    expect(has(lineText("en", invoice.lines[0])), lineText("en", invoice.lines[0])).toBe(false);
    expect(has(ms("document.due", { date: "" }).trim())).toBe(true);
    expect(has("Bill to")).toBe(false);
  });
});
