/**
 * No English left on a page shown in Bahasa Melayu or 简体中文.
 *
 * Every page route of the build (found in build/index.js, so a page added later is covered without
 * editing this file: a route without a fixture below fails) is rendered three times — en, ms, zh —
 * by the person who would see it (owner, supplier, operator, visitor). A user-visible text (text
 * nodes, placeholders, titles, aria-labels, alt texts) that is the same in the ms or zh page as in
 * the English one, and still holds an English word once the brand and merchant names are removed,
 * is English left behind. Merchant content is never translated: it is either marked with a `lang`
 * differing from the page's, or one of the fixtures' texts in merchantText. Nothing else is excused:
 * only the brand, product and place names of SAME_IN_ALL / SAME_IN, never a page or a sentence.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { ServerBuild } from "@remix-run/node";
import { Parser } from "htmlparser2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { INTERNATIONAL_COUNTRIES } from "~/domain/checkout/address";
import { MY_STATES } from "~/domain/dropship/options";
import { orderStatusPath } from "~/domain/orders/order-links.server";
import type { Locale } from "~/lib/i18n";
import { rememberLocale } from "~/lib/i18n.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { signIn } from "../helpers/auth";
import { makeProduct } from "../helpers/catalog";
import { importInto, makeDropshipOrder, makeOperator, makeSupplier, makeSupplierProduct, topUp } from "../helpers/dropship";
import { addMember, makeShop, makeUser, onPlan } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";
import { HOUR, makeCollection, makeFlashSale } from "../helpers/storefront";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

type Who = "anon" | "owner" | "supplier" | "operator";
interface PageRoute {
  id: string;
  path: string;
}

/** Words that are the same in the other language, or names: never "English left". */
const SAME_IN_ALL = [
  "English",
  "Bahasa Melayu",
  ...MY_STATES, // place names
  "Kuala Lumpur",
  // The countries a shop ships to, as Malay names them (CLDR): most are the English names.
  ...INTERNATIONAL_COUNTRIES.map((code) => new Intl.DisplayNames(["ms"], { type: "region" }).of(code) ?? code),
  "Labuan",
  "Putrajaya",
  "City-Link Express",
  "J&T Express",
  "DHL eCommerce",
  "Microsoft Authenticator",
  "1Password",
  "NetShop",
  // NetShop's plan names, kept as they are in every language (like the brand)
  "Free",
  "Starter",
  "Growth",
  "Pro",
  "WhatsApp",
  "SKU",
  "CSV",
  "PDF",
  "URL",
  "AI",
  "OK",
  "RM",
  "MYR",
  "SST",
  "TOTP",
  "ID",
  "Email",
  "FPX",
  "PaySeller",
  "Billplz",
  "AutoCount",
  "OpenAI",
  "Anthropic",
  "Kling",
  "Wassenger",
  "Google",
  "Authenticator",
  "Sandbox",
  "sandbox",
  "Shopee",
  "Lazada",
  "TikTok",
  "Instagram",
  "Facebook",
  "J&T",
  "Pos Laju",
  "Pos Malaysia",
  "GDEX",
  "Ninja Van",
  "DHL",
  "Poslaju",
  "SEO",
  "API",
  "HTML",
  "JPEG",
  "PNG",
  "WebP",
  "MP4",
  "UTC",
  "GMT",
  "KL",
  "Markdown",
  "QR",
  "SMS",
  "px",
  "kg",
  "g",
  "cm",
  "x",
];
const SAME_IN: Record<Exclude<Locale, "en">, string[]> = {
  ms: [
    "Media",
    "Status",
    "Total",
    "Video",
    "Tag",
    "Tags",
    "Draf",
    "Email",
    "Subtotal",
    "Admin",
    "Staff",
    "Dropship",
    "Dropshipping",
    "Pixel",
    "Logo",
    "Favicon",
    "Batik",
    "Model",
    "Import",
  ],
  zh: [],
};

