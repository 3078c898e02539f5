/**
 * The merchant's forms refuse in the merchant's language (issue 17): a merchant working in Bahasa
 * Melayu or 简体中文 submits the product editor, a collection, a flash sale and a shipping rate
 * wrongly over HTTP, and imports a CSV with bad rows. Each field error, the transfer page's problem
 * list and the downloaded problem report carry the message in the page's language, and no word of
 * the English message is left in what the page flags as an error. The domain refuses with coded
 * messages (~/lib/forms `Coded`); the pages word them.
 */
import { describe, expect, it } from "vitest";

import { runImport, startImport } from "~/domain/catalog/transfers.server";
import type { Locale } from "~/lib/i18n";
import { localeCookie, serverT } from "~/lib/i18n.server";

import { signIn } from "../helpers/auth";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { clientOfItsOwn, type FormClient, htmlDecode, webForFile } from "../helpers/web";

const web = webForFile();

/** Words that are the same in every language: the brand, units and the CSV's own column names. */
const SAME = new Set(["netshop", "handle", "variant", "price", "batik", "shirt", "satu", "kilo", "compare"]);

/** What the page flags as an error: field errors and alerts. */
function flagged(html: string): string {
  const alerts = [...html.matchAll(/(?:role="alert"|class="error")[^>]*>([\s\S]*?)<\/(?:p|div)>/g)].map((m) => m[1]);
  return htmlDecode(alerts.join("\n").replace(/<[^>]+>/g, " "));
}

type T = (key: string, values?: Record<string, unknown>) => string;

/** `text` holds `key`'s message in `locale` and no word (four letters or more) of its English message. */
function expectWorded(text: string, locale: Locale, key: string, values: Record<string, unknown> = {}) {
  const [namespace, path] = key.split(":");
  const wanted = (serverT(locale, namespace as "catalog") as unknown as T)(path, values);
  const english = (serverT("en", namespace as "catalog") as unknown as T)(path, values);
  expect(wanted, `${key} has a ${locale} text`).not.toBe(english);
  expect(text, `${locale} ${key}`).toContain(wanted);
  for (const word of (english.match(/[A-Za-z]{4,}/g) ?? []).map((w) => w.toLowerCase()).filter((w) => !SAME.has(w)))
    expect(text.toLowerCase(), `${locale} ${key}: "${word}"`).not.toMatch(new RegExp(`\\b${word}\\b`));
}

async function merchantIn(locale: Locale) {
  const owner = await makeUser();
  const shop = await makeShop(owner.id);
  const client = clientOfItsOwn(web.url);
  await signIn(client, owner);
  client.setCookie("lng", (await localeCookie.serialize(locale)).split(";")[0].slice("lng=".length));
  return { owner, shop, client };
}

async function post(client: FormClient, page: string, fields: Record<string, string>, to = page) {
  await client.get(page);
  const res = await client.post(to, fields);
  expect(res.status, `${to} refuses`).toBe(400);
  return flagged(client.lastHtml);
}

