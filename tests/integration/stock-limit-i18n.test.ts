/**
 * Asking for more than the stock is answered, not silently blocked: the product page's quantity
 * field carries no stock-sized `max` (a browser would refuse a larger number without a word), and
 * the cart answers a quantity over what is available with how many are, in the visitor's language
 * (en, ms, zh), from the product page's form and from the cart's own quantity field, without JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Locale } from "~/lib/i18n";
import { localeCookie } from "~/lib/i18n.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase } from "~db/client";

import { sellable } from "../helpers/checkout";
import { makeShop, makeUser } from "../helpers/factories";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

let web: { url: string; close(): Promise<void> };
let shop: { id: string; slug: string };
let ownerId: string;

beforeAll(async () => {
  web = await startWeb();
  ownerId = (await makeUser()).id;
  shop = await makeShop(ownerId, { name: "Kedai Stok" });
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

/** The page's text as a reader sees it: scripts (the hydration data) taken out, entities decoded. */
const shown = (html: string) => htmlDecode(html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, ""));

async function visitor(locale: Locale) {
  const client = new FormClient(web.url);
  client.setCookie("lng", (await localeCookie.serialize(locale)).split(";")[0].slice("lng=".length));
  return client;
}

const ASK: Record<Locale, (title: string) => string> = {
  en: (title) => `Only 3 of ${title} available: choose 3 or fewer.`,
  ms: (title) => `Hanya 3 ${title} tersedia: pilih 3 atau kurang.`,
  zh: (title) => `${title} 仅剩 3 件：请选择 3 件或更少。`,
};
const ADDING: Record<Locale, (title: string) => string> = {
  en: (title) => `Only 3 of ${title} available, and you have 2 in your cart.`,
  ms: (title) => `Hanya 3 ${title} tersedia, dan anda sudah ada 2 dalam troli.`,
  zh: (title) => `${title} 仅剩 3 件，您的购物车里已有 2 件。`,
};

describe("a quantity over the stock, without JavaScript", () => {
  for (const locale of ["en", "ms", "zh"] as const) {
    it(`names how many are available (${locale})`, async () => {
      const title = `Kopi Tenom ${locale}`;
      const { variantId, handle } = await sellable(shop.id, ownerId, { stock: 3, title });
      const client = await visitor(locale);

      // The product page lets the visitor ask for more than there is: the cart answers.
      await client.get(`/s/${shop.slug}/products/${handle}`);
      const product = client.lastHtml.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "");
      const field = product.match(/<input[^>]*name="quantity"[^>]*>/)?.[0] ?? "";
      expect(field).toContain('type="number"');
      expect(field).not.toMatch(/max="3"/);

      let res = await client.post(`/s/${shop.slug}/cart`, { intent: "add", variantId, quantity: "5" });
      expect(res.status).toBe(409);
      expect(shown(client.lastHtml)).toContain(ASK[locale](title));

      res = await client.post(`/s/${shop.slug}/cart`, { intent: "add", variantId, quantity: "2" });
      expect(res.status).toBe(302);
      await client.get(res.headers.get("location")!);
      res = await client.post(`/s/${shop.slug}/cart`, { intent: "add", variantId, quantity: "2" });
      expect(res.status).toBe(409);
      expect(shown(client.lastHtml)).toContain(ADDING[locale](title));

      // The cart's own quantity field: setting 7 names the 3 there are.
      res = await client.post(`/s/${shop.slug}/cart`, { intent: "update", variantId, quantity: "7" });
      expect(res.status).toBe(409);
      expect(shown(client.lastHtml)).toContain(ASK[locale](title));
    });
  }

  it("words a quantity the form cannot take in the visitor's language", async () => {
    const { variantId } = await sellable(shop.id, ownerId, { stock: 3 });
    const wanted: Record<Locale, string> = {
      en: "At most 999 of one item per order.",
      ms: "Paling banyak 999 bagi satu barang setiap pesanan.",
      zh: "每笔订单同一商品最多 999 件。",
    };
    for (const locale of ["en", "ms", "zh"] as const) {
      const client = await visitor(locale);
      await client.get(`/s/${shop.slug}/cart`);
      const res = await client.post(`/s/${shop.slug}/cart`, { intent: "add", variantId, quantity: "5000" });
      expect(res.status).toBe(409);
      expect(shown(client.lastHtml)).toContain(wanted[locale]);
    }
  });
});
