import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadShippingSetup } from "~/domain/checkout/shipping.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { signIn } from "../helpers/auth";
import { checkoutForm, level, peninsularRateId, sellable } from "../helpers/checkout";
import { makeShop, makeUser, unique } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

// Admin logins come from their own client address (X-Forwarded-For), like the other HTTP tests.
process.env.TRUST_PROXY = "1";

let web: { url: string; close(): Promise<void> };
let shopA: { id: string; slug: string };
let shopB: { id: string; slug: string };
let userId: string;
let owner: { id: string; email: string; password: string; phone: string };

beforeAll(async () => {
  web = await startWeb();
  owner = await makeUser();
  userId = owner.id;
  shopA = await makeShop(owner.id, { name: "Kedai Kopi A" });
  shopB = await makeShop(owner.id, { name: "Kedai Kain B" });
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

const cartCookieName = (shopId: string) => `ns_cart_${shopId.replace(/-/g, "")}`;
const customerCookieName = (shopId: string) => `ns_customer_${shopId.replace(/-/g, "")}`;

describe("cart and checkout over HTTP, without JavaScript", () => {
  it("adds from a product form, shows the count, refuses more than is available, checks out and lands on the pay page", async () => {
    const { variantId } = await sellable(shopA.id, userId, { stock: 3, price: "19.90", title: "Kopi Tenom" });
    const client = new FormClient(web.url);
    await client.get(`/s/${shopA.slug}`);
    expect(htmlDecode(client.lastHtml)).toContain("Cart (0)");

    let res = await client.post(`/s/${shopA.slug}/cart`, { intent: "add", variantId, quantity: "2" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/s/${shopA.slug}/cart?status=added`);
    expect(client.cookie(cartCookieName(shopA.id))).toBeTruthy();
    await client.get(res.headers.get("location")!);
    const cartHtml = htmlDecode(client.lastHtml);
    expect(cartHtml).toContain("Kopi Tenom");
    expect(cartHtml).toContain("Cart (2)");
    expect(cartHtml).toContain("Added to your cart.");

    res = await client.post(`/s/${shopA.slug}/cart`, { intent: "add", variantId, quantity: "5" });
    expect(res.status).toBe(409);
    expect(htmlDecode(client.lastHtml)).toContain("Only 3 of Kopi Tenom available, and you have 2 in your cart.");

    await client.get(`/s/${shopA.slug}/checkout`);
    expect(htmlDecode(client.lastHtml)).toContain("Standard delivery");
    // A bad postcode comes back with the message and what was typed.
    const rateId = await peninsularRateId(shopA.id);
    res = await client.post(`/s/${shopA.slug}/checkout`, {
      ...checkoutForm(rateId, { postcode: "9999", line1: "No. 8, Lorong Kenari" }),
      intent: "place",
    });
    expect(res.status).toBe(400);
    const page = htmlDecode(client.lastHtml);
    expect(page).toContain("Enter the 5-digit postcode");
    expect(page).toContain('value="No. 8, Lorong Kenari"');

    res = await client.post(`/s/${shopA.slug}/checkout`, { ...checkoutForm(rateId), intent: "place" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(new RegExp(`^/s/${shopA.slug}/orders/[0-9a-f-]{36}/pay$`));
    expect(await level(shopA.id, variantId)).toEqual({ onHand: 3, reserved: 2 });
    await client.get(`/s/${shopA.slug}/cart`);
    expect(htmlDecode(client.lastHtml)).toContain("Cart (0)");
  });

  it("offers only the methods that reach the address after 'show shipping options'", async () => {
    const { variantId } = await sellable(shopA.id, userId, { stock: 3 });
    const client = new FormClient(web.url);
    await client.get(`/s/${shopA.slug}`);
    await client.post(`/s/${shopA.slug}/cart`, { intent: "add", variantId, quantity: "1" });
    await client.get(`/s/${shopA.slug}/checkout`);
    const res = await client.post(`/s/${shopA.slug}/checkout`, {
      ...checkoutForm("", { state: "Sarawak", postcode: "93350", city: "Kuching" }),
      intent: "quote",
    });
    expect(res.status).toBe(200);
    const html = htmlDecode(client.lastHtml);
    expect(html).toContain("Sabah, Sarawak and Labuan");
    expect(html).not.toContain("(Peninsular Malaysia)");
  });
});

describe("cross-tenant", () => {
  it("a cart of shop A means nothing on shop B", async () => {
    const a = await sellable(shopA.id, userId, { stock: 5, title: "Only In A" });
    const client = new FormClient(web.url);
    await client.get(`/s/${shopA.slug}`);
    await client.post(`/s/${shopA.slug}/cart`, { intent: "add", variantId: a.variantId, quantity: "1" });
    const stolen = client.cookie(cartCookieName(shopA.id))!;

    const intruder = new FormClient(web.url);
    intruder.setCookie(cartCookieName(shopB.id), stolen);
    await intruder.get(`/s/${shopB.slug}/cart`);
    expect(htmlDecode(intruder.lastHtml)).toContain("Your cart is empty.");
    // Shop A's variant cannot be added on shop B.
    const res = await intruder.post(`/s/${shopB.slug}/cart`, { intent: "add", variantId: a.variantId, quantity: "1" });
    expect(res.status).toBe(404);
    // Nor checked out there.
    await intruder.get(`/s/${shopB.slug}/checkout`);
    expect(htmlDecode(intruder.lastHtml)).toContain("Your cart is empty.");
  });

  it("a signed-in customer opens their own order from their account without the link's token, and no one else's", async () => {
    const signUp = async (name: string) => {
      const client = new FormClient(web.url);
      client.forwardedFor = `203.0.113.${Math.floor(Math.random() * 250)}`;
      await client.get(`/s/${shopA.slug}/account/signup`);
      const email = `${unique("own")}@example.com`;
      expect(
        (
          await client.post(`/s/${shopA.slug}/account/signup`, {
            ...client.shownPolicies(),
            name,
            email,
            password: "teh tarik kurang manis",
            adult: "on",
          })
        ).status,
      ).toBe(302);
      const [row] = await withShop(shopA.id, (tx) =>
        tx.select({ id: schema.customers.id }).from(schema.customers).where(eq(schema.customers.email, email)),
      );
      return { client, customerId: row.id };
    };
    const farid = await signUp("Farid");
    const mei = await signUp("Mei Ling");
    const { variantId } = await sellable(shopA.id, userId, { stock: 5, title: "Dodol Durian" });
    const order = await makeOrder(shopA.id, { lines: [{ variantId, quantity: 1 }], customerId: farid.customerId });
    await farid.client.get(`/s/${shopA.slug}/account`);
    expect(farid.client.lastHtml).toContain(`/s/${shopA.slug}/orders/${order.id}`);
    expect((await farid.client.get(`/s/${shopA.slug}/orders/${order.id}`)).status).toBe(200);
    expect(htmlDecode(farid.client.lastHtml)).toContain("Dodol Durian");
    expect((await mei.client.get(`/s/${shopA.slug}/orders/${order.id}`)).status).toBe(404);
    expect((await new FormClient(web.url).get(`/s/${shopA.slug}/orders/${order.id}`)).status).toBe(404);
  });

  it("a customer of shop A is not logged in on shop B", async () => {
    const client = new FormClient(web.url);
    // Sign-ups are limited per address (and the limit outlives a test run in a shared Redis).
    client.forwardedFor = `203.0.113.${Math.floor(Math.random() * 250)}`;
    await client.get(`/s/${shopA.slug}/account/signup`);
    const email = `${unique("cross")}@example.com`;
    let res = await client.post(`/s/${shopA.slug}/account/signup`, {
      ...client.shownPolicies(),
      name: "Farid",
      email,
      password: "teh tarik kurang manis",
      marketing: "",
    });
    expect(res.status).toBe(400);
    expect(htmlDecode(client.lastHtml)).toContain("You must be 18 or older to open an account.");
    res = await client.post(`/s/${shopA.slug}/account/signup`, {
      ...client.shownPolicies(),
      name: "Farid",
      email,
      password: "teh tarik kurang manis",
      adult: "on",
    });
    expect(res.status).toBe(302);
    await client.get(`/s/${shopA.slug}/account`);
    expect(htmlDecode(client.lastHtml)).toContain("Farid");

    const intruder = new FormClient(web.url);
    intruder.forwardedFor = `203.0.113.${Math.floor(Math.random() * 250)}`;
    intruder.setCookie(customerCookieName(shopB.id), client.cookie(customerCookieName(shopA.id))!);
    res = await intruder.get(`/s/${shopB.slug}/account`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/s/${shopB.slug}/account/login`);
    // And the same email/password does not log in at shop B.
    await intruder.get(`/s/${shopB.slug}/account/login`);
    res = await intruder.post(`/s/${shopB.slug}/account/login`, { email, password: "teh tarik kurang manis" });
    expect(res.status).toBe(400);

    // Logging out at A ends the session server-side.
    const cookie = client.cookie(customerCookieName(shopA.id))!;
    await client.post(`/s/${shopA.slug}/account/logout`, {});
    const replay = new FormClient(web.url);
    replay.setCookie(customerCookieName(shopA.id), cookie);
    expect((await replay.get(`/s/${shopA.slug}/account`)).status).toBe(302);
  });
});

describe("admin shipping settings", () => {
  it("lets the owner add a weight-based method and change the hold time and countries", async () => {
    const client = new FormClient(web.url);
    client.forwardedFor = `198.51.100.${Math.floor(Math.random() * 250)}`;
    await signIn(client, owner);
    // The owner's active shop is their first; make sure this is the one under test.
    const first = await client.get("/admin/settings/shipping");
    expect(first.status, String(first.headers.get("location"))).toBe(200);
    const switched = await client.post("/admin/switch-shop", { shopId: shopB.id });
    expect(switched.status).toBe(302);
    let res = await client.get("/admin/settings/shipping");
    expect(res.status).toBe(200);
    expect(htmlDecode(client.lastHtml)).toContain("Sabah, Sarawak and Labuan");
    res = await client.post("/admin/settings/shipping", {
      intent: "save-rate",
      zone: "east",
      name: "Pos Laju Sabah",
      kind: "weight",
      brackets: "heavy = 1",
      price: "",
      freeAbove: "",
    });
    expect(res.status).toBe(400);
    expect(htmlDecode(client.lastHtml)).toContain("is not a bracket");
    expect(htmlDecode(client.lastHtml)).toContain('value="Pos Laju Sabah"');
    res = await client.post("/admin/settings/shipping", {
      intent: "save-rate",
      zone: "east",
      name: "Pos Laju Sabah",
      kind: "weight",
      brackets: "1 = 12.00\n* = 40.00",
      price: "",
      freeAbove: "",
      active: "on",
    });
    expect(res.status).toBe(200);
    res = await client.post("/admin/settings/shipping", { intent: "settings", orderExpiryMinutes: "45", countries: "SG" });
    expect(res.status).toBe(200);
    const setup = await loadShippingSetup(shopB.id);
    expect(setup.orderExpiryMinutes).toBe(45);
    expect(setup.internationalCountries).toEqual(["SG"]);
    expect(setup.rates.find((r) => r.name === "Pos Laju Sabah")).toMatchObject({
      zone: "east",
      kind: "weight",
      brackets: [
        { maxGrams: 1000, priceMinor: 1200 },
        { maxGrams: null, priceMinor: 4000 },
      ],
    });
  });
});
