import type { BrowserContext, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { getProduct } from "~/domain/catalog/products.server";
import { orderAccessToken } from "~/domain/orders/order-links.server";
import { savePaymentSettings } from "~/domain/orders/payment-settings.server";

import { baseUrl, journeyBrowser, screenshot } from "../helpers/browser";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";

const chrome = journeyBrowser({ consoleErrors: false });
let shop: { id: string; slug: string };
let ownerId: string;
let variantId: string;
const { errors } = chrome;

beforeAll(async () => {
  const owner = await makeUser();
  ownerId = owner.id;
  shop = await makeShop(owner.id, { name: "Kedai Kopi Ujian" });
  const product = await makeProduct(shop.id, owner.id, { title: "Kopi beans 500 g", price: "32.50", stock: 20, status: "active" });
  variantId = (await getProduct(shop.id, product.productId))!.variants[0].id;
});

async function open(locale: string): Promise<{ context: BrowserContext; page: Page }> {
  const page = await chrome.newPage({ locale, viewport: { width: 1100, height: 900 } });
  return { context: page.context(), page };
}

const shot = (page: Page, name: string) => screenshot(page, name);

/** A pending order (unpaid, as checkout leaves it) and its signed /pay link. */
async function pendingOrder() {
  const order = await makeOrder(shop.id, { lines: [{ variantId, quantity: 2 }], paid: false });
  return { order, payUrl: `${baseUrl()}/s/${shop.slug}/orders/${order.id}/pay?t=${orderAccessToken(order.id)}` };
}

async function onHostedPage(page: Page, brand: string) {
  await page.waitForURL((url) => url.origin === new URL(process.env.SANDBOX_URL!).origin);
  await expect.poll(() => page.locator("h1").first().textContent()).toContain(brand);
  // The card or bank details are only ever typed on the gateway's page; ours asks for none, and
  // neither does this stand-in.
  expect(await page.locator("input[autocomplete^='cc-'], input[name*='card' i], input[name*='cvv' i]").count()).toBe(0);
  expect(await page.getByTestId("amount").textContent()).toBe("RM 73.00");
}

describe("a customer pays for an order on the gateway's page", () => {
  it("PaySeller: pay → confirmation → the status page shows Paid", async () => {
    await savePaymentSettings({ userId: ownerId, shopId: shop.id }, { gateway: "payseller", mode: "sandbox" }, {});
    const { order, payUrl } = await pendingOrder();
    const { context, page } = await open("en-MY");
    await page.goto(payUrl);
    await onHostedPage(page, "PaySeller");
    await shot(page, "payment-hosted-page");
    await page.getByTestId("pay").click();
    await page.waitForURL(`**/s/${shop.slug}/orders/${order.id}/confirmation?**`);
    expect(await page.getByTestId("confirmation-title").textContent()).toBe(`Order #${order.number} is confirmed`);
    await shot(page, "payment-confirmation");
    await page.getByTestId("view-order").click();
    await page.waitForURL(`**/s/${shop.slug}/orders/${order.id}?t=*`);
    expect(await page.getByTestId("order-status").textContent()).toBe("Paid");
    expect(await page.getByTestId("payment-state").getAttribute("data-state")).toBe("paid");
    expect(await page.getByTestId("order-lines").textContent()).toContain("Kopi beans 500 g");
    await shot(page, "payment-order-status");
    await context.close();
  });

  it("Billplz, in Bahasa Melayu: a failed payment says so, and trying again pays the order", async () => {
    await savePaymentSettings({ userId: ownerId, shopId: shop.id }, { gateway: "billplz", mode: "sandbox" }, {});
    const { order, payUrl } = await pendingOrder();
    const { context, page } = await open("ms-MY");
    await page.goto(payUrl);
    await onHostedPage(page, "Billplz");
    await page.getByTestId("fail").click();
    await page.waitForURL(`**/orders/${order.id}/confirmation?**`);
    expect(await page.getByTestId("confirmation-title").textContent()).toBe("Bayaran anda tidak berjaya");
    await shot(page, "payment-failed-ms");
    await page.getByTestId("pay-again").click();
    await onHostedPage(page, "Billplz");
    await page.getByTestId("pay").click();
    await page.waitForURL(`**/orders/${order.id}/confirmation?**`);
    expect(await page.getByTestId("confirmation-title").textContent()).toBe(`Pesanan #${order.number} telah disahkan`);
    await page.getByTestId("view-order").click();
    await page.waitForURL(`**/s/${shop.slug}/orders/${order.id}?t=*`);
    expect(await page.getByTestId("order-status").textContent()).toBe("Dibayar");
    await context.close();
    expect(errors).toEqual([]);
  });
});
