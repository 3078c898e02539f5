/**
 * A merchant who works in 简体中文 (issue 17): signs in, opens the dashboard, the products and a
 * product, the orders and an order, the customers, and the settings, all in Chinese. On every
 * page, every visible text (text, placeholders, titles, labels) is scanned for Latin words: one
 * that is not a name, the brand or a unit is English left behind, and fails the journey, as does
 * any console error. Merchant content is in Chinese (shop, product, customer) so that what is left
 * is ours.
 */
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { rememberLocale, serverT } from "~/lib/i18n.server";
import { asPlatform, schema, withShop } from "~db/client";

import { until } from "../helpers/async";
import { whatsAppCode } from "../helpers/auth";
import { baseUrl, hydrated, journeyBrowser } from "../helpers/browser";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";

const chrome = journeyBrowser();
const auth = serverT("zh", "auth");

/** Latin words that are the same in Chinese: the brand, providers, units, codes. */
const ALLOWED = new Set(
  [
    "NetShop",
    "WhatsApp",
    "English",
    "Bahasa",
    "Melayu",
    "RM",
    "MYR",
    "SKU",
    "CSV",
    "PDF",
    "URL",
    "AI",
    "ID",
    "SEO",
    "SST",
    "SSM",
    "FPX",
    "QR",
    "TOTP",
    "API",
    "HTML",
    "Markdown",
    "JPG",
    "JPEG",
    "PNG",
    "WebP",
    "MP4",
    "GMT",
    "UTC",
    "am",
    "pm",
    "kg",
    "px",
    "PaySeller",
    "Billplz",
    "AutoCount",
    "OpenAI",
    "Anthropic",
    "Kling",
    "Wassenger",
    "Shopify",
    "Facebook",
    "Instagram",
    "TikTok",
    "Shopee",
    "Lazada",
    "Google",
    "Authenticator",
    "Free",
    "Starter",
    "Growth",
    "Pro",
    "Kuala",
    "Lumpur",
    "Asia",
    "DHL",
    "GDEX",
    "Ninja",
    "Van",
    "Pos",
    "Laju",
    "City",
    "Link",
    "Express",
    "eCommerce",
    "Malaysia",
    "Peninsular",
    "SMTP",
    "https", // placeholders of link fields (https://facebook.com/…)
    "DNS",
    "CNAME",
    "WCAG",
    "AA",
    "favicon",
    "WebM",
    "INV", // invoice numbers
    "B",
    "KB",
    "MB",
    "GB",
    "MP",
    // Shopify's CSV column names, which the file must use as they are
    "Handle",
    "Title",
    "Body",
    "Option",
    "Name",
    "Variant",
    "Price",
    "Inventory",
    "Qty",
    // merchant and fixture content: the owner, the SKU, the order's address and shipping method
    "Nur",
    "Aina",
    "LMN",
    "Siti",
    "Rahmah",
    "Jalan",
    "Telawi",
    "Wilayah",
    "Persekutuan",
    "Standard",
  ].map((w) => w.toLowerCase()),
);

/** The page's user-visible texts, skipping merchant content marked in another language. */
function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const foreign = (el: Element | null) => {
      const lang = el?.closest("[lang]")?.getAttribute("lang") ?? "";
      return lang !== "" && !lang.toLowerCase().startsWith("zh");
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest("script, style, noscript, template") || foreign(parent)) continue;
      const text = node.textContent?.trim();
      if (text) out.push(text);
    }
    for (const el of document.querySelectorAll("[placeholder], [title], [aria-label], [alt], input[type=submit][value]")) {
      if (foreign(el)) continue;
      for (const name of ["placeholder", "title", "aria-label", "alt", "value"]) {
        if (name === "value" && (el as HTMLInputElement).type !== "submit") continue;
        const value = el.getAttribute(name)?.trim();
        if (value) out.push(value);
      }
    }
    out.push(document.title);
    return out;
  });
}

