/** Invoices, packing slips and NetShop's own invoices to shops print Chinese and Malay names: the embedded font has their glyphs. */
import zlib from "node:zlib";

import { afterAll, describe, expect, it } from "vitest";

import { changePlan } from "~/domain/billing/changes.server";
import { invoicePdf } from "~/domain/billing/documents.server";
import { invoiceById } from "~/domain/billing/invoices.server";
import { documentData, documentPdf } from "~/domain/orders/documents.server";
import { openShop } from "~/flows/shop-opened.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser, unique } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";

afterAll(async () => {
  await closeDatabase();
});

/** Every stream of a PDF, inflated where pdfkit compressed it, as latin1 text. */
function pdfStreams(pdf: Buffer): string {
  const text = pdf.toString("latin1");
  const out: string[] = [];
  for (const m of text.matchAll(/stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    const end = text.indexOf("endstream", start);
    const raw = pdf.subarray(start, end);
    try {
      out.push(zlib.inflateSync(raw).toString("latin1"));
    } catch {
      out.push(raw.toString("latin1"));
    }
  }
  return out.join("\n");
}
const hex = (ch: string) => ch.codePointAt(0)!.toString(16).padStart(4, "0");

describe("PDF documents in any script", () => {
  it("embeds a subset of Noto Sans SC holding the Chinese and Malay characters of the order", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id, { name: "蜡染小店" });
    await makeProduct(shop.id, owner.id, { title: "手绘蜡染丝巾 Selendang Batik", price: "45.00", stock: 5, status: "active" });
    const [variant] = await withShop(shop.id, (tx) => tx.select().from(schema.variants));
    const order = await makeOrder(shop.id, { lines: [{ variantId: variant.id, quantity: 1 }], paid: true });
    const d = (await documentData(shop.id, order.id))!;
    for (const kind of ["invoice", "packing-slip"] as const) {
      const pdf = await documentPdf(kind, d);
      const raw = pdf.toString("latin1");
      expect(raw.startsWith("%PDF-")).toBe(true);
      expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansHans-Regular/); // embedded as a subset
      expect(raw).not.toContain("/Helvetica");
      const streams = pdfStreams(pdf);
      // The ToUnicode map lists every character drawn: the product's and the shop's names.
      for (const ch of "手绘蜡染丝巾小店") expect(streams, `${kind}: ${ch}`).toContain(`<${hex(ch)}>`);
      // Subset: far smaller than the 8 MB font file.
      expect(pdf.length).toBeLessThan(400_000);
    }
  });

  it("prints a platform invoice to a company with a Chinese name in Noto Sans, not Helvetica", async () => {
    const owner = await makeUser();
    const who = { ip: "127.0.0.1", userAgent: "vitest" };
    const opened = await openShop(owner.id, { name: "Kedai Batik", slug: unique("pdf-bill-") }, who);
    if (!opened.ok) throw new Error("shop not opened");
    const shopId = opened.shop.id;
    await withShop(shopId, (tx) =>
      tx.update(schema.shops).set({ companyName: "槟城蜡染贸易有限公司", companyAddress: "乔治市 Lebuh Pantai 12" }),
    );
    const changed = await changePlan(shopId, { userId: owner.id, ...who }, { planId: "growth", interval: "year" });
    if (!changed.ok || changed.outcome !== "invoice") throw new Error(JSON.stringify(changed));
    const invoice = (await withShop(shopId, (tx) => invoiceById(tx, shopId, changed.invoiceId)))!;
    expect(invoice.billTo.name).toBe("槟城蜡染贸易有限公司");
    const pdf = await invoicePdf(invoice);
    const raw = pdf.toString("latin1");
    expect(raw.startsWith("%PDF-")).toBe(true);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansHans-Regular/);
    expect(raw).not.toContain("/Helvetica");
    const streams = pdfStreams(pdf);
    for (const ch of "槟城蜡染贸易有限公司乔治市") expect(streams, ch).toContain(`<${hex(ch)}>`);
    expect(pdf.length).toBeLessThan(400_000);
  });
});
