import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { baseUrl, hydrated, journeyBrowser, logInInBrowser, screenshot } from "../helpers/browser";
import { makePng } from "../helpers/catalog";
import { makeShop, makeUser, unique } from "../helpers/factories";

const chrome = journeyBrowser();
let page: Page;
const { errors } = chrome;
let shopSlug: string;
let user: { id: string; email: string; password: string; phone: string };
const title = `Kenanga Batik Shirt ${unique()}`;
const imageFile = path.join(os.tmpdir(), `${unique("batik")}.png`);

beforeAll(async () => {
  user = await makeUser();
  shopSlug = (await makeShop(user.id, { name: "Kedai Batik Ujian" })).slug;
  fs.writeFileSync(imageFile, await makePng(1000, 1000));
  page = await chrome.newPage();
});
afterAll(async () => {
  fs.rmSync(imageFile, { force: true });
});

const shot = (name: string) => screenshot(page, name);

describe("a merchant builds a product in a browser", () => {
  it("logs in and opens Products from the admin navigation", async () => {
    await logInInBrowser(page, user);
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Products" }).click();
    await page.waitForURL(/\/admin\/products$/);
    await expect.poll(() => page.getByTestId("no-products").textContent()).toContain("Add your first product");
  });

  it("creates a product with two options; the variants grid follows the options as they are typed", async () => {
    await page.getByRole("link", { name: "Add product" }).click();
    await page.waitForURL(/\/admin\/products\/new$/);
    await hydrated(page);
    await page.getByLabel("Title", { exact: true }).fill(title);
    await page.getByLabel("Description", { exact: true }).fill("Hand-drawn **batik tulis** on cotton.");
    await page.getByRole("button", { name: "+ Add an option" }).click();
    await page.getByLabel("Option 1").fill("Size");
    await page.getByLabel("Values (comma-separated)").first().fill("S, M, L");
    await page.getByRole("button", { name: "+ Add an option" }).click();
    await page.getByLabel("Option 2").fill("Colour");
    await page.getByLabel("Values (comma-separated)").nth(1).fill("Indigo, Maroon");
    await expect.poll(() => page.getByTestId("variant-row").count()).toBe(6);
    expect(await page.getByTestId("unsaved").textContent()).toBe("Unsaved changes");

    // Save without prices: each row says what is missing, and nothing typed is lost.
    await page.getByRole("button", { name: "Create product" }).click();
    await expect.poll(() => page.locator('[data-field-error="variants.0.price"]').textContent()).toBe("Enter a price, e.g. 49.90.");
    expect(await page.getByLabel("Title", { exact: true }).inputValue()).toBe(title);
    expect(await page.getByTestId("variant-row").count()).toBe(6);

    // A merchant who does not sell L / Maroon removes that row.
    await page.getByRole("button", { name: "Remove L / Maroon" }).click();
    const rows = page.getByTestId("variant-row");
    await expect.poll(() => rows.count()).toBe(5);
    for (let i = 0; i < 5; i++) {
      await rows
        .nth(i)
        .getByLabel(/^Price of/)
        .fill(i < 2 ? "129.00" : "139.00");
      await rows
        .nth(i)
        .getByLabel(/^SKU of/)
        .fill(`${title.slice(-6)}-${i}`);
      await rows
        .nth(i)
        .getByLabel(/^Initial stock of/)
        .fill(String(i + 2));
    }
    await page.getByRole("button", { name: "Create product" }).click();
    await page.waitForURL(/\/admin\/products\/[0-9a-f-]{36}\?created=1$/);
    await expect.poll(() => page.getByRole("status").first().textContent()).toBe("Product created.");
    expect(await page.getByTestId("on-hand").allTextContents()).toEqual(["2 on hand", "3 on hand", "4 on hand", "5 on hand", "6 on hand"]);
  });

  it("uploads an image straight to storage and sees it processed", async () => {
    await hydrated(page);
    await page.locator("#media-files").setInputFiles(imageFile);
    const tile = page.getByTestId("media-tile").first();
    await expect.poll(() => tile.getAttribute("data-status")).toBe("ready");
    const thumbnail = tile.getByTestId("media-thumbnail");
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(160);
    expect(await tile.textContent()).toContain("1000×1000");
    await shot("catalog-product-editor");
  });

  it("publishes it and sees it on the storefront root with its image", async () => {
    await page.getByLabel("Status").selectOption("active");
    await page.getByRole("button", { name: "Save product" }).click();
    await page.waitForURL(/\?saved=1$/);
    await page.goto(`${baseUrl()}/s/${shopSlug}`);
    const card = page.getByTestId("storefront-product").filter({ hasText: title });
    await expect.poll(() => card.count()).toBe(1);
    expect((await card.textContent())!.replace(/\s/g, " ")).toContain("From RM 129.00");
    const img = card.locator("img");
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
    expect(await img.getAttribute("alt")).toBe(title);
    await shot("catalog-storefront");
  });

  it("finds it in the admin list by SKU and sees its stock", async () => {
    await page.goto(`${baseUrl()}/admin/products?q=${encodeURIComponent(title.slice(-6))}-3`);
    const row = page.getByTestId("product-row");
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain("20 in stock");
  });

  it("ran without script errors (CSP included)", () => {
    expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
  });
});
