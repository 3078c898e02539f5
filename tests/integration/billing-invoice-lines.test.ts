/**
 * Platform invoice lines are stored without words (kind, plan id and name, interval, the period's
 * local days; the credit for the old plan; a credit pack) and worded in the reader's language on
 * the billing history, the HTML invoice and the PDF. A shop paid Starter, upgrades to Growth (a
 * plan line and a credit line) and buys a video pack; an invoice issued before lines had items
 * (English words only) still reads as issued.
 */
import { randomUUID } from "node:crypto";
import zlib from "node:zlib";

import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { changePlan } from "~/domain/billing/changes.server";
import { buyCreditPack } from "~/domain/billing/credit-packs.server";
import { invoiceDay, lineText } from "~/domain/billing/invoice-lines.server";
import { type PlatformInvoice } from "~/domain/billing/invoices.server";
import type { Locale } from "~/lib/i18n";
import { localeCookie, serverT } from "~/lib/i18n.server";
import { schema, withShop } from "~db/client";

import { billingStack, paidShop, signedIn } from "../helpers/billing";
import { englishLeft } from "../helpers/english";
import { type FormClient, htmlDecode } from "../helpers/web";

process.env.TRUST_PROXY = "1";

const stack = billingStack();
const who = { ip: "127.0.0.1", userAgent: "vitest" };
const OLD_WORDS = "Starter plan, monthly: 2026-01-01 to 2026-02-01";

async function inLanguage(client: FormClient, locale: Locale) {
  client.setCookie("lng", (await localeCookie.serialize(locale)).split(";")[0].slice("lng=".length));
  return client;
}

/** The PDF's streams, inflated: the fonts' ToUnicode maps list every character drawn (as <hex> code points). */
function pdfStreams(pdf: Buffer): string {
  const text = pdf.toString("latin1");
  const out: string[] = [];
  for (const m of text.matchAll(/stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    try {
      out.push(zlib.inflateSync(pdf.subarray(start, text.indexOf("endstream", start))).toString("latin1"));
    } catch {}
  }
  return out.join("\n");
}
const hex = (ch: string) => ch.codePointAt(0)!.toString(16).padStart(4, "0");

let shopId: string;
let owner: Awaited<ReturnType<typeof paidShop>>["owner"];
let invoices: PlatformInvoice[];

beforeAll(async () => {
  const t0 = new Date();
  const paid = await paidShop(t0, "starter");
  shopId = paid.shop.id;
  owner = paid.owner;
  const changed = await changePlan(
    shopId,
    { userId: owner.id, ...who },
    { planId: "growth", interval: "year" },
    new Date(t0.getTime() + 1000),
  );
  if (!changed.ok || changed.outcome !== "invoice") throw new Error(JSON.stringify(changed));
  const pack = await buyCreditPack(shopId, { packId: "video-20", token: randomUUID() });
  if (!pack.ok) throw new Error(JSON.stringify(pack));
  invoices = await withShop(shopId, (tx) => tx.select().from(schema.platformInvoices));
  // The first invoice (Starter) as it was issued before lines had items: English words only.
  const first = invoices.find((i) => i.planId === "starter")!;
  await withShop(shopId, (tx) =>
    tx
      .update(schema.platformInvoices)
      .set({ lines: [{ description: OLD_WORDS, amountMinor: first.subtotalMinor }] })
      .where(eq(schema.platformInvoices.id, first.id)),
  );
  invoices = await withShop(shopId, (tx) => tx.select().from(schema.platformInvoices));
});

describe("invoice lines in the reader's language", () => {
  it("stores each line's kind and parameters, not only words", () => {
    const change = invoices.find((i) => i.kind === "change" && i.planId === "growth")!;
    expect(change.lines.map((l) => l.item?.kind)).toEqual(["plan", "credit"]);
    expect(change.lines[0].item).toMatchObject({ kind: "plan", planId: "growth", plan: "Growth", interval: "year" });
    expect(change.lines[0].item).toMatchObject({
      start: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      end: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(change.lines[1].item).toMatchObject({ kind: "credit", planId: "starter", plan: "Starter", currency: "MYR" });
    const pack = invoices.find((i) => i.kind === "credits")!;
    expect(pack.lines[0]).toMatchObject({
      item: { kind: "pack", packId: "video-20", creditKind: "video", credits: 20 },
      credits: { kind: "video", credits: 20 },
    });
  });

  it.each(["ms", "zh"] as const)("the billing history, the HTML invoice and the PDF in %s", async (locale) => {
    const client = await inLanguage(await signedIn(stack.web.url, owner), locale);
    expect((await client.get("/admin/billing")).status).toBe(200);
    // The page as read, without its scripts (route data and translations travel inlined).
    const history = htmlDecode(client.lastHtml.replace(/<script[\s\S]*?<\/script>/g, ""));
    const worded = invoices.flatMap((i) => i.lines).filter((l) => l.item);
    expect(worded).toHaveLength(3);
    for (const line of worded) {
      const text = lineText(locale, line);
      // Names and the days' numbers are shared; a month's short name may be too (Jun, Jul).
      const days = line.item?.kind === "plan" ? [invoiceDay("en", line.item.start), invoiceDay("en", line.item.end)] : [];
      expect(englishLeft(text, line.description, ["Growth", "Starter", "AI", "video", "RM", ...days]), text).toEqual([]);
      expect(history, `${locale} history`).toContain(text);
      expect(history).not.toContain(line.description);
    }
    // Issued before items: shown as issued.
    expect(history).toContain(OLD_WORDS);

    const change = invoices.find((i) => i.kind === "change" && i.planId === "growth")!;
    expect((await client.get(`/admin/billing/invoices/${change.id}`)).status).toBe(200);
    const html = htmlDecode(client.lastHtml);
    const t = serverT(locale, "billing");
    for (const line of change.lines) expect(html, `${locale} invoice`).toContain(lineText(locale, line));
    expect(html).toContain(`<html lang="${locale === "zh" ? "zh-Hans" : "ms"}"`);
    for (const heading of ["document.billTo", "document.description", "document.amount", "document.total"] as const)
      expect(html, heading).toContain(t(heading));
    expect(html).not.toContain("Bill to");

    const pdf = await fetch(`${stack.web.url}/admin/billing/invoices/${change.id}?format=pdf`, {
      headers: { Cookie: client.cookieHeader(), "X-Forwarded-For": client.forwardedFor! },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    if (locale === "zh") {
      // The line in Chinese is drawn: its characters are in the font (an English invoice draws none).
      const streams = pdfStreams(Buffer.from(await pdf.arrayBuffer()));
      const chinese = (s: string) => [...s.replace(/[ -~]/g, "")];
      for (const ch of chinese(lineText("zh", change.lines[0]))) expect(streams, ch).toContain(`<${hex(ch)}>`);
      for (const ch of chinese(t("document.billTo"))) expect(streams, ch).toContain(`<${hex(ch)}>`);
    }
  });
});