let stack: IsolatedStack;
let web: Awaited<ReturnType<typeof startWeb>>;
let routes: PageRoute[];
const clients = new Map<string, FormClient>();
const urls: Record<string, { path: string; as: Who }> = {};
const merchantText: string[] = [];

async function pageRoutes(): Promise<PageRoute[]> {
  const build = (await import(pathToFileURL(path.resolve(import.meta.dirname, "../../build/index.js")).href)) as ServerBuild;
  const fullPath = (id: string): string => {
    const route = build.routes[id];
    const parent = route.parentId ? fullPath(route.parentId) : "";
    return [parent, route.path ?? ""].filter(Boolean).join("/");
  };
  const parents = new Set(Object.values(build.routes).map((r) => r.parentId));
  return (
    Object.values(build.routes)
      // Pages only: resource routes (CSV, PDF, webhooks) have no component; a layout is seen through its pages.
      // bench.bare is the benchmark's empty page, never shown to a person.
      .filter(
        (r) => typeof r.module.default === "function" && r.id !== "root" && r.id !== "routes/bench.bare" && (!parents.has(r.id) || r.index),
      )
      .map((r) => ({ id: r.id, path: `/${fullPath(r.id)}` }))
  );
}

beforeAll(async () => {
  // Its own database: operators' pages list every shop, and other test files' shops must not change what this test reads.
  stack = await isolatedStack();
  web = await startWeb();
  routes = await pageRoutes();
  const owner = await makeUser({ name: "Aminah Binti Yusof" });
  const shop = await makeShop(owner.id, { name: "Kedai Aminah" });
  const product = await makeProduct(shop.id, owner.id, {
    title: "Baju Kurung Moden",
    price: "89.00",
    sku: "BKM",
    stock: 5,
    status: "active",
  });
  const productId = product.productId;
  const collectionId = await makeCollection(shop.id, "Koleksi Raya");
  const variant = await withShop(shop.id, (tx) => tx.select().from(schema.variants).limit(1));
  const [customer] = await withShop(shop.id, (tx) =>
    tx
      .insert(schema.customers)
      .values({ shopId: shop.id, name: "Siti Rahmah", phone: "+60123456789", email: "siti@example.my" })
      .returning(),
  );
  const deal = await makeFlashSale(shop, owner.id, {
    name: "Jualan Merdeka",
    from: new Date(Date.now() + HOUR),
    to: new Date(Date.now() + 3 * HOUR),
    prices: { [variant[0].id]: "79.00" },
  });
  const order = await makeOrder(shop.id, {
    lines: [{ variantId: variant[0].id, quantity: 1 }],
    paid: true,
    customerName: "Siti Rahmah",
    customerId: customer.id,
  });
  const staff = await makeUser({ name: "Lim Mei Ling" });
  await addMember(shop.id, staff.id, "staff", ["orders"]);

  const supplier = await makeSupplier({ name: "Pembekal Batik Sdn Bhd" });
  const supplierProduct = await makeSupplierProduct(supplier.shopId, supplier.user.id, {
    title: "Selendang Batik",
    cost: "20.00",
    price: "45.00",
    stock: 9,
  });
  await topUp(shop.id, 100_000, "Pindahan bank");
  // Imported on Growth, then back on Free: the pages show the dropship data it keeps and the
  // notices of what its plan lacks (own domain, dropshipping, AutoCount), which the guard reads too.
  await onPlan(shop.id, "growth");
  const imported = await importInto(shop.id, owner.id, supplierProduct.productId);
  await makeDropshipOrder(shop.id, [{ variantId: imported.variants[0].id, quantity: 1 }]);
  await onPlan(shop.id, "free");
  const [forward] = await withShop(supplier.shopId, (tx) => tx.select().from(schema.supplierOrders).limit(1)).catch(
    () => [] as Array<{ id: string }>,
  );
  const operator = await makeOperator();
  merchantText.push(
    "Aminah Binti Yusof",
    "Kedai Aminah",
    "Baju Kurung Moden",
    "BKM-1",
    "Pindahan bank", // the operator's note on the wallet top-up
    "Koleksi Raya picked by hand.", // the collection's description (tests/helpers/storefront.ts)
    "Koleksi Raya",
    "Standard (Peninsular Malaysia)", // the order's shipping method, as the shop named it
    "Jualan Merdeka",
    "Siti Rahmah",
    "siti@example.my",
    "BKM-1",
    "Lim Mei Ling",
    "Pembekal Batik Sdn Bhd",
    "Selendang Batik",
    "Lim Wei",
    "Shah Alam",
    "Selangor",
    "Aina Trading",
    "Nur Aina",
    "Hand-drawn batik.",
    "Scarves",
    "Peninsular Malaysia",
    shop.slug,
    owner.email,
    staff.email,
    supplier.user.email,
    operator.email,
    "Baju Kurung Mod…",
    "12 Jalan Telawi 3",
    "vitest",
    "node",
  );

  for (const [who, user] of [
    ["owner", owner],
    ["supplier", supplier.user],
    ["operator", operator],
  ] as const) {
    const client = new FormClient(web.url);
    client.forwardedFor = `198.19.${clients.size}.${Math.floor(Math.random() * 250)}`;
    await signIn(client, user);
    clients.set(who, client);
  }
  const ownerClient = clients.get("owner")!;
  await ownerClient.get("/admin/products");
  const bulk = await ownerClient.post("/admin/ai", { intent: "bulk-copy", ids: productId, bulk: "" });
  const batchId = bulk.headers.get("location")?.split("/").pop() ?? "missing-batch";
  await ownerClient.get("/admin/products/import");
  const exported = await ownerClient.post("/admin/products/import", { intent: "export" });
  const transferId = exported.headers.get("location")?.split("/").pop()?.split("?")[0] ?? "missing-transfer";

  const s = `/s/${shop.slug}`;
  const fixtures: Record<string, { path: string; as: Who }> = {
    "routes/_index": { path: "/", as: "anon" },
    "routes/login": { path: "/login", as: "anon" },
    "routes/login_.verify": { path: "/login/verify", as: "anon" },
    "routes/signup": { path: "/signup", as: "anon" },
    "routes/password.forgot": { path: "/password/forgot", as: "anon" },
    "routes/password.reset": { path: "/password/reset?token=x", as: "anon" },
    "routes/invite": { path: "/invite?token=x", as: "anon" },
    "routes/legal.privacy": { path: "/legal/privacy", as: "anon" },
    "routes/legal.terms": { path: "/legal/terms", as: "anon" },
    "routes/supplier_.signup": { path: "/supplier/signup", as: "anon" },
    "routes/admin.products.$id": { path: `/admin/products/${productId}`, as: "owner" },
    "routes/admin.products.$id_.copy": { path: `/admin/products/${productId}/copy`, as: "owner" },
    "routes/admin.products.$id_.media": { path: `/admin/products/${productId}/media`, as: "owner" },
    "routes/admin.products.$id_.studio": { path: `/admin/products/${productId}/studio`, as: "owner" },
    "routes/admin.products.transfers.$id": { path: `/admin/products/transfers/${transferId}`, as: "owner" },
    "routes/admin.collections.$id": { path: `/admin/collections/${collectionId}`, as: "owner" },
    "routes/admin.customers.$id": { path: `/admin/customers/${customer.id}`, as: "owner" },
    "routes/admin.deals.$id": { path: `/admin/deals/${deal}`, as: "owner" },
    "routes/admin.orders.$id": { path: `/admin/orders/${order.id}`, as: "owner" },
    "routes/admin.ai.batches.$id": { path: `/admin/ai/batches/${batchId}`, as: "owner" },
    "routes/admin.staff.$userId": { path: `/admin/staff/${staff.id}`, as: "owner" },
    "routes/supplier.orders.$id": { path: `/supplier/orders/${forward?.id ?? "none"}`, as: "supplier" },
    "routes/supplier.products.$id": { path: `/supplier/products/${supplierProduct.productId}`, as: "supplier" },
    "routes/s.$slug.products.$handle": { path: `${s}/products/${product.handle}`, as: "anon" },
    "routes/s.$slug.collections.$handle": { path: `${s}/collections/koleksi-raya`, as: "anon" },
    "routes/s.$slug.orders.$orderId": { path: orderStatusPath(shop.slug, order.id), as: "anon" },
    "routes/s.$slug.orders.$orderId_.confirmation": {
      path: orderStatusPath(shop.slug, order.id).replace("?", "/confirmation?"),
      as: "anon",
    },
    "routes/s.$slug.orders.$orderId_.pay": { path: orderStatusPath(shop.slug, order.id).replace("?", "/pay?"), as: "anon" },
    "routes/s.$slug.orders.$orderId_.return": { path: orderStatusPath(shop.slug, order.id).replace("?", "/return?"), as: "anon" },
    "routes/s.$slug.search": { path: `${s}/search?q=baju`, as: "anon" },
    "routes/platform.merchants.$shopId": { path: `/platform/merchants/${shop.id}`, as: "operator" },
  };
  for (const r of routes) {
    if (fixtures[r.id]) urls[r.id] = fixtures[r.id];
    else if (!r.path.includes(":")) {
      const as: Who = r.path.startsWith("/admin")
        ? "owner"
        : r.path.startsWith("/supplier")
          ? "supplier"
          : r.path.startsWith("/platform")
            ? "operator"
            : "anon";
      urls[r.id] = { path: r.path, as };
    } else if (r.path.startsWith("/s/:slug")) urls[r.id] = { path: r.path.replace("/s/:slug", s), as: "anon" };
  }
});

afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

/** The page's user-visible texts, merchant content (an element whose `lang` differs from the page's) left out. */
export function visibleTexts(html: string): string[] {
  const texts: string[] = [];
  const stack: Array<{ name: string; skip: boolean }> = [];
  let pageLang = "";
  let buffer = "";
  const flush = () => {
    const text = htmlDecode(buffer).replace(/\s+/g, " ").trim();
    if (text) texts.push(text);
    buffer = "";
  };
  const skipping = () => stack.some((s) => s.skip);
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        flush();
        if (name === "html") pageLang = attrs.lang ?? "";
        const skip =
          ["script", "style", "template"].includes(name) ||
          attrs.translate === "no" ||
          (name !== "html" && attrs.lang !== undefined && attrs.lang !== pageLang) ||
          (name === "input" && attrs.type === "hidden");
        if (!skip && !skipping()) {
          for (const a of ["placeholder", "title", "aria-label", "alt"]) if (attrs[a]) texts.push(htmlDecode(attrs[a]).trim());
          if (name === "input" && (attrs.type === "submit" || attrs.type === "button") && attrs.value) texts.push(attrs.value);
        }
        stack.push({ name, skip });
      },
      ontext(text) {
        if (!skipping()) buffer += text;
      },
      onclosetag() {
        flush();
        stack.pop();
      },
    },
    { decodeEntities: false },
  );
  parser.write(html);
  parser.end();
  flush();
  return texts;
}

