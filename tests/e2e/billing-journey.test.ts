/**
 * A new owner on the Growth trial upgrades to Growth yearly on /admin/billing, pays on the
 * gateway sandbox's hosted page, comes back to the new plan and the paid invoice (HTML and PDF);
 * a year on its renewal goes unpaid (the billing cycle run with an injected clock); an operator
 * finds the merchant on /platform and suspends it (the owner's admin shows the banner, its checkout
 * closes); the owner pays the renewal from the banner on the hosted page and the shop is back at
 * once. Any page or console error fails the journey.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { startSession } from "~/domain/accounts/sessions.server";
import { DAY_MS } from "~/domain/billing/periods";
import { planById } from "~/domain/billing/plans.server";
import { runBillingCycle } from "~/flows/billing-cycle.server";
import { openShop } from "~/flows/shop-opened.server";
import { asPlatform } from "~db/client";

import { subscriptionOf } from "../helpers/billing";
import { baseUrl, hydrated, journeyBrowser, screenshot } from "../helpers/browser";
import { makeOperator } from "../helpers/dropship";
import { makeUser, unique } from "../helpers/factories";

// Every page and console error fails the journey, except the sandbox's hosted page having no
// favicon (the gateway stand-in is not ours): collected here with where each came from.
const chrome = journeyBrowser({ consoleErrors: false });
const { errors } = chrome;
async function newPage(): Promise<Page> {
  const page = await chrome.newPage();
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const where = m.location().url;
    if (where.startsWith(process.env.SANDBOX_URL!) && m.text().startsWith("Failed to load resource") && /favicon/.test(where)) return;
    errors.push(`${m.text()} (${where})`);
  });
  return page;
}
let owner: Awaited<ReturnType<typeof makeUser>>;
let shop: { id: string; slug: string; name: string };
let ownerPage: Page;

/**
 * Signed in through a real session row and cookie rather than the login form: the run's other
 * browser tests use up the per-address WhatsApp code limit (the login has its own journey).
 */
async function signInAs(page: Page, userId: string) {
  const { setCookie } = await startSession(userId, { remember: false, secondFactor: "whatsapp", ip: "127.0.0.1", userAgent: "e2e" });
  const [pair] = setCookie.split(";");
  const eq = pair.indexOf("=");
  await page.context().addCookies([{ name: pair.slice(0, eq), value: pair.slice(eq + 1), url: baseUrl() }]);
}

beforeAll(async () => {
  owner = await makeUser();
  const opened = await openShop(owner.id, { name: "Kedai Langganan", slug: unique("e2e-bill-") }, { ip: "127.0.0.1", userAgent: "e2e" });
  if (!opened.ok) throw new Error("shop not opened");
  shop = opened.shop;
  ownerPage = await newPage();
});

