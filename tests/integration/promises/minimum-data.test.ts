import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runCopyJob } from "~/domain/ai/copy-processor.server";
import { requestCopy } from "~/domain/ai/copy-requests.server";
import { deliverMessage, queueMessage } from "~/domain/notify/messages.server";
import { orderAccessToken } from "~/domain/orders/order-links.server";
import { savePaymentSettings } from "~/domain/orders/payment-settings.server";
import { PRIVACY_MAP } from "~/domain/privacy/privacy-map.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { type ReceivedRequest, type RunningSandbox, startSandbox } from "../../../sandbox/server";
import { makeProduct } from "../../helpers/catalog";
import { sellable } from "../../helpers/checkout";
import { makeShop, makeUser, unique } from "../../helpers/factories";
import { makeOrder, TEST_ADDRESS } from "../../helpers/orders";
import { uniquePhone } from "../../helpers/phones";
import { makeCustomerWithHistory } from "../../helpers/privacy";
import { startWeb } from "../../helpers/web";

/**
 * The privacy page: “Each service provider we use receives only the minimum data it needs for its
 * job.” Checked where it counts: what each provider's stand-in actually received over HTTP
 * (sandbox/server.ts records every API request as parsed), against the privacy map's list of
 * providers for each personal column.
 */
let sandbox: RunningSandbox;
let web: Awaited<ReturnType<typeof startWeb>>;
let owner: Awaited<ReturnType<typeof makeUser>>;
let shop: { id: string; slug: string };

beforeAll(async () => {
  // Before anything reads the configuration: every provider is this file's private sandbox.
  sandbox = await startSandbox();
  process.env.SANDBOX_URL = sandbox.url;
  web = await startWeb();
  owner = await makeUser();
  shop = await makeShop(owner.id);
});
afterAll(async () => {
  await web?.close();
  await sandbox?.close();
  await closeRedis();
  await closeDatabase();
});

/** Whether the privacy map lets `provider` receive `table.column`. */
const mapAllows = (provider: string, table: string, column: string) =>
  PRIVACY_MAP.some((c) => c.table === table && c.column === column && c.providers.includes(provider));

const received = (provider: string, containing: string): ReceivedRequest[] =>
  sandbox.received.filter((r) => r.provider === provider && JSON.stringify(r.body).includes(containing));

/** A phone number as it may travel: E.164, or its digits alone. */
const phoneForms = (e164: string) => [e164, e164.slice(1)];

describe("promise: “each service provider we use receives only the minimum data it needs for its job”", () => {
  it.each(["billplz", "payseller"] as const)(
    "“only the minimum data”: the %s payment gateway gets the amount, the reference and the contact it needs, never the address or the order's note",
    async (gateway) => {
      const saved = await savePaymentSettings(
        { userId: owner.id, shopId: shop.id },
        { gateway, mode: "sandbox" },
        { ip: "127.0.0.1", userAgent: "vitest" },
      );
      expect(saved.ok).toBe(true);
      const { variantId } = await sellable(shop.id, owner.id, { stock: 10 });
      const email = `${unique("gw")}@example.com`;
      const phone = uniquePhone().e164;
      const customerName = `Payer ${unique("n")}`;
      const line1 = `${unique("Lot")} Jalan Privasi`;
      const note = `Gate code ${unique("gc")}`;
      const order = await makeOrder(shop.id, { lines: [{ variantId, quantity: 1 }], paid: false, email, phone, customerName });
      await withShop(shop.id, (tx) =>
        tx
          .update(schema.orders)
          .set({ shippingAddress: { ...TEST_ADDRESS, name: customerName, phone, line1 }, note })
          .where(and(eq(schema.orders.shopId, shop.id), eq(schema.orders.id, order.id))),
      );
      const pay = await fetch(`${web.url}/s/${shop.slug}/orders/${order.id}/pay?t=${orderAccessToken(order.id)}`, { redirect: "manual" });
      expect(pay.status).toBe(303);
      const [sent] = received(gateway, email).length ? received(gateway, email) : received(gateway, phone.slice(1));
      expect(sent, `${gateway} received the charge`).toBeDefined();
      const payload = JSON.stringify(sent.body);
      // What the map does not list for payment gateways never leaves.
      expect(mapAllows("payment_gateway", "orders", "shipping_address")).toBe(false);
      expect(payload).not.toContain(line1);
      expect(mapAllows("payment_gateway", "orders", "note")).toBe(false);
      expect(payload).not.toContain(note);
      // What it carries of the person is listed for payment gateways in the map.
      const personal: Array<[string[], string]> = [
        [[email], "email"],
        [phoneForms(phone), "phone"],
        [[customerName], "customer_name"],
      ];
      for (const [forms, column] of personal) {
        if (forms.some((f) => payload.includes(f))) expect(mapAllows("payment_gateway", "orders", column), `orders.${column}`).toBe(true);
      }
      // And the amount and our reference, which it needs.
      expect(payload).toMatch(/3300|33\.00/);
    },
  );

  it("“only the minimum data”: Wassenger gets a phone number and the message, nothing else about the person", async () => {
    const customer = await makeCustomerWithHistory(shop.id, owner.id, "Wa");
    const messageId = await withShop(shop.id, (tx) =>
      queueMessage(tx, {
        channel: "whatsapp",
        shopId: shop.id,
        to: customer.phone,
        purpose: "order_confirmed",
        body: "Your order is confirmed.",
      }),
    );
    expect(await deliverMessage({ messageId, shopId: shop.id })).toBe("sent");
    const [sent] = received("wassenger", customer.phone);
    expect(sent).toBeDefined();
    expect(Object.keys(sent.body as object).sort()).toEqual(["message", "phone", "reference"]);
    expect(sent.body).toMatchObject({ phone: customer.phone, message: "Your order is confirmed.", reference: messageId });
    expect(mapAllows("wassenger", "customers", "phone")).toBe(true);
    const payload = JSON.stringify(sent.body);
    expect(payload).not.toContain(customer.email);
    expect(payload).not.toContain(customer.name);
  });

  it("“only the minimum data”: AI copy requests carry product facts only, no merchant's or customer's personal data", async () => {
    const customer = await makeCustomerWithHistory(shop.id, owner.id, "Copy");
    const title = `Songket ${unique("tote")}`;
    const product = await makeProduct(shop.id, owner.id, { title, extra: { brand: "Tenun Kita", productType: "Bags" } });
    const queued = await requestCopy(
      shop.id,
      product.productId,
      { tone: "friendly", languages: ["en"] },
      { userId: owner.id, ip: "127.0.0.1", userAgent: "vitest" },
    );
    if (!queued?.ok) throw new Error(`not queued: ${JSON.stringify(queued)}`);
    expect(await runCopyJob({ shopId: shop.id, jobId: queued.jobId })).toBe("done");
    const sent = [...received("openai", title), ...received("anthropic", title)];
    expect(sent.length).toBeGreaterThan(0);
    const payload = JSON.stringify(sent.map((s) => s.body));
    // No column of the map goes to an AI copy provider...
    expect(PRIVACY_MAP.filter((c) => c.providers.some((p) => /openai|anthropic|ai_copy/.test(p)))).toEqual([]);
    // ...and none of these people's data is in what it received.
    for (const value of [owner.email, ...phoneForms(owner.phone), customer.email, customer.name, ...phoneForms(customer.phone)]) {
      expect(payload).not.toContain(value);
    }
  });
});
