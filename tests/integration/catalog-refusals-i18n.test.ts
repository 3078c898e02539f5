/**
 * The catalog's and AI copy's refusals reach a merchant in their language (ms, zh) over HTTP: a
 * stock adjustment of 0 or below what is on hand, an AI copy request without a language, a draft
 * field that cannot be applied, and a bulk run without products. Each answer carries the page
 * language's words for the refusal and not the English ones.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Locale } from "~/lib/i18n";
import { codedText, localeCookie } from "~/lib/i18n.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { signIn } from "../helpers/auth";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

type Person = { id: string; email: string; password: string; phone: string };
let web: Awaited<ReturnType<typeof startWeb>>;
let owner: Person;
let shopId: string;
let productId: string;
let variantId: string;

beforeAll(async () => {
  web = await startWeb();
  owner = await makeUser();
  shopId = (await makeShop(owner.id)).id;
  productId = (await makeProduct(shopId, owner.id, { title: "Songket Emas", stock: 2 })).productId;
  [{ id: variantId }] = await withShop(shopId, (tx) => tx.select({ id: schema.variants.id }).from(schema.variants));
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

async function signedIn(locale: Locale) {
  const client = new FormClient(web.url);
  client.forwardedFor = `198.51.100.${Math.floor(Math.random() * 250)}`;
  await signIn(client, owner);
  client.setCookie("lng", (await localeCookie.serialize(locale)).split(";")[0].slice("lng=".length));
  return client;
}

/** The page shows `key` worded in `locale`, and not its English words. */
function expectWorded(html: string, locale: Locale, key: string, values?: Record<string, string | number>) {
  const wanted = codedText(locale, { key, values });
  const english = codedText("en", { key, values });
  expect(wanted, `${locale} ${key}`).not.toBe(english);
  const shown = htmlDecode(html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, ""));
  expect(shown, `${locale} ${key}`).toContain(wanted);
  expect(shown).not.toContain(english);
}

describe("catalog and AI copy refusals in the merchant's language", () => {
  for (const locale of ["ms", "zh"] as const) {
    it(`words stock adjustments and AI copy refusals in ${locale}`, async () => {
      const client = await signedIn(locale);
      await client.get(`/admin/products/${productId}`);
      let res = await client.post(`/admin/products/${productId}`, { intent: "adjust", variantId, delta: "0", reason: "received" });
      expect(res.status).toBe(400);
      expectWorded(client.lastHtml, locale, "catalog:fieldErrors.stockDeltaZero");
      res = await client.post(`/admin/products/${productId}`, { intent: "adjust", variantId, delta: "-9", reason: "damaged" });
      expect(res.status).toBe(400);
      expectWorded(client.lastHtml, locale, "catalog:fieldErrors.stockBelowZero", { variant: "Default" });

      await client.get(`/admin/products/${productId}/copy`);
      res = await client.post(`/admin/products/${productId}/copy`, { intent: "generate", tone: "luxury" });
      expect(res.status).toBe(400);
      expectWorded(client.lastHtml, locale, "ai:errors.languagesMin");
      res = await client.post(`/admin/products/${productId}/copy`, { intent: "apply", draftId: "x", language: "ms", field: "title" });
      expect(res.status).toBe(400);
      expectWorded(client.lastHtml, locale, "ai:errors.chooseField");

      await client.get(`/admin/ai`);
      res = await client.post(`/admin/ai`, { tone: "friendly", languages: "ms" });
      expect(res.status).toBe(400);
      expectWorded(client.lastHtml, locale, "ai:errors.selectProducts");
    });
  }
});
