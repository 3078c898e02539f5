/** Privacy test data: a storefront customer with a life in the shop, and a full-database search. */
import { sql } from "drizzle-orm";

import { changeWishlist } from "~/domain/checkout/cart.server";
import { signUpCustomer } from "~/domain/checkout/customers.server";
import { queueMessage } from "~/domain/notify/messages.server";
import { shownPoliciesField } from "~/domain/policies/versions.server";
import { setMarketingConsent } from "~/domain/privacy/consent.server";
import { asPlatform, schema, withShop } from "~db/client";

import { sellable } from "./checkout";
import { PASSWORD, unique } from "./factories";
import { makeOrder, TEST_ADDRESS } from "./orders";
import { uniquePhone } from "./phones";

export interface Person {
  id: string;
  name: string;
  email: string;
  phone: string;
}

/** A storefront account with orders (one invoiced), an address, a wishlist, messages, consent events and analytics events. */
export async function makeCustomerWithHistory(
  shopId: string,
  ownerId: string,
  label = "Aminah",
): Promise<Person & { orderIds: string[]; ip: string }> {
  const name = `${label} ${unique("n")}`;
  const email = `${unique("cust")}@example.com`;
  const phone = uniquePhone().e164;
  // Each its own address: sign-ups are rate-limited per network for the whole test run.
  const ip = `203.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  const signed = await signUpCustomer(
    shopId,
    { name, email, phone, password: PASSWORD, adult: "on", marketing: "on", ...(await shownPoliciesField(["privacy"])) },
    { ip, userAgent: `Browser ${name}`, anonymousCartId: undefined },
  );
  if (!signed.ok) throw new Error(`customer sign-up failed: ${JSON.stringify(signed.errors)}`);
  const customerId = signed.customerId;
  const { variantId, productId } = await sellable(shopId, ownerId, { stock: 50 });
  const who = { shopId, customer: { id: customerId, name, email } as never, anonymousCartId: undefined };
  await changeWishlist(who, { intent: "add", productId });
  const address = { ...TEST_ADDRESS, name, phone };
  const paid = await makeOrder(shopId, { lines: [{ variantId, quantity: 1 }], paid: true, email, phone, customerName: name, customerId });
  const open = await makeOrder(shopId, { lines: [{ variantId, quantity: 2 }], paid: false, email, phone, customerName: name, customerId });
  const orderIds = [paid.id, open.id];
  await withShop(shopId, async (tx) => {
    await tx.insert(schema.customerAddresses).values({ shopId, customerId, address, isDefault: true });
    await tx
      .update(schema.orders)
      .set({ shippingAddress: address, note: `Leave with ${name}'s neighbour` })
      .where(
        sql`${schema.orders.id} in (${sql.join(
          orderIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
      );
    await setMarketingConsent(tx, { shopId, customerIds: [customerId], channel: "whatsapp", granted: true, source: "account" });
    await queueMessage(tx, {
      channel: "whatsapp",
      shopId,
      to: phone,
      purpose: "order_confirmed",
      body: `Hi ${name}, your order is confirmed.`,
    });
    for (const orderId of orderIds) await tx.insert(schema.storefrontEvents).values({ shopId, kind: "order", path: "/checkout", orderId });
  });
  return { id: customerId, name, email, phone, orderIds, ip };
}

/** Every row of every table (as text) that contains any of `needles`, as "table: row". */
export async function rowsContaining(needles: string[]): Promise<string[]> {
  return asPlatform(async (tx) => {
    const tables = await tx.execute<{ table_name: string }>(sql`
      select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
    const patterns = needles.map((n) => `%${n.toLowerCase()}%`);
    const found: string[] = [];
    for (const { table_name } of tables) {
      const rows = await tx.execute<{ row: string }>(
        sql`select t::text as row from ${sql.identifier(table_name)} t where lower(t::text) like any(${`{${patterns.map((p) => `"${p}"`).join(",")}}`}::text[])`,
      );
      for (const r of rows) found.push(`${table_name}: ${r.row}`);
    }
    return found;
  });
}
