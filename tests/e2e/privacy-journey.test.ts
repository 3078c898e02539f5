/**
 * A storefront customer's data rights in a real browser: they ask for an export, watch it being
 * prepared (the privacy worker builds it), download the ZIP; then ask for their data to be
 * deleted and cancel within the cooling-off. Once in English and once in 简体中文. And a guest
 * buyer, without an account, proves their WhatsApp number with a code and asks for deletion; the
 * merchant sees the request with its due date. And a merchant changes their WhatsApp number in
 * Bahasa Melayu: a code to the new number (the WhatsApp sandbox), confirmed, audited. And a guest
 * buyer corrects their name and email on their order; the merchant reads both on the order's timeline.
 */
import fs from "node:fs";

import { and, eq } from "drizzle-orm";
import { unzipSync } from "fflate";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { signUpCustomer } from "~/domain/checkout/customers.server";
import { shownPoliciesField } from "~/domain/policies/versions.server";
import { formatPhone } from "~/lib/phone";
import { asPlatform, schema } from "~db/client";

import { until } from "../helpers/async";
import { emailsTo, whatsAppCode } from "../helpers/auth";
import { baseUrl, hydrated, journeyBrowser, logInInBrowser, screenshot } from "../helpers/browser";
import { sellable } from "../helpers/checkout";
import { makeShop, makeUser, PASSWORD, unique } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { uniquePhone } from "../helpers/phones";

const chrome = journeyBrowser({ consoleErrors: false });
const { errors } = chrome;
let shop: { id: string; slug: string };

beforeAll(async () => {
  const owner = await makeUser();
  shop = await makeShop(owner.id, { name: "Kedai Privasi" });
});

async function customer() {
  const email = `${unique("journey")}@example.com`;
  const signed = await signUpCustomer(
    shop.id,
    { name: "Nurul Huda", email, phone: uniquePhone().e164, password: PASSWORD, adult: "on", ...(await shownPoliciesField(["privacy"])) },
    { ip: `203.0.${Math.floor(Math.random() * 250)}.50`, userAgent: "e2e", anonymousCartId: undefined },
  );
  if (!signed.ok) throw new Error(JSON.stringify(signed.errors));
  return email;
}

async function logIn(page: Page, email: string) {
  await page.goto(`${baseUrl()}/s/${shop.slug}/account/login?redirectTo=${encodeURIComponent(`/s/${shop.slug}/account/privacy`)}`);
  await hydrated(page);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.locator('input[name="password"]').press("Enter");
  await page.waitForURL(`**/s/${shop.slug}/account/privacy`);
  await hydrated(page);
}

const TEXT = {
  en: {
    heading: "Your data and privacy",
    prepare: "Prepare my export",
    request: "Request deletion",
    cancel: "Cancel deletion",
    cancelled: "Your deletion request was cancelled.",
  },
  zh: { heading: "您的数据与隐私", prepare: "准备我的导出", request: "申请删除", cancel: "取消删除", cancelled: "您的删除申请已取消。" },
} as const;