/** The Latin words on the page that are not allowed: English left behind. */
async function englishOn(page: Page): Promise<string[]> {
  const texts = await visibleTexts(page);
  const left = new Set<string>();
  for (const text of texts) {
    const cleaned = text
      .replace(/\S+@\S+/g, " ") // email addresses
      .replace(/^[A-Z][A-Za-z_-]+(\/[A-Za-z_ -]+)+$/, " ") // IANA time zone names (the zone list)
      .replace(/\b[\w-]+(\.[a-z]{2,})+\b/g, " ") // domain names
      .replace(/\btest-[0-9a-f-]{36}\b/g, " ") // the fixture's gateway reference
      .replace(/https?:\/\/\S+|\/[\w/.-]+/g, " ") // addresses and paths
      .replace(/\b(?:shop|user|NS)-[\w-]+/g, " "); // slugs and references
    for (const word of cleaned.match(/[A-Za-z]{2,}/g) ?? [])
      if (!ALLOWED.has(word.toLowerCase())) left.add(`${word} (“${text.slice(0, 80)}”)`);
  }
  return [...left];
}

let owner: Awaited<ReturnType<typeof makeUser>>;
let productId: string;
let orderId: string;
let customerId: string;

beforeAll(async () => {
  owner = await makeUser();
  const shop = await makeShop(owner.id, { name: "美美小店" });
  const product = await makeProduct(shop.id, owner.id, { title: "蜡染衬衫", price: "89.00", sku: "LMN", stock: 8, status: "active" });
  productId = product.productId;
  const [variant] = await withShop(shop.id, (tx) => tx.select().from(schema.variants).where(eq(schema.variants.productId, productId)));
  const [customer] = await withShop(shop.id, (tx) =>
    tx.insert(schema.customers).values({ shopId: shop.id, name: "林美玲", phone: "+60123456780" }).returning(),
  );
  customerId = customer.id;
  const order = await makeOrder(shop.id, {
    lines: [{ variantId: variant.id, quantity: 2 }],
    paid: true,
    customerName: "林美玲",
    customerId,
    email: null,
  });
  orderId = order.id;
  await asPlatform((tx) => tx.update(schema.users).set({ preferredLanguage: "zh" }).where(eq(schema.users.id, owner.id)));
});

describe("the admin in 简体中文", () => {
  it("signs in and works through products, an order, customers and settings with no English left and no console error", async () => {
    const cookie = (await rememberLocale("zh")).split(";")[0].split("=");
    const page = await chrome.newPage({ locale: "zh-CN", timezoneId: "Asia/Kuala_Lumpur" });
    await page.context().addCookies([{ name: cookie[0], value: cookie[1], url: baseUrl() }]);

    await page.goto(`${baseUrl()}/login`);
    await hydrated(page);
    expect(await englishOn(page)).toEqual([]);
    await page.getByLabel(auth("login.email")).fill(owner.email);
    await page.getByLabel(auth("login.password")).fill(owner.password);
    await page.getByRole("button", { name: auth("login.submit") }).click();
    await page.waitForURL(/\/login\/verify/);
    await hydrated(page);
    expect(await englishOn(page)).toEqual([]);
    const code = await until(async () => {
      const latest = await whatsAppCode(owner.phone).catch(() => "");
      return /^\d{6}$/.test(latest) && latest;
    });
    await page.getByLabel(auth("verify.code"), { exact: true }).fill(code);
    await page.getByRole("button", { name: auth("verify.submit") }).click();
    await page.waitForURL(/\/admin$/);
    await hydrated(page);

    const visited: Record<string, string[]> = {};
    for (const path of [
      "/admin",
      "/admin/products",
      `/admin/products/${productId}`,
      // The media manager's address (where a reload after a refused media form lands): the product's page, not a 404.
      `/admin/products/${productId}/media`,
      "/admin/products/import",
      "/admin/orders",
      `/admin/orders/${orderId}`,
      "/admin/customers",
      `/admin/customers/${customerId}`,
      "/admin/settings",
      "/admin/settings/storefront",
      "/admin/settings/company",
      "/admin/staff",
    ]) {
      const res = await page.goto(`${baseUrl()}${path}`);
      expect(res?.status(), path).toBe(200);
      await hydrated(page);
      expect(await page.locator("html").getAttribute("lang")).toBe("zh-Hans");
      visited[path] = await englishOn(page);
    }
    expect(Object.fromEntries(Object.entries(visited).filter(([, words]) => words.length))).toEqual({});
    expect(chrome.errors).toEqual([]);
  });
});
