/**
 * A customer on a 390 px wide phone browses a themed shop: announcement bar, logo-less brand,
 * hero banner, two products a row (home and the product grid of a search), nothing wider than the
 * screen (document.scrollingElement.scrollWidth ≤ 390 on every page), a compact cookie bar in the
 * flow (never over the page, nor over the buy button), the buy button on screen, a WhatsApp chat
 * link, and the shop's own 404 for an unknown path. Screenshots of each page are saved as artefacts.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { DEFAULT_THEME } from "~/domain/storefront/theme";
import { saveStorefrontTheme } from "~/domain/storefront/theme.server";

import { baseUrl, hydrated, journeyBrowser, screenshot } from "../helpers/browser";
import { makeShop, makeUser } from "../helpers/factories";
import { makeActiveProduct } from "../helpers/storefront";

// The unknown path answers 404 on purpose: Chromium logs that status as a console error.
const chrome = journeyBrowser({ consoleErrors: (text) => !text.includes("status of 404") });
let slug: string;

/** The page is no wider than the phone: nothing scrolls sideways. */
const scrollWidth = (page: Page) => page.evaluate(() => (document.scrollingElement ?? document.documentElement).scrollWidth);

beforeAll(async () => {
  const owner = await makeUser();
  const shop = await makeShop(owner.id, { name: "Kedai Tudung Mawar" });
  slug = shop.slug;
  for (const [title, price] of [
    ["Tudung Bawal Chiffon Premium Edisi Raya Warna Dusty Pink", "39.90"],
    ["Shawl Satin Silk", "45.00"],
    ["Inner Anak Tudung", "12.00"],
    ["Brooch Mutiara", "9.90"],
  ])
    await makeActiveProduct(shop.id, owner.id, { title, price, stock: 20 });
  const saved = await saveStorefrontTheme(
    shop.id,
    { userId: owner.id },
    {
      ...DEFAULT_THEME,
      primaryColour: "#9d174d",
      headerColour: "#fdf2f8",
      headerTextColour: "#500724",
      heroTitle: "Koleksi Raya 2027",
      heroText: "Tudung dan shawl baharu setiap minggu.",
      heroLinkLabel: "Lihat semua",
      heroLinkUrl: "/search",
      announcement: "Penghantaran percuma melebihi RM150",
      whatsapp: "012-345 6789",
      instagram: "https://instagram.com/kedaitudungmawar",
    },
  );
  expect(saved.ok).toBe(true);
});

describe("a themed storefront on a phone", () => {
  it("at 390 px: brand, hero, two products a row, nothing off-screen, a cookie bar that covers nothing, the shop's 404", async () => {
    const page = await chrome.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: "ms-MY" });
    await page.goto(`${baseUrl()}/s/${slug}`);
    await hydrated(page);

    expect(await page.getByTestId("announcement-bar").textContent()).toBe("Penghantaran percuma melebihi RM150");
    expect(await page.getByTestId("hero").isVisible()).toBe(true);
    expect(await page.getByTestId("hero-link").getAttribute("href")).toBe(`/s/${slug}/search`);
    const brand = await page.evaluate(() => getComputedStyle(document.querySelector(".announcement-bar")!).backgroundColor);
    expect(brand).toBe("rgb(157, 23, 77)");

    // The cookie bar is in the page's flow, above the header: it never covers content.
    const bar = page.getByTestId("consent-banner");
    expect(await bar.evaluate((el) => getComputedStyle(el).position)).toBe("static");
    const barBox = (await bar.boundingBox())!;
    const headerBox = (await page.locator(".site-header").boundingBox())!;
    expect(barBox.y + barBox.height).toBeLessThanOrEqual(headerBox.y + 1);
    expect(barBox.height).toBeLessThan(140);

    // Nothing is wider than the phone.
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);

    // Two products a row.
    const cards = page.getByTestId("storefront-products").getByTestId("storefront-product");
    await expect.poll(() => cards.count()).toBe(4);
    const [first, second, third] = [
      (await cards.nth(0).boundingBox())!,
      (await cards.nth(1).boundingBox())!,
      (await cards.nth(2).boundingBox())!,
    ];
    expect(Math.abs(first.y - second.y)).toBeLessThan(2);
    expect(third.y).toBeGreaterThan(first.y + 10);
    expect(first.width).toBeLessThan(195);

    // The styled search box fills its row; the WhatsApp chat link is in the footer.
    const search = (await page.getByRole("searchbox").first().boundingBox())!;
    expect(search.width).toBeGreaterThan(300);
    expect(await page.getByTestId("whatsapp-link").getAttribute("href")).toBe("https://wa.me/60123456789");
    await screenshot(page, "themed-storefront-390");

    // Accepting cookies removes the bar.
    await bar.getByRole("button").first().click();
    await expect.poll(() => page.getByTestId("consent-banner").count()).toBe(0);

    // The product grid of a search, at 390 px: two a row, nothing off-screen.
    await page.goto(`${baseUrl()}/s/${slug}/search?q=tudung`);
    await hydrated(page);
    const found = page.getByTestId("storefront-product");
    await expect.poll(() => found.count()).toBeGreaterThan(1);
    const [a, b] = [(await found.nth(0).boundingBox())!, (await found.nth(1).boundingBox())!];
    expect(Math.abs(a.y - b.y)).toBeLessThan(2);
    expect(a.x + a.width).toBeLessThanOrEqual(b.x);
    expect(b.x + b.width).toBeLessThanOrEqual(390);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, "themed-grid-390");

    // The product page at 390 px: the buy button spans the screen.
    await page.goto(`${baseUrl()}/s/${slug}/products/shawl-satin-silk`);
    await hydrated(page);
    const buy = (await page.locator(".product-page form button[type=submit]").first().boundingBox())!;
    expect(buy.width).toBeGreaterThan(300);
    expect(buy.x).toBeGreaterThanOrEqual(0);
    expect(buy.x + buy.width).toBeLessThanOrEqual(390);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, "themed-product-390");

    // A first visit straight to the product page: the cookie bar is small and covers nothing, and the
    // buy button, brought into view, is the element a thumb would touch at its centre.
    const fresh = await chrome.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: "ms-MY" });
    await fresh.goto(`${baseUrl()}/s/${slug}/products/shawl-satin-silk`);
    await hydrated(fresh);
    const freshBar = (await fresh.getByTestId("consent-banner").boundingBox())!;
    expect(freshBar.height).toBeLessThan(140);
    const button = fresh.locator(".product-page form button[type=submit]").first();
    await button.scrollIntoViewIfNeeded();
    const box = (await button.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    expect(
      await button.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit !== null && (hit === el || el.contains(hit));
      }),
    ).toBe(true);
    expect(await scrollWidth(fresh)).toBeLessThanOrEqual(390);

    // An unknown path: the shop's own 404, with its header, search and a way back.
    const res = await page.goto(`${baseUrl()}/s/${slug}/tiada/halaman`);
    expect(res?.status()).toBe(404);
    await hydrated(page);
    expect(await page.getByTestId("storefront-404").isVisible()).toBe(true);
    expect(await page.getByTestId("announcement-bar").isVisible()).toBe(true);
    expect(await page.content()).not.toContain("No route matches");
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, "themed-404-390");

    expect(chrome.errors).toEqual([]);
  });
});
