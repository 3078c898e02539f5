/**
 * The whole purchase in a real browser, as a customer makes it: browse the shop, search with a
 * typo, open the product, pick a variant, add it to the cart, check out, pay on the gateway's
 * hosted page (the sandbox), see the confirmation; then the owner finds the paid order in the
 * admin. In English, in Bahasa Melayu and in 简体中文.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { getProduct } from "~/domain/catalog/products.server";

import { baseUrl, hydrated, journeyBrowser, logInInBrowser, screenshot } from "../helpers/browser";
import { level } from "../helpers/checkout";
import { makeShop, makeUser, unique } from "../helpers/factories";
import { makeActiveProduct } from "../helpers/storefront";

const chrome = journeyBrowser({ consoleErrors: false });
let owner: Awaited<ReturnType<typeof makeUser>>;
let shop: { id: string; slug: string };
/** The size M variant, the one bought. */
let variants: string[];
const { errors } = chrome;
const orderNumbers: string[] = [];

beforeAll(async () => {
  owner = await makeUser();
  shop = await makeShop(owner.id, { name: "Kedai Batik Pantai" });
  const product = await makeActiveProduct(shop.id, owner.id, {
    title: "Kenanga Batik Shirt",
    options: [["Size", ["S", "M"]]],
    prices: ["129.00", "139.00"],
    stock: 5,
  });
  variants = (await getProduct(shop.id, product.productId))!.variants.filter((v) => v.title === "M").map((v) => v.id);
});

const shot = (page: Page, name: string) => screenshot(page, name);

async function newPage(): Promise<Page> {
  return chrome.newPage({ locale: "en-US" });
}

/** From the shop's home page to the gateway's confirmation; returns the order number shown. */
async function buy(page: Page, text: { search: string; addToCart: string; lang: string }) {
  await page.getByRole("searchbox").fill("batk");
  await page.getByRole("search").getByRole("button", { name: text.search }).click();
  await page.waitForURL(/\/search\?q=batk/);
  await page.getByTestId("search-results").getByRole("link", { name: "Kenanga Batik Shirt" }).click();
  await page.waitForURL(/\/products\/kenanga-batik-shirt$/);
  await page.getByTestId("variant-picker").getByRole("link", { name: "M", exact: true }).click();
  await page.waitForURL(/\?variant=[0-9a-f-]{36}$/);
  await expect.poll(() => page.getByTestId("price-now").textContent()).toMatch(/139\.00/);
  await hydrated(page);
  await page.getByRole("button", { name: text.addToCart }).click();
  await page.waitForURL(/\/cart\?status=added$/);
  expect(await page.locator("html").getAttribute("lang")).toBe(text.lang);
  // The URL changes when the client navigation commits; the cart's lines render a moment later.
  await expect.poll(() => page.getByTestId("cart-line").count()).toBe(1);
  await page.getByTestId("go-to-checkout").click();
  await page.waitForURL(/\/checkout$/);
  await hydrated(page);
  expect(await page.locator("html").getAttribute("lang")).toBe(text.lang);
  await page.locator('input[name="email"]').fill(`${unique("buyer")}@example.com`);
  await page.locator('input[name="name"]').fill("Aisyah Rahman");
  await page.locator('input[name="line1"]').fill("12 Jalan SS 2/24");
  await page.locator('input[name="postcode"]').fill("47300");
  await page.locator('input[name="city"]').fill("Petaling Jaya");
  await page.locator('select[name="state"]').selectOption("Selangor");
  await page.locator('button[name="intent"][value="quote"]').click();
  await expect.poll(() => page.getByTestId("shipping-options").locator('input[type="radio"]').count()).toBeGreaterThan(0);
  await page.getByTestId("shipping-options").locator('input[type="radio"]').first().check();
  await shot(page, `journey-checkout-${text.lang}`);
  await page.locator('button[name="intent"][value="place"]').click();
  // Our pay route sends the browser on to the gateway's hosted page (the sandbox stand-in).
  await page.waitForURL((url) => url.origin === new URL(process.env.SANDBOX_URL!).origin);
  await page.getByTestId("pay").click();
  await page.waitForURL(`**/s/${shop.slug}/orders/*/confirmation?**`);
  await hydrated(page);
  expect(await page.locator("html").getAttribute("lang")).toBe(text.lang);
  await shot(page, `journey-confirmation-${text.lang}`);
  const number = (await page.locator("body").textContent())?.match(/#(\d{4,})/)?.[1];
  expect(number).toBeTruthy();
  return number!;
}

describe("a customer finds, buys and pays for a product in a browser", () => {
  it("in English", async () => {
    const page = await newPage();
    await page.goto(`${baseUrl()}/s/${shop.slug}`);
    await hydrated(page);
    orderNumbers.push(await buy(page, { search: "Search", addToCart: "Add to cart", lang: "en" }));
    await page.context().close();
  });

  it("with the pages in Bahasa Melayu", async () => {
    const page = await newPage();
    await page.goto(`${baseUrl()}/s/${shop.slug}`);
    await hydrated(page);
    await page.getByTestId("language-switcher").getByRole("combobox").selectOption("ms");
    await page.getByTestId("language-switcher").getByRole("button").click();
    await page.waitForFunction(() => document.documentElement.lang === "ms");
    await hydrated(page);
    orderNumbers.push(await buy(page, { search: "Cari", addToCart: "Tambah ke troli", lang: "ms" }));
    await page.context().close();
  });

  it("with the pages in 简体中文", async () => {
    const page = await newPage();
    await page.goto(`${baseUrl()}/s/${shop.slug}`);
    await hydrated(page);
    await page.getByTestId("language-switcher").getByRole("combobox").selectOption("zh");
    await page.getByTestId("language-switcher").getByRole("button").click();
    await page.waitForFunction(() => document.documentElement.lang === "zh-Hans");
    await hydrated(page);
    orderNumbers.push(await buy(page, { search: "搜索", addToCart: "加入购物车", lang: "zh-Hans" }));
    await page.context().close();
  });

  it("every payment took its unit of stock", async () => {
    await expect.poll(() => level(shop.id, variants[0])).toEqual({ onHand: 2, reserved: 0 });
  });

  it("the owner finds every order paid in the admin", async () => {
    const page = await newPage();
    await logInInBrowser(page, owner);
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Orders" }).click();
    await page.waitForURL(/\/admin\/orders$/);
    for (const number of orderNumbers) {
      await page.getByRole("link", { name: `#${number}` }).click();
      await page.waitForURL(/\/admin\/orders\/[0-9a-f-]{36}$/);
      await hydrated(page);
      expect(await page.getByTestId("order-status").textContent()).toBe("Paid");
      expect(await page.locator("body").textContent()).toContain("Kenanga Batik Shirt");
      await page.goBack();
    }
    await shot(page, "journey-admin-orders");
    await page.context().close();
    expect(errors).toEqual([]);
  });
});
