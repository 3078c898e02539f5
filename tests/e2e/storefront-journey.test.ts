import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { baseUrl, hydrated, journeyBrowser, screenshot } from "../helpers/browser";
import { makeShop, makeUser } from "../helpers/factories";
import { makeActiveProduct } from "../helpers/storefront";

const chrome = journeyBrowser();
let slug: string;
const { errors } = chrome;

beforeAll(async () => {
  const owner = await makeUser();
  const shop = await makeShop(owner.id, { name: "Kedai Batik Pantai" });
  slug = shop.slug;
  await makeActiveProduct(shop.id, owner.id, {
    title: "Kenanga Batik Shirt",
    options: [["Size", ["S", "M"]]],
    prices: ["129.00", "139.00"],
    compareAt: "159.00",
    stock: 3,
  });
  await makeActiveProduct(shop.id, owner.id, { title: "Pewter Tankard", price: "80.00", stock: 20 });
});

const shot = (page: Page, name: string) => screenshot(page, name);

async function newPage(): Promise<Page> {
  return chrome.newPage({ locale: "en-US" });
}

/** Search with a typo, open the product, pick a variant; returns the page on the product. */
async function journey(page: Page, text: { search: string; stock: string; addToCart: string }) {
  await page.getByRole("searchbox").fill("batk");
  await page.getByRole("search").getByRole("button", { name: text.search }).click();
  await page.waitForURL(/\/search\?q=batk/);
  const results = page.getByTestId("search-results");
  await expect.poll(() => results.textContent()).toContain("Kenanga Batik Shirt");
  expect(await results.textContent()).not.toContain("Pewter");
  await results.getByRole("link", { name: "Kenanga Batik Shirt" }).click();
  await page.waitForURL(/\/products\/kenanga-batik-shirt$/);
  await expect.poll(() => page.getByTestId("price-now").textContent()).toMatch(/129\.00/);
  expect(await page.getByTestId("price-compare").textContent()).toMatch(/159\.00/);
  expect(await page.getByTestId("stock-state").textContent()).toBe(text.stock);

  await page.getByTestId("variant-picker").getByRole("link", { name: "M", exact: true }).click();
  await page.waitForURL(/\?variant=[0-9a-f-]{36}$/);
  await expect.poll(() => page.getByTestId("price-now").textContent()).toMatch(/139\.00/);
  expect(await page.getByTestId("selected-variant").textContent()).toMatch(/^M/);
  expect(await page.getByTestId("stock-state").textContent()).toBe(text.stock);
  expect(await page.getByRole("button", { name: text.addToCart }).isEnabled()).toBe(true);
}

describe("a customer browses a shop in a browser", () => {
  it("in English: searches with a typo, opens the product, picks a variant and sees its price and stock", async () => {
    const page = await newPage();
    await page.goto(`${baseUrl()}/s/${slug}`);
    await hydrated(page);
    expect(await page.getByTestId("shop-name").textContent()).toBe("Kedai Batik Pantai");
    // The consent banner asks once; the choice is remembered.
    await page.getByTestId("consent-banner").getByRole("button", { name: "Accept all" }).click();
    await expect.poll(() => page.getByTestId("consent-banner").count()).toBe(0);
    await hydrated(page);
    await journey(page, { search: "Search", stock: "Only 3 left", addToCart: "Add to cart" });
    await shot(page, "storefront-en");
    await page.context().close();
  });

  it("in Bahasa Melayu, chosen with the language switcher", async () => {
    const page = await newPage();
    await page.goto(`${baseUrl()}/s/${slug}`);
    await hydrated(page);
    await page.getByTestId("language-switcher").getByRole("combobox").selectOption("ms");
    await page.getByTestId("language-switcher").getByRole("button").click();
    await page.waitForFunction(() => document.documentElement.lang === "ms");
    await hydrated(page);
    // The switched-to language's texts arrive with its chunk, which may land just after <html lang> changes.
    await expect.poll(() => page.getByRole("searchbox").getAttribute("placeholder")).toBe("Cari produk");
    await journey(page, { search: "Cari", stock: "Tinggal 3 sahaja", addToCart: "Tambah ke troli" });
    expect(await page.locator("html").getAttribute("lang")).toBe("ms");
    await shot(page, "storefront-ms");
    await page.context().close();
  });

  it("showed no errors in the browser console", () => {
    expect(errors).toEqual([]);
  });
});
