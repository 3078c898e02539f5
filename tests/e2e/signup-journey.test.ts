import { randomBytes } from "node:crypto";

import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { whatsAppCode } from "../helpers/auth";
import { baseUrl, hydrated, journeyBrowser, patient, screenshot, uniquePhone } from "../helpers/browser";

const chrome = journeyBrowser();
let page: Page;
const { errors } = chrome;

beforeAll(async () => {
  page = await chrome.newPage();
});

const shot = (name: string) => screenshot(page, name);

describe("a merchant in a browser", () => {
  const id = randomBytes(3).toString("hex");
  const email = `merchant-${id}@example.com`;
  const password = "kopi susu ais kurang manis";
  const phone = uniquePhone();
  const shopName = `Kedai Ujian ${id}`;

  it("signs up (fixing a mistake on the way), creates a shop, and lands in the admin", async () => {
    await page.goto(`${baseUrl()}/signup`);
    await hydrated(page);
    await page.getByLabel("Your name").fill("Farah Lim");
    await page.getByLabel("Company or business name").fill("Farah Crafts");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("WhatsApp number").fill(phone.local);
    await page.getByLabel("Password").fill("too short");
    await page.getByLabel("I am 18 or older.").check();
    await page.getByLabel(/I accept the/).check();
    await page.getByRole("button", { name: "Create account" }).click();

    await expect.poll(() => page.locator('[data-field-error="password"]').textContent()).toBe("Use at least 12 characters.");
    expect(await page.getByLabel("Email").inputValue()).toBe(email); // nothing typed is lost
    expect(await page.getByLabel("WhatsApp number").inputValue()).toBe(phone.local);

    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/admin/shops/new");

    await hydrated(page);
    await page.getByLabel("Shop name").fill(shopName);
    expect(await page.getByLabel("Shop address").inputValue()).toBe(`kedai-ujian-${id}`); // suggested from the name
    await page.getByLabel("Storefront language").selectOption("ms");
    await page.getByRole("button", { name: "Create shop" }).click();
    await page.waitForURL(/\/admin$/);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Welcome, Farah");
    expect(await page.getByTestId("current-shop").textContent()).toBe(shopName);
    expect(await page.getByTestId("sandbox-banner").textContent()).toMatch(/^Sandbox: no Wassenger \(WhatsApp\).* key configured/);
    await shot("admin-dashboard");
  });

  it("gets the welcome message on WhatsApp (the sandbox inbox)", async () => {
    const inbox = patient(await chrome.browser.newPage());
    await expect
      .poll(
        async () => {
          await inbox.goto(`${process.env.SANDBOX_URL}/wassenger/inbox?phone=${encodeURIComponent(phone.e164)}`);
          return inbox.getByTestId("message").allTextContents();
        },
        { interval: 500 },
      )
      .toEqual([expect.stringContaining("Hi Farah, welcome to NetShop!")]);
    await inbox.close();
  });

  it("logs out, logs back in, and returns to the admin of the shop", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL("**/login");
    await page.goto(`${baseUrl()}/admin`);
    await page.waitForURL(/\/login\?redirectTo=%2Fadmin/);

    await hydrated(page);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not my password at all");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("don't match an account");

    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Log in" }).click();
    // The second factor: the code arrives on WhatsApp (the sandbox inbox).
    await page.waitForURL("**/login/verify");
    await page.getByLabel("Code", { exact: true }).fill(await whatsAppCode(phone.e164));
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(/\/admin$/);
    expect(await page.getByTestId("current-shop").textContent()).toBe(shopName);
  });

  it("sees the new shop's storefront, and a 404 page for a shop that does not exist", async () => {
    const response = await page.goto(`${baseUrl()}/s/kedai-ujian-${id}`);
    expect(response?.status()).toBe(200);
    expect(await page.getByTestId("shop-name").textContent()).toBe(shopName);
    expect(await page.getByTestId("empty-catalog").textContent()).toContain("No products yet");
    const missing = await page.goto(`${baseUrl()}/s/no-shop-${id}`);
    expect(missing?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Shop not found");
  });

  it("ran without script errors (CSP included)", () => {
    // 4xx answers are part of the journey (a refused form, a wrong password, a missing shop).
    expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
  });
});
