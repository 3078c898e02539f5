/** The customer list and the customer's page count the same orders and the same spend. */
import { afterAll, describe, expect, it } from "vitest";

import { getCustomer, listCustomers } from "~/domain/orders/customers.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";

afterAll(async () => {
  await closeDatabase();
});

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
    expect(row.orders).toBe(4);
    expect(row.spent).toBe(detail!.spent);
    expect(row.spent).toBe(3 * 6233);
    expect(list.items.find((c) => c.id === other.id)).toMatchObject({ orders: 0, spent: 0 });
  });
});
