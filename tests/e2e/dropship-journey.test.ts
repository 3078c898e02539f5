/**
 * The dropshipping loop in Chromium with three parties against the real web and worker processes:
 * a supplier lists a product in its portal → a merchant finds it in the network and imports it →
 * a customer buys it through the storefront's checkout and pays at the gateway's hosted page (the
 * sandbox) → the dropship worker forwards the paid order → the supplier ships it with tracking → the customer's
 * order page says shipped and their WhatsApp carries the tracking number.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { orderStatusPath } from "~/domain/orders/order-links.server";

import { until } from "../helpers/async";
import { latestWhatsApp, whatsAppCode } from "../helpers/auth";
import { baseUrl, hydrated, journeyBrowser, patient, screenshot, submitPlainForm, uniquePhone } from "../helpers/browser";
import { makeMerchant, makeSupplier, topUp } from "../helpers/dropship";
import { unique } from "../helpers/factories";

const chrome = journeyBrowser();
const { errors } = chrome;
const title = `Songket Tote ${unique()}`;
const customerPhone = uniquePhone();
let supplier: Awaited<ReturnType<typeof makeSupplier>>;
let merchant: Awaited<ReturnType<typeof makeMerchant>>;
let supplierPage: Page;
let merchantPage: Page;
let importedProductId = "";
let orderId = "";

async function logIn(page: Page, user: { email: string; password: string; phone: string }, redirectTo: string) {
  await page.goto(`${baseUrl()}/login?redirectTo=${encodeURIComponent(redirectTo)}`);
  await hydrated(page);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL("**/login/verify**").catch(async (e) => {
    await shot(page, "dropship-login-failed");
    throw new Error(`${e.message}\n${(await page.textContent("body"))?.slice(0, 600)}`);
  });
  await hydrated(page);
  // The sandbox lists messages newest first; the welcome message may share the code's second.
  const code = await until(() => whatsAppCode(user.phone).catch(() => ""));
  await page.getByLabel("Code", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((url) => url.pathname === redirectTo);
}

const shot = (page: Page, name: string) => screenshot(page, name);

beforeAll(async () => {
  supplier = await makeSupplier({ name: "Terengganu Weavers", state: "Terengganu", handlingDays: 2 });
  merchant = await makeMerchant();
  await topUp(merchant.shopId, 100_00);
  // The welcome message is sent by the worker: let it arrive before the sign-in code does.
  for (const user of [supplier.user, merchant.user])
    await until(async () => ((await latestWhatsApp(user.phone))?.message ?? "").includes("welcome"));
  supplierPage = await chrome.newPage();
  merchantPage = await chrome.newPage();
}); // waits for the worker to deliver, however busy the machine