/** True if, once names, brands, numbers, e-mail addresses and links are removed, an English word remains. */
function hasWords(text: string, locale: Exclude<Locale, "en">): boolean {
  let rest = ` ${text} `;
  for (const name of [...merchantText].sort((a, b) => b.length - a.length)) rest = rest.split(name).join(" ");
  // The factories' default names are merchant content too.
  rest = rest.replace(/Supplier [0-9a-f]{10}|Kedai Test/g, " ");
  // Time zone names (Asia/Kuala_Lumpur, "Australia/Broken Hill") before the place names they hold.
  rest = rest.replace(/\b[A-Z][A-Za-z_]+\/[A-Za-z_/ -]+/g, " ");
  // Longest first: "Hong Kong SAR China" before "China".
  for (const word of [...SAME_IN_ALL, ...SAME_IN[locale]].sort((a, b) => b.length - a.length))
    rest = rest.replace(new RegExp(`(?<![A-Za-z])${word.replace(/[.*+?^${}()|[\]\\&]/g, "\\$&")}(?![A-Za-z])`, "g"), " ");
  // e-mail addresses, links, time zone names, codes and ids (NS-I000001, 4c80bfe3, gpt-4.1-mini, account.login)
  rest = rest.replace(
    /\S+@\S+|https?:\/\/\S+|\/[\w\-/.?=&%]+|\b[A-Z][A-Za-z_]+\/[A-Za-z_/ -]+|[\w.-]*\d[\w.-]*|\b[A-Z]{2,}\b|\b\w+[._]\w+[\w._]*/g,
    " ",
  );
  return /[A-Za-z]{2,}/.test(rest);
}

