import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { startSession } from "~/domain/accounts/sessions.server";
import { getProduct } from "~/domain/catalog/products.server";

import { baseUrl, hydrated, journeyBrowser, screenshot } from "../helpers/browser";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser, onPlan } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";

const chrome = journeyBrowser({
  // The refused save answers 400 on purpose; the sandbox page has no favicon.
  consoleErrors: (text) => !text.startsWith("Failed to load resource"),
});
let page: Page;
const { errors } = chrome;
let shopId: string;
let user: Awaited<ReturnType<typeof makeUser>>;
let variantId: string;

beforeAll(async () => {
  user = await makeUser();
  shopId = (await makeShop(user.id, { name: "Kedai Buku Ujian" })).id;
  await onPlan(shopId, "growth"); // AutoCount sync is in Growth
  const saved = await makeProduct(shopId, user.id, { title: "Buku Resipi Nyonya", price: "59.00", stock: 20, status: "active" });
  variantId = (await getProduct(shopId, saved.productId))!.variants[0].id;
  page = await chrome.newPage();
});

const shot = (name: string) => screenshot(page, name);

describe("a merchant connects AutoCount and sees a paid order booked", () => {
  it("signs in and connects the AutoCount sandbox in settings", async () => {
    // Signed in through a real session row and cookie, not the login form: the run's other
    // browser tests use up the per-address WhatsApp code limit (the login itself has its own e2e).
    const { setCookie } = await startSession(user.id, { remember: false, secondFactor: "whatsapp", ip: "127.0.0.1", userAgent: "e2e" });
    const [pair] = setCookie.split(";");
    const eq = pair.indexOf("=");
    await page.context().addCookies([{ name: pair.slice(0, eq), value: pair.slice(eq + 1), url: baseUrl() }]);
    await page.goto(`${baseUrl()}/admin`);
    await page.waitForURL(/\/admin$/);

    await page.goto(`${baseUrl()}/admin/settings/accounting`);
    await hydrated(page);
    expect(await page.getByTestId("accounting-unconfigured").textContent()).toContain("Not connected");
    await page.getByLabel("Where to send invoices").selectOption("sandbox");
    // A tax code the account book does not have: the field says so and keeps what was typed.
    await page.getByLabel("Tax code").fill("SST6");
    await page.getByRole("button", { name: "Check and save" }).click();
    await expect.poll(() => page.locator('[data-field-error="taxCode"]').textContent()).toContain('no tax code "SST6"');
    expect(await page.getByLabel("Tax code").inputValue()).toBe("SST6");

    await page.getByLabel("Tax code").fill("SV-8");
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect.poll(() => page.getByTestId("accounting-notice").textContent()).toContain("Connected to NetShop's AutoCount sandbox");
    await page.getByRole("button", { name: "Check and save" }).click();
    await expect.poll(() => page.getByTestId("accounting-notice").textContent()).toContain("Saved");
    await page.reload();
    expect(await page.getByTestId("accounting-sandbox").textContent()).toContain("Sandbox");
    await shot("accounting-settings");
  });

  it("pays an order, sees it synced on /admin/accounting and the invoice in the sandbox's ledger", async () => {
    // The stand-in keeps one sandbox book for the whole run, and every shop numbers its invoices from NS-I000001:
    // the journey starts from an empty book so its invoice is its own.
    const reset = await fetch(`${process.env.SANDBOX_URL}/autocount/_control`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ reset: true }),
    });
    expect(reset.ok).toBe(true);
    const order = await makeOrder(shopId, { lines: [{ variantId, quantity: 2 }], customerName: "Nurul Huda" });
    const docNo = `NS-I${String(order.invoiceNumber).padStart(6, "0")}`;
    await page.goto(`${baseUrl()}/admin/accounting?show=all`);
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByTestId(`sync-${order.number}-invoice`).getByTestId("sync-status").textContent();
        },
        { interval: 1_000 },
      )
      .toBe("Synced");
    expect(await page.getByTestId(`sync-${order.number}-invoice`).textContent()).toContain(docNo);
    await shot("accounting-synced");

    // The dashboard shows the order in today's figures, as charts.
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Dashboard" }).click();
    await page.waitForURL(/\/admin$/);
    expect(Number(await page.getByTestId("total-orders").textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId("sales-chart").count()).toBe(1);
    await shot("dashboard");

    await page.goto(`${process.env.SANDBOX_URL}/autocount/ledger`);
    const row = page.getByTestId(`IV-${docNo}`);
    expect(await row.textContent()).toContain("Nurul Huda");
    expect(await row.textContent()).toContain("Settled");
    expect(await page.getByText(docNo.replace("NS-I", "NS-R")).count()).toBeGreaterThan(0);
    await shot("autocount-ledger");
    expect(errors).toEqual([]);
  });
});
