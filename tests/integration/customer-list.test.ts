/** The customer list and the customer's page count the same orders and the same spend. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getCustomer, listCustomers } from "~/domain/orders/customers.server";
import { rememberLocale } from "~/lib/i18n.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { signIn } from "../helpers/auth";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

let web: Awaited<ReturnType<typeof startWeb>>;
beforeAll(async () => {
  web = await startWeb();
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

/** The text of the element with `testid` (its first one) in a page's HTML. */
function testId(html: string, testid: string, after = 0): string {
  const at = html.indexOf(`data-testid="${testid}"`, after);
  const open = html.indexOf(">", at);
  return htmlDecode(html.slice(open + 1, html.indexOf("</", open))).trim();
}

describe("customers list", () => {
  it("shows each customer's orders and spend as their page does", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    const product = await makeProduct(shop.id, owner.id, { title: "Kopi Tenom", price: "62.33", stock: 20, status: "active" });
    const [variant] = await withShop(shop.id, (tx) => tx.select().from(schema.variants));
    const [customer, other] = await withShop(shop.id, (tx) =>
      tx
        .insert(schema.customers)
        .values([
          { shopId: shop.id, name: "Tan Ah Kow", phone: "+60127770001" },
          { shopId: shop.id, name: "No Orders Yet", phone: "+60127770002" },
        ])
        .returning(),
    );
    expect(product.ok).toBe(true);
    for (let i = 0; i < 3; i++)
      await makeOrder(shop.id, { lines: [{ variantId: variant.id, quantity: 1 }], paid: true, customerId: customer.id, shippingMinor: 0 });
    await makeOrder(shop.id, { lines: [{ variantId: variant.id, quantity: 1 }], paid: false, customerId: customer.id });

    const detail = await getCustomer(shop.id, customer.id);
    const list = await listCustomers(shop.id, {});
    const row = list.items.find((c) => c.id === customer.id)!;
    expect(detail?.orders).toHaveLength(4);
    expect(detail?.orderCount).toBe(4);
    expect(row.orders).toBe(4);
    expect(row.spent).toBe(detail!.spent);
    expect(row.spent).toBe(3 * 6233);
    expect(list.items.find((c) => c.id === other.id)).toMatchObject({ orders: 0, spent: 0 });
  });

  it("shows the same name, spend and dates on the list and on the customer's page, in each language", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    await makeProduct(shop.id, owner.id, { title: "Kopi Tenom", price: "1234.50", stock: 20, status: "active" });
    const [variant] = await withShop(shop.id, (tx) => tx.select().from(schema.variants));
    const [customer] = await withShop(shop.id, (tx) =>
      tx.insert(schema.customers).values({ shopId: shop.id, name: "Tan Ah Kow", phone: "+60127770003" }).returning(),
    );
    await makeOrder(shop.id, { lines: [{ variantId: variant.id, quantity: 1 }], paid: true, customerId: customer.id, shippingMinor: 0 });
    const c = new FormClient(web.url);
    c.forwardedFor = `192.0.2.${Math.floor(Math.random() * 250)}`;
    await signIn(c, owner);
    for (const locale of ["en", "ms", "zh"] as const) {
      const lng = (await rememberLocale(locale)).split(";")[0];
      c.setCookie("lng", lng.slice(lng.indexOf("=") + 1));
      await c.get("/admin/customers");
      const list = c.lastHtml;
      const row = list.indexOf('data-testid="customer-row"');
      await c.get(`/admin/customers/${customer.id}`);
      const page = c.lastHtml;
      expect(testId(page, "customer-name")).toBe("Tan Ah Kow");
      expect(list.slice(row)).toContain("Tan Ah Kow");
      expect(testId(list, "customer-spent", row)).toBe(testId(page, "total-spent"));
      expect(testId(list, "customer-spent", row)).toMatch(/1,234\.50/);
      expect(testId(list, "customer-orders", row)).toBe(testId(page, "order-count"));
      expect(testId(list, "customer-since", row)).toBe(testId(page, "customer-since"));
    }
  });
});
