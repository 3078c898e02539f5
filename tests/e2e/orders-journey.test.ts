import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { getProduct } from "~/domain/catalog/products.server";

import { latestWhatsApp } from "../helpers/auth";
import { hydrated, journeyBrowser, logInInBrowser, patient, screenshot, uniquePhone } from "../helpers/browser";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";

const chrome = journeyBrowser({ consoleErrors: false });
let page: Page;
const { errors } = chrome;
let user: { id: string; email: string; password: string; phone: string };
let order: Awaited<ReturnType<typeof makeOrder>>;
const customerPhone = uniquePhone().e164;

beforeAll(async () => {
  user = await makeUser();
  const shopId = (await makeShop(user.id, { name: "Kedai Songket Ujian" })).id;
  const p = await makeProduct(shopId, user.id, { title: "Songket Tenun", price: "250.00", stock: 5, status: "active" });
  const variant = (await getProduct(shopId, p.productId))!.variants[0].id;
  order = await makeOrder(shopId, { lines: [{ variantId: variant, quantity: 1 }], phone: customerPhone, customerName: "Cik Farah" });
  page = await chrome.newPage();
});

const shot = (name: string) => screenshot(page, name);

describe("an owner ships a paid order in a browser", () => {
  it("opens the paid order from the Orders list", async () => {
    await logInInBrowser(page, user);
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Orders" }).click();
    await page.waitForURL(/\/admin\/orders$/);
    await page.getByRole("link", { name: `#${order.number}` }).click();
    await page.waitForURL(new RegExp(`/admin/orders/${order.id}$`));
    await hydrated(page);
    expect(await page.getByTestId("order-status").textContent()).toBe("Paid");
  });

  it("refuses a wrong J&T number next to the field, then fulfils with a J&T tracking number: the order shows shipped", async () => {
    await page.getByLabel("Courier").selectOption("jnt");
    await page.getByLabel("Tracking number").fill("EP123456789MY");
    await page.getByTestId("fulfil-submit").click();
    await expect
      .poll(() => page.locator('[data-field-error="trackingNumber"]').textContent())
      .toContain("not a J&T Express tracking number");
    expect(await page.getByLabel("Tracking number").inputValue()).toBe("EP123456789MY");
    await page.getByLabel("Tracking number").fill("630012345678");
    await page.getByTestId("fulfil-submit").click();
    await expect.poll(() => page.getByTestId("order-status").textContent()).toBe("Shipped");
    expect(await page.getByTestId("fulfilment-status").textContent()).toBe("Fulfilled");
    expect(await page.getByTestId("tracking-number").textContent()).toBe("630012345678");
    await shot("orders-shipped");
  });

  it("the customer's WhatsApp has the tracking number and link, and their order page shows the parcel", async () => {
    await expect
      .poll(async () => (await latestWhatsApp(customerPhone))?.message ?? "", { interval: 250 })
      .toContain("J&T Express 630012345678");
    const message = (await latestWhatsApp(customerPhone))!.message!;
    expect(message).toContain("https://www.jtexpress.my/tracking/630012345678");
    // The message links to the customer's own order page, which shows the parcel.
    const link = message.match(/https?:\/\/\S+\/orders\/\S+/)![0];
    const customer = patient(await chrome.browser.newPage());
    await customer.goto(link);
    await expect.poll(() => customer.getByTestId("tracking-number").textContent()).toBe("630012345678");
    expect(await customer.getByRole("link", { name: /Track parcel/ }).getAttribute("href")).toBe(
      "https://www.jtexpress.my/tracking/630012345678",
    );
    await screenshot(customer, "orders-customer-tracking");
    await customer.close();
    expect(errors).toEqual([]);
  });
});