async function journey(page: Page, lang: "en" | "zh") {
  const text = TEXT[lang];
  const email = await customer();
  await logIn(page, email);
  expect(await page.locator("html").getAttribute("lang")).toMatch(new RegExp(`^${lang}`));
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(text.heading);

  // Export: the request shows its progress, then (the worker done) a download.
  await page.getByRole("button", { name: text.prepare }).click();
  // Whether the page still shows the job's progress here depends on how fast the worker was (on a
  // quiet machine the ZIP can be ready first): the waiting state is checked in customer-privacy-http.
  await page.getByTestId("export-download").waitFor();
  await screenshot(page, `privacy-export-ready-${lang}`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-download").click()]);
  const file = await download.path();
  const zip = unzipSync(new Uint8Array(fs.readFileSync(file!)));
  expect(Object.keys(zip)).toEqual(expect.arrayContaining(["profile.json", "profile.csv"]));
  expect(new TextDecoder().decode(zip["profile.json"])).toContain(email);

  // Deletion, then a change of mind within the cooling-off.
  await page.getByTestId("privacy-delete").locator('input[name="confirm"]').fill("DELETE");
  await page.getByRole("button", { name: text.request }).click();
  await page.getByTestId("deletion-requested").waitFor();
  await screenshot(page, `privacy-deletion-requested-${lang}`);
  await page.getByRole("button", { name: text.cancel }).click();
  await expect.poll(() => page.getByTestId("privacy-notice").textContent()).toBe(text.cancelled);
  await expect.poll(() => page.getByTestId("deletion-requested").count()).toBe(0);
}

describe("a customer's data rights in the browser", () => {
  it("exports (progress, then the ZIP downloaded), asks for deletion and cancels it, in English", async () => {
    const page = await chrome.newPage({ locale: "en-US", acceptDownloads: true });
    await journey(page, "en");
    expect(errors).toEqual([]);
  });

  it("does the same in 简体中文", async () => {
    const page = await chrome.newPage({ locale: "zh-CN", acceptDownloads: true });
    // The language cookie as the app writes it (a Remix cookie: base64 of the JSON value).
    await page.context().addCookies([{ name: "lng", value: encodeURIComponent(btoa(JSON.stringify("zh"))), url: baseUrl() }]);
    await journey(page, "zh");
    expect(errors).toEqual([]);
  });
});

describe("a guest buyer's data rights in the browser", () => {
  it("proves their WhatsApp number with a code, asks for deletion, and the merchant sees the request with its due date", async () => {
    const owner = await makeUser();
    const guestShop = await makeShop(owner.id, { name: "Kedai Tetamu" });
    const { variantId } = await sellable(guestShop.id, owner.id, { stock: 5 });
    const phone = uniquePhone();
    await makeOrder(guestShop.id, { lines: [{ variantId, quantity: 1 }], paid: true, phone: phone.e164, customerName: "Tetamu Satu" });

    const page = await chrome.newPage({ locale: "en-US" });
    await page.goto(`${baseUrl()}/s/${guestShop.slug}`);
    await page.getByTestId("guest-privacy-link").click();
    await page.waitForURL(`**/s/${guestShop.slug}/privacy`);
    await hydrated(page);
    await page.locator('input[name="contact"]').fill(phone.local);
    await page.getByRole("button", { name: "Send me a code" }).click();
    await page.locator('input[name="code"]').waitFor();
    const code = await until(async () => {
      const latest = await whatsAppCode(phone.e164).catch(() => "");
      return /^\d{6}$/.test(latest) && latest;
    });
    await page.locator('input[name="code"]').fill(code);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByTestId("guest-verified").waitFor();
    await page.getByTestId("privacy-delete").locator('input[name="confirm"]').fill("DELETE");
    await page.getByRole("button", { name: "Request deletion" }).click();
    await page.getByTestId("deletion-requested").waitFor();
    await screenshot(page, "privacy-guest-deletion-requested");

    const admin = await chrome.newPage({ locale: "en-US" });
    await logInInBrowser(admin, owner);
    await admin.goto(`${baseUrl()}/admin/privacy`);
    const row = admin.getByTestId("admin-privacy-requests").locator("tr", { hasText: phone.e164 });
    await row.waitFor();
    expect(await row.getByTestId("due-on").getAttribute("data-due")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await screenshot(admin, "privacy-merchant-sees-guest-request");
    expect(errors).toEqual([]);
  });
});

describe("a guest buyer's correction in the browser", () => {
  it("corrects their name and (after a code to the new address) their email on their order, and the merchant reads both on the order's timeline", async () => {
    const owner = await makeUser();
    const guestShop = await makeShop(owner.id, { name: "Kedai Betulkan" });
    const { variantId } = await sellable(guestShop.id, owner.id, { stock: 5 });
    const phone = uniquePhone();
    const order = await makeOrder(guestShop.id, {
      lines: [{ variantId, quantity: 1 }],
      paid: true,
      phone: phone.e164,
      email: null,
      customerName: "Tetamu Silap",
    });

    const page = await chrome.newPage({ locale: "en-US" });
    await page.goto(`${baseUrl()}/s/${guestShop.slug}/privacy`);
    await hydrated(page);
    await page.locator('input[name="contact"]').fill(phone.local);
    await page.getByRole("button", { name: "Send me a code" }).click();
    await page.locator('input[name="code"]').waitFor();
    const code = await until(async () => {
      const latest = await whatsAppCode(phone.e164).catch(() => "");
      return /^\d{6}$/.test(latest) && latest;
    });
    await page.locator('input[name="code"]').fill(code);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByTestId("guest-verified").waitFor();
    await hydrated(page);

    // The name.
    const correct = page.getByTestId("privacy-correct");
    await correct.getByLabel("Name").fill("Tetamu Betul");
    await correct.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByTestId("privacy-notice").textContent()).toBe("Your details were saved.");

    // An email address, confirmed by a code sent to it.
    const email = `${unique("betul")}@example.com`;
    await correct.getByLabel("Email address").fill(email);
    await correct.getByRole("button", { name: "Send a code to the new address" }).click();
    await page.getByTestId("confirm-email").waitFor();
    const emailed = await until(async () => (await emailsTo(email))[0]?.text.match(/\b(\d{6})\b/)?.[1]);
    await page.getByTestId("confirm-email").locator('input[name="code"]').fill(emailed);
    await page.getByRole("button", { name: "Confirm the new address" }).click();
    await expect.poll(() => page.getByTestId("privacy-notice").textContent()).toBe("Your details were saved.");
    await screenshot(page, "privacy-guest-corrected");

    const [saved] = await asPlatform((tx) => tx.select().from(schema.orders).where(eq(schema.orders.id, order.id)));
    expect(saved).toMatchObject({ customerName: "Tetamu Betul", email });

    // The merchant reads both corrections on the order's timeline.
    const admin = await chrome.newPage({ locale: "en-US" });
    await logInInBrowser(admin, owner);
    await admin.goto(`${baseUrl()}/admin/orders/${order.id}`);
    await expect.poll(() => admin.locator("body").textContent()).toContain("The buyer corrected their name on the shop's privacy page");
    expect(await admin.locator("body").textContent()).toContain("The buyer corrected their email address on the shop's privacy page");
    await screenshot(admin, "privacy-merchant-sees-guest-correction");
    expect(errors).toEqual([]);
  });
});

describe("a merchant's correction in the browser", () => {
  it("changes their WhatsApp number after a code sent to the new one, in Bahasa Melayu, and the change is audited", async () => {
    const merchant = await makeUser();
    await makeShop(merchant.id, { name: "Kedai Nombor Baharu" });
    // Logged in in English (the helper reads English labels), then switched to Malay by the language cookie.
    const page = await chrome.newPage({ locale: "en-US" });
    await logInInBrowser(page, merchant);
    await page.context().addCookies([{ name: "lng", value: encodeURIComponent(btoa(JSON.stringify("ms"))), url: baseUrl() }]);
    await page.goto(`${baseUrl()}/admin/account/privacy`);
    await hydrated(page);
    expect(await page.locator("html").getAttribute("lang")).toMatch(/^ms/);
    const fresh = uniquePhone();
    const correct = page.getByTestId("privacy-correct");
    await correct.getByLabel("Nombor WhatsApp").fill(fresh.local);
    await correct.getByRole("button", { name: "Hantar kod ke nombor baharu" }).click();
    await correct.locator('input[name="code"]').waitFor();
    const code = await until(async () => {
      const latest = await whatsAppCode(fresh.e164).catch(() => "");
      return /^\d{6}$/.test(latest) && latest;
    });
    // A wrong code first: refused in the page's language, the number unchanged.
    await correct.locator('input[name="code"]').fill(code === "000000" ? "111111" : "000000");
    await correct.getByRole("button", { name: "Sahkan nombor baharu" }).click();
    await expect.poll(() => correct.textContent()).toContain("Kod itu tidak betul atau telah tamat tempoh.");
    await correct.locator('input[name="code"]').fill(code);
    await correct.getByRole("button", { name: "Sahkan nombor baharu" }).click();
    await expect.poll(() => page.getByTestId("privacy-notice").textContent()).toBe("Butiran anda telah disimpan.");
    await expect.poll(() => page.getByTestId("current-phone").textContent()).toBe(formatPhone(fresh.e164));
    await screenshot(page, "privacy-merchant-phone-corrected-ms");

    const [user] = await asPlatform((tx) => tx.select().from(schema.users).where(eq(schema.users.id, merchant.id)));
    expect(user.phone).toBe(fresh.e164);
    const audited = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.targetId, merchant.id), eq(schema.auditLog.action, "privacy.user_corrected"))),
    );
    expect(audited).toHaveLength(1);
    // Masked in the audit log, which outlives a later deletion of the account.
    expect(JSON.stringify(audited[0])).not.toContain(fresh.e164);
    expect(audited[0].after).toHaveProperty("phone");
    expect(errors).toEqual([]);
  });
});