describe.each(["ms", "zh"] as const)("form refusals in %s", (locale) => {
  it("the product editor, a collection, a flash sale and a shipping rate", async () => {
    const { owner, shop, client } = await merchantIn(locale);

    const product = await post(client, "/admin/products/new", {
      intent: "save",
      title: " ",
      optionsBefore: "[]",
      "variants.0.price": "12.345",
      "variants.0.compareAt": "1",
      seoTitle: "x".repeat(80),
    });
    expectWorded(product, locale, "catalog:fieldErrors.titleRequired");
    expectWorded(product, locale, "catalog:fieldErrors.priceFormat");
    expectWorded(product, locale, "catalog:fieldErrors.seoTitleMax");

    // A saved product's editor: a handle another product has.
    const first = await makeProduct(shop.id, owner.id, { title: "Baju Kurung", price: "89.00" });
    const second = await makeProduct(shop.id, owner.id, { title: "Baju Melayu", price: "99.00" });
    const taken = await post(client, `/admin/products/${second.productId}`, {
      intent: "save",
      title: "Baju Melayu",
      handle: first.handle,
      optionsBefore: "[]",
      "variants.0.price": "99.00",
    });
    expectWorded(taken, locale, "catalog:fieldErrors.handleTaken");

    const collection = await post(client, "/admin/collections", { intent: "collection", title: "" });
    expectWorded(collection, locale, "catalog:fieldErrors.collectionTitle");
    const longTitle = await post(client, "/admin/collections", { intent: "collection", title: "x".repeat(121) });
    expectWorded(longTitle, locale, "catalog:fieldErrors.maxChars", { max: 120 });

    const category = await post(client, "/admin/collections", { intent: "category", name: "" });
    expectWorded(category, locale, "catalog:fieldErrors.categoryName");

    const deal = await post(client, "/admin/deals/new", {
      name: "X",
      startsAt: "2026-12-12T10:00",
      endsAt: "2026-12-12T09:00",
      totalCap: "0",
      perCustomerLimit: "",
    });
    expectWorded(deal, locale, "deals:errors.name");
    expectWorded(deal, locale, "deals:errors.endsBeforeStart");
    expectWorded(deal, locale, "deals:errors.limit");
    expectWorded(deal, locale, "deals:errors.noVariants");

    const rate = await post(client, "/admin/settings/shipping", {
      zone: "east",
      name: "Pos Laju",
      kind: "weight",
      brackets: "satu kilo = 10",
    });
    expectWorded(rate, locale, "settings:shipping.errors.notABracket", { line: "satu kilo = 10" });
    const unnamed = await post(client, "/admin/settings/shipping", { zone: "peninsular", name: "", kind: "flat", price: "8.00" });
    expectWorded(unnamed, locale, "settings:shipping.errors.name");
    const flat = await post(client, "/admin/settings/shipping", { zone: "peninsular", name: "Ekspres", kind: "flat", price: "abc" });
    expectWorded(flat, locale, "settings:shipping.errors.price");
    const expiry = await post(client, "/admin/settings/shipping", { intent: "settings", orderExpiryMinutes: "2" });
    expectWorded(expiry, locale, "settings:shipping.errors.expiryRange");
  });

  it("a CSV import's row problems, on the transfer page and in the downloaded report", async () => {
    const { owner, shop, client } = await merchantIn(locale);
    const csv = [
      "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Inventory Tracker,Variant Inventory Qty,Variant Price,Variant Compare At Price",
      "sambal,Sambal Garing,Heat,Mild,SMB-1,shopify,x,abc,",
      "kaya,Kaya,Title,Default Title,KY-1,,,10.00,5.00",
      ",No handle,,,,,,1.00,",
    ].join("\n");
    const started = await startImport(shop.id, owner.id, { name: "rosak.csv", text: csv }, { ip: "127.0.0.1" });
    if (!started.ok) throw new Error(JSON.stringify(started.errors));
    await runImport({ shopId: shop.id, transferId: started.id });

    await client.get(`/admin/products/transfers/${started.id}`);
    const table = htmlDecode(/data-testid="error-report"[\s\S]*?<\/table>/.exec(client.lastHtml)?.[0] ?? "").replace(/<[^>]+>/g, " ");
    for (const key of ["wholeNumber", "priceFormat", "compareAtLower", "csvHandleMissing"])
      expectWorded(table, locale, `catalog:fieldErrors.${key}`);

    const report = await client.get(`/admin/products/transfers/${started.id}/csv?report=errors`);
    expect(report.status).toBe(200);
    const text = client.lastHtml;
    const t = serverT(locale, "catalog");
    expect(text.split("\n")[0]).toBe(
      [t("transfers.reportColumns.row"), t("transfers.reportColumns.column"), t("transfers.reportColumns.problem")].join(","),
    );
    for (const key of ["wholeNumber", "priceFormat", "compareAtLower", "csvHandleMissing"])
      expectWorded(text, locale, `catalog:fieldErrors.${key}`);

    // A file that is not a product CSV is refused on the import page, worded too.
    const refused = await startImport(shop.id, owner.id, { name: "x.csv", text: "name,price\nshirt,10" }, { ip: "127.0.0.1" });
    expect(refused).toEqual({ ok: false, errors: { form: { key: "catalog:fieldErrors.csvNoHeader" } } });
  });
});

describe("the media manager's address", () => {
  it("sends a browser that lands on it to the product's media section; an unknown product is a 404 in the page's language", async () => {
    const { owner, shop, client } = await merchantIn("zh");
    const product = await makeProduct(shop.id, owner.id, { title: "蜡染衬衫", price: "89.00" });
    const res = await client.get(`/admin/products/${product.productId}/media`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/admin/products/${product.productId}#media`);
    const missing = await client.get(`/admin/products/${crypto.randomUUID()}/media`);
    expect(missing.status).toBe(404);
    expect(htmlDecode(client.lastHtml)).toContain(serverT("zh", "catalog")("media.noProduct"));
  });
});
