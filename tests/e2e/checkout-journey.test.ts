import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { baseUrl, hydrated, journeyBrowser, screenshot, submitPlainForm } from "../helpers/browser";
import { level, sellable } from "../helpers/checkout";
import { makeShop, makeUser, unique } from "../helpers/factories";

const chrome = journeyBrowser({ consoleErrors: false });
let page: Page;
const { errors } = chrome;
let shop: { id: string; slug: string };
let product: { variantId: string; productId: string };
const title = `Kopi Sabah ${unique()}`;

beforeAll(async () => {
  const owner = await makeUser();
  shop = await makeShop(owner.id, { name: "Kedai Kopi Ujian" });
  product = await sellable(shop.id, owner.id, { stock: 5, price: "32.00", weightGrams: 400, title });
  page = await chrome.newPage();
});

const shot = (name: string) => screenshot(page, name);

describe("a customer buys in a browser", () => {
  it("adds a product to the cart from the storefront", async () => {
    await page.goto(`${baseUrl()}/s/${shop.slug}`);
    await hydrated(page);
    expect(await page.getByTestId("storefront-product").filter({ hasText: title }).count()).toBe(1);
    expect(await page.getByTestId("cart-link").textContent()).toBe("Cart (0)");
    // Posted as a plain form, the way the product page's add-to-cart form posts without JavaScript.
    await submitPlainForm(page, `/s/${shop.slug}/cart`, { intent: "add", variantId: product.variantId, quantity: "2" });
    await page.waitForURL(/\/cart\?status=added$/);
    await hydrated(page);
    expect(await page.getByTestId("cart-status").textContent()).toBe("Added to your cart.");
    expect(await page.getByTestId("cart-line").count()).toBe(1);
    expect(await page.getByTestId("cart-subtotal").textContent()).toContain("64.00");
    expect(await page.getByTestId("cart-link").textContent()).toBe("Cart (2)");
    await shot("checkout-cart");
  });

  it("changes the quantity in the cart", async () => {
    await page.getByLabel("Quantity").fill("1");
    await page.getByRole("button", { name: "Update" }).click();
    await page.waitForURL(/status=updated/);
    await expect.poll(() => page.getByTestId("cart-subtotal").textContent()).toContain("32.00");
  });

  it("checks out as a guest: contact, address, shipping method, then pays on the gateway's page", async () => {
    await page.getByTestId("go-to-checkout").click();
    await page.waitForURL(/\/checkout$/);
    await hydrated(page);
    await page.getByLabel("Email").fill("aisyah@example.com");
    await page.getByLabel("WhatsApp number").fill("012-345 6789");
    await page.getByLabel("Full name").fill("Aisyah Rahman");
    await page.getByLabel("Address", { exact: true }).fill("12 Jalan SS 2/24");
    await page.getByLabel("Postcode").fill("47300");
    await page.getByLabel("Town or city").fill("Petaling Jaya");
    await page.getByLabel("State").selectOption("Selangor");
    await page.getByRole("button", { name: "Show shipping options for this address" }).click();
    // Only the methods that reach a Selangor address remain.
    await expect.poll(() => page.getByTestId("shipping-options").textContent()).not.toContain("International post");
    expect(await page.getByTestId("shipping-options").textContent()).toContain("Peninsular Malaysia");
    // Typed values survive the round trip.
    expect(await page.getByLabel("Full name").inputValue()).toBe("Aisyah Rahman");
    await page.getByRole("radio", { name: /Standard delivery \(Peninsular Malaysia\)/ }).check();
    await expect.poll(() => page.getByTestId("summary-total").textContent()).toContain("40.00");
    await shot("checkout-filled");
    const payRequest = page.waitForRequest(new RegExp(`/s/${shop.slug}/orders/[0-9a-f-]{36}/pay`));
    await page.getByRole("button", { name: "Place order and pay" }).click();
    await payRequest;
    // The pay URL sends the browser on to the gateway's hosted page (the sandbox's stand-in).
    await page.waitForURL((url) => url.origin === new URL(process.env.SANDBOX_URL!).origin);
    expect(await level(shop.id, product.variantId)).toEqual({ onHand: 5, reserved: 1 });
    expect(await page.getByTestId("amount").textContent()).toBe("RM 40.00");
    await page.getByTestId("pay").click();
    await page.waitForURL(`**/s/${shop.slug}/orders/*/confirmation?**`);
    // Paid: the held unit is sold (on hand and reserved both down by one).
    await expect.poll(() => level(shop.id, product.variantId)).toEqual({ onHand: 4, reserved: 0 });
    expect(errors).toEqual([]);
  });
});