describe("supplier → merchant → customer → supplier → customer", () => {
  it("the supplier lists a product in its portal", async () => {
    await logIn(supplierPage, supplier.user, "/supplier");
    await supplierPage.getByRole("navigation", { name: "Supplier portal" }).getByRole("link", { name: "Products" }).click();
    await supplierPage.waitForURL(/\/supplier\/products$/);
    await hydrated(supplierPage);
    const form = supplierPage.getByRole("form", { name: "New product" });
    await form.getByLabel("Title").fill(title);
    await form.getByLabel("Category").fill("Bags");
    await form.getByLabel("Cost to merchants (RM)").fill("18.00");
    await form.getByLabel("Suggested retail price (RM)").fill("49.00");
    await form.getByLabel("Stock per variant").fill("25");
    await form.getByLabel("Weight (grams)").fill("600");
    await form.getByLabel("Publish to the network").check();
    await form.getByRole("button", { name: "Save product" }).click();
    await supplierPage.waitForURL(/\/supplier\/products\/[0-9a-f-]{36}$/).catch(async (e) => {
      await shot(supplierPage, "dropship-supplier-product-failed");
      throw new Error(`${e.message}\n${(await supplierPage.textContent("main"))?.slice(0, 800)}`);
    });
    await expect.poll(() => supplierPage.getByRole("heading", { level: 1 }).textContent()).toBe(title);
  });

  it("the merchant finds it in the network and imports it with one click", async () => {
    await logIn(merchantPage, merchant.user, "/admin");
    await merchantPage.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Dropshipping" }).click();
    await merchantPage.waitForURL(/\/admin\/dropship$/);
    await hydrated(merchantPage);
    await merchantPage.getByLabel("Search").fill(title);
    await merchantPage.getByRole("button", { name: "Apply" }).click();
    await merchantPage.waitForURL(/q=/);
    const row = merchantPage.getByTestId("network-product").filter({ hasText: title });
    if ((await row.count()) !== 1) {
      await shot(merchantPage, "dropship-network-failed");
      throw new Error(`${merchantPage.url()}\n${(await merchantPage.textContent("main"))?.slice(0, 1500)}`);
    }
    const text = (await row.textContent()) ?? "";
    expect(text).toContain("Terengganu Weavers");
    expect(text).toMatch(/RM\s?18\.00/); // cost
    expect(text).toMatch(/RM\s?49\.00/); // suggested price
    expect(text).toMatch(/RM\s?36\.00/); // the default rule: ×2.00
    await shot(merchantPage, "dropship-network");
    await row.getByRole("button", { name: "Import" }).click();
    await merchantPage.waitForURL(/\/admin\/products\/[0-9a-f-]{36}\?imported=1$/);
    importedProductId = new URL(merchantPage.url()).pathname.split("/").pop()!;
    expect(await merchantPage.locator('input[name="title"]').inputValue()).toBe(title);
  });

  it("a customer buys it through the storefront's checkout and pays; the worker forwards it to the supplier", async () => {
    const { withShop, schema } = await import("~db/client");
    const { eq } = await import("drizzle-orm");
    const [variant] = await withShop(merchant.shopId, (tx) =>
      tx.select().from(schema.variants).where(eq(schema.variants.productId, importedProductId)),
    );
    const customer = await chrome.browser.newPage({ viewport: { width: 1280, height: 900 } });
    customer.on("pageerror", (e) => errors.push(e.message));
    await customer.goto(`${baseUrl()}/s/${merchant.shop.slug}`);
    await hydrated(customer);
    expect(await customer.getByTestId("storefront-product").filter({ hasText: title }).count()).toBe(1);
    // Add to cart as the product page's plain form does.
    await submitPlainForm(customer, `/s/${merchant.shop.slug}/cart`, { intent: "add", variantId: variant.id, quantity: "2" });
    await customer.waitForURL(/\/cart\?status=added$/);
    await hydrated(customer);
    await customer.getByTestId("go-to-checkout").click();
    await customer.waitForURL(/\/checkout/);
    await hydrated(customer);
    await customer.getByLabel("Email").fill("nurul@example.com");
    await customer.getByLabel("WhatsApp number").fill(customerPhone.local);
    await customer.getByLabel("Full name").fill("Nurul Huda");
    await customer.getByLabel("Address", { exact: true }).fill("8 Jalan Tun Razak");
    await customer.getByLabel("Postcode").fill("50400");
    await customer.getByLabel("Town or city").fill("Kuala Lumpur");
    await customer.getByLabel("State").selectOption("Wilayah Persekutuan Kuala Lumpur");
    await customer.getByRole("button", { name: "Show shipping options for this address" }).click();
    await hydrated(customer);
    await customer.getByRole("radio", { name: /Standard delivery \(Peninsular Malaysia\)/ }).check();
    await customer.getByRole("button", { name: "Place order and pay" }).click();
    await customer.waitForURL((url) => url.origin === new URL(process.env.SANDBOX_URL!).origin);
    await customer.getByTestId("pay").click();
    await customer.waitForURL(`**/s/${merchant.shop.slug}/orders/*/confirmation?**`);
    orderId = new URL(customer.url()).pathname.split("/")[4];
    await customer.close();
    await supplierPage.goto(`${baseUrl()}/supplier/orders`);
    await expect
      .poll(
        async () => {
          await supplierPage.reload();
          return supplierPage.getByTestId("supplier-orders").getByRole("link").count();
        },
        { interval: 1_000 },
      )
      .toBe(1);
  });

  it("the supplier sees only the recipient and the lines, and ships with tracking", async () => {
    await supplierPage.getByTestId("supplier-orders").getByRole("link").click();
    await supplierPage.waitForURL(/\/supplier\/orders\/[0-9a-f-]{36}$/);
    await hydrated(supplierPage);
    if ((await supplierPage.getByTestId("recipient").count()) === 0)
      throw new Error(`${supplierPage.url()}\n${(await supplierPage.textContent("body"))?.slice(0, 1500)}`);
    const recipient = (await supplierPage.getByTestId("recipient").textContent()) ?? "";
    expect(recipient).toContain("Nurul Huda");
    expect(recipient).toContain("8 Jalan Tun Razak");
    expect(recipient).toContain("50400");
    expect(recipient).toContain(customerPhone.e164);
    expect(await supplierPage.content()).not.toContain("nurul@example.com");
    await supplierPage.getByRole("button", { name: "Accept" }).click();
    await expect.poll(() => supplierPage.getByTestId("supplier-order-status").textContent()).toBe("accepted");
    const ship = supplierPage.getByRole("form", { name: "Ship" });
    await ship.getByLabel("Courier").selectOption("jnt");
    await ship.getByLabel("Tracking number").fill("630098765432");
    await ship.getByRole("button", { name: "Ship" }).click();
    await expect.poll(() => supplierPage.getByTestId("supplier-order-status").textContent()).toBe("shipped");
    await shot(supplierPage, "dropship-supplier-shipped");
  });

  it("the customer's order page says shipped and their WhatsApp has the tracking", async () => {
    await expect
      .poll(async () => (await latestWhatsApp(customerPhone.e164))?.message ?? "", { interval: 1_000 })
      .toContain("J&T Express 630098765432");
    const customer = patient(await chrome.browser.newPage());
    await customer.goto(`${baseUrl()}${orderStatusPath(merchant.shop.slug, orderId)}`);
    await expect.poll(() => customer.getByTestId("order-status").textContent()).toBe("Shipped");
    // The supplier's parcel is one of the order's fulfilments: the page shows its tracking.
    expect(await customer.textContent("main")).toContain("630098765432");
    await shot(customer, "dropship-customer-order");
    // And the merchant's supplier orders page shows it shipped with the tracking.
    await merchantPage.goto(`${baseUrl()}/admin/dropship/orders`);
    expect(await merchantPage.getByTestId("forward").first().textContent()).toContain("630098765432");
    expect(errors).toEqual([]);
  });
});
