import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { addImageFromBuffer } from "~/domain/media/media.server";

import { baseUrl, hydrated, journeyBrowser, logInInBrowser, screenshot } from "../helpers/browser";
import { makePng, makeProduct } from "../helpers/catalog";
import { makeShop, makeUser, unique } from "../helpers/factories";

const chrome = journeyBrowser();
let page: Page;
const { errors } = chrome;
let user: { id: string; email: string; password: string; phone: string };
let productId: string;
const photoFile = path.join(os.tmpdir(), `${unique("model")}.png`);

beforeAll(async () => {
  user = await makeUser();
  const shop = await makeShop(user.id, { name: "Kedai Songket Ujian" });
  productId = (await makeProduct(shop.id, user.id, { title: "Songket Shawl" })).productId;
  // The garment: a product image the (real) media worker processes.
  await addImageFromBuffer(shop.id, productId, {
    body: await makePng(600, 600),
    contentType: "image/png",
    filename: "shawl.png",
    alt: "Songket shawl",
  });
  fs.writeFileSync(photoFile, await makePng(600, 800));
  page = await chrome.newPage();
});
afterAll(async () => {
  fs.rmSync(photoFile, { force: true });
});

const shot = (name: string) => screenshot(page, name);

describe("a merchant makes a try-on image in a browser and approves it", () => {
  it("logs in and opens the product's AI studio from the product editor", async () => {
    await logInInBrowser(page, user);
    await page.goto(`${baseUrl()}/admin/products/${productId}`);
    // The product's studio link (the admin navigation has an "AI studio" too: the jobs view).
    await page.getByRole("main").getByRole("link", { name: "AI studio" }).click();
    await page.waitForURL(/\/studio$/);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("AI studio");
  });

  it("uploads a model photo", async () => {
    await hydrated(page);
    await page.getByLabel("Photo", { exact: true }).setInputFiles(photoFile);
    await page.getByRole("button", { name: "Upload photo" }).click();
    await page.waitForURL(/done=photo/);
    await expect.poll(() => page.getByTestId("model-photo").count()).toBe(1);
  });

  it("runs a try-on and watches it finish; the result waits for approval", async () => {
    await hydrated(page);
    // The garment image is processed by now (or soon): it is offered once ready.
    await expect
      .poll(async () => {
        await page.reload();
        return page.getByLabel("Garment image").locator("option").count();
      })
      .toBe(2);
    await hydrated(page);
    await page.getByRole("button", { name: "Start try-on" }).click();
    await page.waitForURL(/done=queued/);
    await hydrated(page);
    const job = page.getByTestId("ai-job").first();
    await expect.poll(() => job.getAttribute("data-status")).toBe("succeeded");
    const result = page.getByTestId("pending-result").first();
    await expect.poll(() => result.getAttribute("data-status")).toBe("pending_approval");
    await shot("ai-studio-tryon");
  });

  it("sees it in the product's media as pending, and approves it there", async () => {
    await page.goto(`${baseUrl()}/admin/products/${productId}#media`);
    await hydrated(page);
    const pending = page.locator('[data-testid="media-tile"][data-status="pending_approval"]');
    await expect.poll(() => pending.count()).toBe(1);
    expect(await pending.getByTestId("pending-badge").textContent()).toBe("Pending approval");
    await expect.poll(() => pending.locator("img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await pending.getByRole("button", { name: /^Approve / }).click();
    await expect.poll(() => page.locator('[data-testid="media-tile"][data-status="ready"]').count()).toBe(2);
    expect(await page.locator('[data-testid="media-tile"][data-status="pending_approval"]').count()).toBe(0);
    await shot("ai-studio-approved");
  });

  it("ran without script errors (CSP included)", () => {
    expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
  });
});
