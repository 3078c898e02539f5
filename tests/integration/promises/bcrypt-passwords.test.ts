import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";

import { signUpCustomer } from "~/domain/checkout/customers.server";
import { shownPoliciesField } from "~/domain/policies/versions.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema, withShop } from "~db/client";

import { bcryptAtConfiguredCost } from "../../helpers/auth";
import { makeShop, makeUser, unique } from "../../helpers/factories";
import { uniquePhone } from "../../helpers/phones";
import { rowsContaining } from "../../helpers/privacy";

afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

describe("promise: “Passwords are stored only as bcrypt hashes. Nobody at NetShop can read your password.”", () => {
  it("“passwords are stored only as bcrypt hashes”: a merchant's and a storefront customer's passwords are bcrypt hashes, and the plaintext is nowhere in the database", async () => {
    const merchantPassword = `Merchant-${unique("pw")}-secret`;
    const customerPassword = `Customer-${unique("pw")}-secret`;
    const merchant = await makeUser({ password: merchantPassword });
    const shop = await makeShop(merchant.id);
    const signed = await signUpCustomer(
      shop.id,
      {
        name: "Hash Tester",
        email: `${unique("hash")}@example.com`,
        phone: uniquePhone().e164,
        password: customerPassword,
        adult: "on",
        ...(await shownPoliciesField(["privacy"])),
      },
      { ip: "203.0.113.9", userAgent: "test", anonymousCartId: undefined },
    );
    if (!signed.ok) throw new Error(JSON.stringify(signed.errors));

    const [user] = await asPlatform((tx) => tx.select().from(schema.users).where(eq(schema.users.id, merchant.id)));
    expect(user.passwordHash).toMatch(bcryptAtConfiguredCost());
    const [customer] = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.customers)
        .where(and(eq(schema.customers.shopId, shop.id), eq(schema.customers.id, signed.customerId))),
    );
    expect(customer.passwordHash).toMatch(bcryptAtConfiguredCost());
    // Every row of every table, as text: neither password appears anywhere (audit log, messages, jobs...).
    expect(await rowsContaining([merchantPassword, customerPassword])).toEqual([]);
  });
});