describe("a merchant pays for a plan; an operator runs the merchant", () => {
  it("the owner on the trial upgrades to Growth yearly, pays on the hosted page and sees the new plan and the invoice", async () => {
    const page = ownerPage;
    await signInAs(page, owner.id);
    await page.goto(`${baseUrl()}/admin/billing`);
    await hydrated(page);
    expect(await page.getByTestId("current-plan").locator("[data-status]").getAttribute("data-status")).toBe("trialing");
    expect(await page.getByTestId("current-plan").locator("[data-plan]").getAttribute("data-plan")).toBe("growth");
    await screenshot(page, "billing-trial");

    const growth = page.locator('[data-plan-row="growth"]');
    await growth.locator('select[name="interval"]').selectOption("year");
    await growth.locator('[data-choose="growth"]').click();
    // NetShop's gateway (the sandbox here) shows the amount; no card field is ever on our page.
    await page.waitForURL((url) => url.origin === new URL(process.env.SANDBOX_URL!).origin);
    expect(await page.getByTestId("amount").textContent()).toBe("RM 490.00");
    await screenshot(page, "billing-hosted-page");
    await page.getByTestId("pay").click();

    await page.waitForURL(/\/admin\/billing\?paid=/);
    await hydrated(page);
    const paid = await page.getByTestId("billing-paid").textContent();
    expect(paid).toMatch(/NSB-\d{4}-\d{6}/);
    const number = /NSB-\d{4}-\d{6}/.exec(paid!)![0];
    expect(await page.getByTestId("current-plan").locator("[data-status]").getAttribute("data-status")).toBe("active");
    expect(await page.getByTestId("current-plan").textContent()).toContain("yearly");
    // The limits shown are Growth's, read from the plans table.
    const growthPlan = (await asPlatform((tx) => planById(tx, "growth")))!;
    expect(await page.locator('[data-meter="Products"]').textContent()).toContain(`of ${growthPlan.productLimit}`);
    expect(await page.locator('[data-meter="Staff seats"]').textContent()).toContain(`of ${growthPlan.staffSeats}`);
    const row = page.locator(`[data-invoice="${number}"]`);
    expect(await row.locator("[data-invoice-status]").getAttribute("data-invoice-status")).toBe("paid");
    await screenshot(page, "billing-paid");

    // The invoice as HTML and as PDF, with the owner's session.
    const htmlHref = (await row.getByRole("link", { name: "View" }).getAttribute("href"))!;
    const html = await page.request.get(`${baseUrl()}${htmlHref}`);
    expect(html.status()).toBe(200);
    const body = await html.text();
    expect(body).toContain(number);
    expect(body).toContain('data-status="paid"');
    const pdfHref = (await row.getByTestId("invoice-pdf").getAttribute("href"))!;
    const pdf = await page.request.get(`${baseUrl()}${pdfHref}`);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect((await pdf.body()).subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(errors).toEqual([]);
  });

  it("a year on the renewal is unpaid; an operator suspends the shop (banner, checkout closed); the owner pays and it is back", async () => {
    // The billing cycle at the period's end, with an injected clock: the renewal issued, unpaid, overdue.
    const end = (await subscriptionOf(shop.id)).currentPeriodEnd!;
    await runBillingCycle({ now: new Date(end.getTime() - 7 * DAY_MS), shopIds: [shop.id] });
    await runBillingCycle({ now: end, shopIds: [shop.id] });
    expect((await subscriptionOf(shop.id)).status).toBe("past_due");
    await ownerPage.goto(`${baseUrl()}/admin`);
    expect(await ownerPage.locator('[data-billing="past_due"]').count()).toBe(1);

    const operator = await makeOperator();
    const page = await newPage();
    await signInAs(page, operator.id);
    await page.goto(`${baseUrl()}/platform/merchants?q=${encodeURIComponent(shop.slug)}`);
    await hydrated(page);
    const merchant = page.getByRole("row").filter({ hasText: shop.name });
    expect(await merchant.textContent()).toContain("Growth");
    await screenshot(page, "platform-merchants");
    await merchant.getByRole("link", { name: shop.name }).click();
    await page.waitForURL(`**/platform/merchants/${shop.id}`);
    await hydrated(page);

    await page.getByLabel("Reason (the owner is told)").fill("The renewal is unpaid and the owner does not answer");
    await page.getByRole("button", { name: "Suspend" }).click();
    await expect
      .poll(() => page.getByTestId("merchant-subscription").locator("[data-status]").getAttribute("data-status"))
      .toBe("suspended");

    await ownerPage.goto(`${baseUrl()}/admin`);
    expect(await ownerPage.locator('[data-billing="suspended"]').count()).toBe(1);
    const checkout = await newPage();
    await checkout.goto(`${baseUrl()}/s/${shop.slug}/checkout`);
    expect(await checkout.getByTestId("checkout-closed").count()).toBe(1);
    await screenshot(ownerPage, "billing-suspended-admin");
    await screenshot(page, "platform-suspended");

    // The owner follows the banner to billing and pays the renewal on the hosted page: back at once.
    await ownerPage.locator('[data-billing="suspended"]').getByRole("link").click();
    await ownerPage.waitForURL(/\/admin\/billing$/);
    await hydrated(ownerPage);
    const renewal = (await ownerPage.getByTestId("pay-open").textContent())!;
    expect(renewal).toMatch(/RM\s490\.00/);
    await ownerPage.getByTestId("pay-open").click();
    await ownerPage.waitForURL((url) => url.origin === new URL(process.env.SANDBOX_URL!).origin);
    expect(await ownerPage.getByTestId("amount").textContent()).toBe("RM 490.00");
    await ownerPage.getByTestId("pay").click();
    await ownerPage.waitForURL(/\/admin\/billing\?paid=/);
    await hydrated(ownerPage);
    expect(renewal).toContain((await ownerPage.getByTestId("billing-paid").textContent())!.match(/NSB-\d{4}-\d{6}/)![0]);
    expect(await ownerPage.getByTestId("current-plan").locator("[data-status]").getAttribute("data-status")).toBe("active");
    expect(await ownerPage.locator("[data-billing]").count()).toBe(0);
    await screenshot(ownerPage, "billing-restored");
    await checkout.reload();
    expect(await checkout.getByTestId("checkout-closed").count()).toBe(0);
    await page.reload();
    expect(await page.getByTestId("merchant-subscription").locator("[data-status]").getAttribute("data-status")).toBe("active");
    expect(errors).toEqual([]);
  });
});
