import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { baseUrl, hydrated, journeyBrowser, logInInBrowser, screenshot } from "../helpers/browser";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser, unique } from "../helpers/factories";

const chrome = journeyBrowser();
let page: Page;
const { errors } = chrome;
let shopSlug: string;
let productId: string;
const bulkTitles = [`Kuih Lapis Box ${unique()}`, `Kopi Tin ${unique()}`];
let user: { id: string; email: string; password: string; phone: string };
const title = `Pandan Songket Shawl ${unique()}`;

beforeAll(async () => {
  user = await makeUser();
  const shop = await makeShop(user.id, { name: "Kedai Songket Ujian" });
  shopSlug = shop.slug;
  productId = (
    await makeProduct(shop.id, user.id, {
      title,
      options: [["Colour", ["Gold", "Emerald"]]],
      status: "active",
      extra: { descriptionMd: "A shawl.", productType: "Shawls" },
    })
  ).productId;
  for (const t of bulkTitles) await makeProduct(shop.id, user.id, { title: t });
  page = await chrome.newPage();
});

const shot = (name: string) => screenshot(page, name);

describe("a merchant has product copy written by AI, reviews it and publishes a field", () => {
  it("logs in and opens the product's AI copy page from its editor", async () => {
    await logInInBrowser(page, user);
    await page.goto(`${baseUrl()}/admin/products/${productId}`);
    await page.getByTestId("ai-copy-link").click();
    await page.waitForURL(/\/copy$/);
    await hydrated(page);
    expect(await page.getByTestId("ai-sandbox-note").textContent()).toContain("Sandbox: no OpenAI key configured");
  });

  it("asks for copy in three languages and watches it finish without reloading", async () => {
    await page.getByLabel("Tone").selectOption("professional");
    await page.getByLabel("Your notes for the writer").fill("Hand-woven in Terengganu with gold thread.");
    await page.getByRole("button", { name: "Write copy" }).click();
    await page.waitForURL(/\/copy\?queued=1$/);
    const job = page.getByTestId("copy-job");
    await expect.poll(() => job.getAttribute("data-status")).toBe("succeeded");
    const review = page.getByTestId("copy-review");
    await expect.poll(() => review.count()).toBe(1);
    const description = review.locator('tr[data-field="description"]');
    expect(await description.locator('td[data-language="en"]').textContent()).toContain(
      `The ${title} is built for dependable, everyday use.`,
    );
    expect(await description.locator('td[data-language="ms"]').textContent()).toContain(title);
    expect(await description.locator('td[data-language="zh"]').textContent()).toMatch(/[\u4e00-\u9fff]/);
    expect(await job.textContent()).toContain("credits charged: 3");
    await shot("ai-copy-review");
  });

  it("applies the English description; the product and the storefront show it", async () => {
    await page.getByRole("button", { name: "Apply Description (English)" }).click();
    await page.waitForURL(/applied=en\.description/);
    expect(await page.getByTestId("copy-applied").textContent()).toContain("Applied to the product.");
    expect(await page.getByTestId("copy-version").count()).toBe(1);
    await page.goto(`${baseUrl()}/admin/products/${productId}`);
    const field = await page.getByLabel("Description", { exact: true }).inputValue();
    expect(field).toContain(`The ${title} is built for dependable, everyday use.`);
    expect(field).toContain("Hand-woven in Terengganu with gold thread.");
    await page.goto(`${baseUrl()}/s/${shopSlug}`);
    await expect.poll(() => page.getByTestId("storefront-product").filter({ hasText: title }).count()).toBe(1);
  });

  it("sees the job, its cost and the month's credits in the AI studio", async () => {
    await page.goto(`${baseUrl()}/admin`);
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "AI studio" }).click();
    await page.waitForURL(/\/admin\/ai$/);
    const row = page.getByTestId("ai-job").filter({ hasText: title });
    expect(await row.getAttribute("data-status")).toBe("succeeded");
    expect(await row.textContent()).toContain("credits charged: 3");
    expect(await page.getByTestId("ai-credits").textContent()).toContain("3 used, 0 held by jobs in progress, 47 of 50 left");
    await shot("ai-studio");
  });

  it("writes copy for products selected in the product list, with live progress per product", async () => {
    await page.goto(`${baseUrl()}/admin/products`);
    await hydrated(page);
    for (const t of bulkTitles) await page.getByLabel(`Select ${t}`).check();
    await page.getByTestId("bulk-ai-copy").click();
    await page.waitForURL(/\/admin\/ai\/batches\/[0-9a-f-]{36}$/);
    const rows = page.getByTestId("batch-job");
    await expect.poll(() => rows.count()).toBe(2);
    await expect.poll(() => page.getByTestId("batch-status").textContent()).toContain("2 of 2 finished, 0 failed");
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-status")))).toEqual(["succeeded", "succeeded"]);
    await page.getByRole("link", { name: bulkTitles[0] }).click();
    await page.waitForURL(/\/copy$/);
    expect(await page.getByTestId("copy-review").locator('tr[data-field="title"]').textContent()).toContain(bulkTitles[0]);
  });

  it("ran without script errors (CSP included)", () => {
    expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
  });
});