/**
 * A text as the failure lists it: fixture names as {name}, anything with a digit (dates, ids, amounts) as #,
 * and an English month or am/pm next to a number as {month}/{ampm}, so the report reads the same whatever the day and hour.
 */
function listed(text: string): string {
  let out = text;
  for (const name of [...merchantText].sort((a, b) => b.length - a.length)) out = out.split(name).join("{name}");
  return out
    .replace(/[\w.:/-]*\d[\w.:/-]*/g, "#")
    .replace(/# (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/g, "# {month}")
    .replace(/\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) #/g, "{month} #")
    .replace(/# [ap]m\b/gi, "# {ampm}");
}

async function render(route: PageRoute, locale: Locale): Promise<{ status: number; finalPath: string; html: string }> {
  const { path: start, as } = urls[route.id];
  const base = as === "anon" ? new FormClient(web.url) : clients.get(as)!;
  const client = base;
  client.forwardedFor ??= `198.20.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  const cookie = (await rememberLocale(locale)).split(";")[0].split("=");
  client.setCookie(cookie[0], cookie.slice(1).join("="));
  let current = start;
  let res = await client.get(current);
  for (let hops = 0; hops < 4 && res.status >= 300 && res.status < 400; hops++) {
    current = new URL(res.headers.get("location")!, web.url + current).pathname;
    res = await client.get(current);
  }
  return { status: res.status, finalPath: current, html: client.lastHtml };
}

describe("every page in Bahasa Melayu and 简体中文", () => {
  it("has a fixture for every page route (a new page must be added here)", () => {
    expect(routes.filter((r) => !urls[r.id]).map((r) => r.id)).toEqual([]);
  });

  it("shows no English outside brand, place and merchant names", async () => {
    const found: Record<string, string[]> = {};
    const problems: string[] = [];
    for (const route of routes) {
      if (!urls[route.id]) continue;
      const english = await render(route, "en");
      if (english.status >= 500) problems.push(`${route.id}: ${english.status} at ${english.finalPath}`);
      const englishTexts = new Set(visibleTexts(english.html));
      const left = new Set<string>();
      for (const locale of ["ms", "zh"] as const) {
        const page = await render(route, locale);
        if (page.status >= 500) problems.push(`${route.id} (${locale}): ${page.status}`);
        for (const text of visibleTexts(page.html)) if (englishTexts.has(text) && hasWords(text, locale)) left.add(listed(text));
      }
      if (left.size) found[route.id] = [...left].sort();
    }
    for (const [id, texts] of Object.entries(found)) problems.push(`${id}: English left: ${JSON.stringify(texts)}`);
    // UNTRANSLATED_OUT=file writes what was found, to see the whole list at once.
    if (process.env.UNTRANSLATED_OUT) (await import("node:fs")).writeFileSync(process.env.UNTRANSLATED_OUT, JSON.stringify(found, null, 2));
    expect(problems).toEqual([]);
  }, 900_000); // every page route in two languages; generous for a busy machine
});
