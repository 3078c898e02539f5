import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { changeCart, changeWishlist, deleteStaleCarts, loadCart, loadWishlist } from "~/domain/checkout/cart.server";
import { placeOrder } from "~/domain/checkout/checkout.server";
import { logInCustomer, signUpCustomer } from "~/domain/checkout/customers.server";
import { deleteShippingRate, loadShippingSetup, saveShippingRate, saveShippingSettings } from "~/domain/checkout/shipping.server";
import { currentCustomer, type Shopper } from "~/domain/checkout/visitor.server";
import { commitOrderStock, releaseOrderStock } from "~/domain/orders/stock.server";
import { shownPoliciesField } from "~/domain/policies/versions.server";
import { expireDueOrders, expireOrder } from "~/flows/order-cancelled.server";
import { markOrderPaid } from "~/flows/order-paid.server";
import { closeRedis, queue } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { scheduleMaintenance } from "../../workers/maintenance";
import { bcryptAtConfiguredCost } from "../helpers/auth";
import { checkoutForm, guestWithCart, level, peninsularRateId, sellable } from "../helpers/checkout";
import { makeShop, makeUser, unique } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";

let shopId: string;
let userId: string;
let rateId: string;
const ip = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

beforeAll(async () => {
  const owner = await makeUser();
  userId = owner.id;
  shopId = (await makeShop(owner.id)).id;
  rateId = await peninsularRateId(shopId);
});
afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

async function orderRow(orderId: string) {
  const [row] = await withShop(shopId, (tx) =>
    tx
      .select()
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId))),
  );
  return row;
}

async function pay(orderId: string) {
  return withShop(shopId, async (tx) => {
    const order = await tx.select().from(schema.orders).where(eq(schema.orders.id, orderId));
    const [payment] = await tx
      .insert(schema.payments)
      .values({
        shopId,
        orderId,
        kind: "charge",
        gateway: "payseller",
        gatewayReference: `t-${unique()}`,
        amountMinor: order[0].totalMinor,
        currency: "MYR",
      })
      .returning({ id: schema.payments.id });
    return markOrderPaid(tx, { shopId, orderId, paymentId: payment.id });
  });
}

describe("cart", () => {
  it("adds, updates and removes lines with prices read from the catalog, refusing more than is available", async () => {
    const { variantId } = await sellable(shopId, userId, { stock: 5, price: "12.50" });
    let who: Shopper = { shopId, customer: undefined, anonymousCartId: undefined };
    const added = await changeCart(who, { intent: "add", variantId, quantity: "2", price: "0.01" });
    expect(added).toMatchObject({ ok: true, created: true });
    who = { ...who, anonymousCartId: added.cartId };
    expect(await changeCart(who, { intent: "add", variantId, quantity: "1" })).toMatchObject({ ok: true, created: false });
    let cart = await loadCart(who);
    expect(cart.lines).toHaveLength(1);
    expect(cart.lines[0]).toMatchObject({ quantity: 3, unitPriceMinor: 1250, lineTotalMinor: 3750 });
    expect(cart.itemCount).toBe(3);

    const over = await changeCart(who, { intent: "add", variantId, quantity: "3" });
    expect(over).toMatchObject({ ok: false, errors: { form: { code: "over_available", available: 5, inCart: 3 } } });
    expect(await changeCart(who, { intent: "update", variantId, quantity: "5" })).toMatchObject({ ok: true });
    expect((await loadCart(who)).lines[0].quantity).toBe(5);

    // The merchant changes the price: the cart shows the new one.
    await withShop(shopId, (tx) => tx.update(schema.variants).set({ priceMinor: 1000 }).where(eq(schema.variants.id, variantId)));
    expect((await loadCart(who)).subtotalMinor).toBe(5000);

    expect(await changeCart(who, { intent: "remove", variantId })).toMatchObject({ ok: true });
    cart = await loadCart(who);
    expect(cart.lines).toHaveLength(0);
  });

  it("says a sold-out variant is out of stock, and an unknown one is not found", async () => {
    const { variantId } = await sellable(shopId, userId, { stock: 0 });
    const who: Shopper = { shopId, customer: undefined, anonymousCartId: undefined };
    expect(await changeCart(who, { intent: "add", variantId, quantity: "1" })).toMatchObject({
      ok: false,
      errors: { form: { code: "out_of_stock" } },
    });
    expect(await changeCart(who, { intent: "add", variantId: crypto.randomUUID(), quantity: "1" })).toMatchObject({
      ok: false,
      errors: { form: { code: "not_found" } },
    });
    const backorder = await sellable(shopId, userId, { stock: 0, backorder: true });
    expect(await changeCart(who, { intent: "add", variantId: backorder.variantId, quantity: "4" })).toMatchObject({ ok: true });
  });
});

describe("wishlist", () => {
  it("keeps a guest's favourites and removes them", async () => {
    const { productId } = await sellable(shopId, userId, { stock: 3, title: `Songket ${unique()}` });
    let who: Shopper = { shopId, customer: undefined, anonymousCartId: undefined };
    const added = await changeWishlist(who, { intent: "add", productId });
    expect(added.ok).toBe(true);
    if (!added.ok) return;
    who = { ...who, anonymousCartId: added.cartId };
    expect(await changeWishlist(who, { intent: "add", productId })).toMatchObject({ ok: true }); // twice is once
    expect((await loadWishlist(who)).map((w) => w.productId)).toEqual([productId]);
    await changeWishlist(who, { intent: "remove", productId });
    expect(await loadWishlist(who)).toEqual([]);
    expect(await changeWishlist(who, { intent: "add", productId: crypto.randomUUID() })).toEqual({
      ok: false,
      errors: { form: "That product is no longer available." },
    });
  });
});

describe("customer accounts", () => {
  it("signs up with a bcrypt hash and marketing consent, refuses under-18s, and merges the guest cart and wishlist on login", async () => {
    const email = `${unique("cust")}@example.com`;
    const password = "nasi lemak every morning";
    const refused = await signUpCustomer(shopId, { name: "Adik", email, password }, { ip: ip(), anonymousCartId: undefined });
    expect(refused).toMatchObject({ ok: false, errors: { adult: "You must be 18 or older to open an account." } });

    const signed = await signUpCustomer(
      shopId,
      { name: "Mei Ling", email, password, adult: "on", marketing: "on", ...(await shownPoliciesField(["privacy"])) },
      { ip: ip(), anonymousCartId: undefined },
    );
    expect(signed.ok).toBe(true);
    if (!signed.ok) return;
    const [customer] = await withShop(shopId, (tx) => tx.select().from(schema.customers).where(eq(schema.customers.id, signed.customerId)));
    expect(customer.passwordHash).toMatch(bcryptAtConfiguredCost());
    expect(customer.passwordHash).not.toContain(password);
    expect(customer.marketingConsent).toBe(true);
    expect(
      await signUpCustomer(
        shopId,
        { name: "Again", email, password, adult: "on", ...(await shownPoliciesField(["privacy"])) },
        { ip: ip(), anonymousCartId: undefined },
      ),
    ).toMatchObject({ ok: false, errors: { email: expect.stringContaining("already exists") } });

    // The customer already has something in their own cart.
    const a = await sellable(shopId, userId, { stock: 10 });
    const b = await sellable(shopId, userId, { stock: 10 });
    const customerWho: Shopper = {
      shopId,
      customer: { id: signed.customerId, name: "Mei Ling", email, phone: null, sessionId: "" },
      anonymousCartId: undefined,
    };
    await changeCart(customerWho, { intent: "add", variantId: a.variantId, quantity: "1" });
    // Logged out, they fill a guest cart and wishlist, then log in.
    const guest = await guestWithCart(shopId, a.variantId, 2);
    await changeCart(guest, { intent: "add", variantId: b.variantId, quantity: "1" });
    await changeWishlist(guest, { intent: "add", productId: b.productId });

    expect(
      await logInCustomer(shopId, { email, password: "wrong password here" }, { ip: ip(), anonymousCartId: guest.anonymousCartId }),
    ).toMatchObject({ ok: false });
    const login = await logInCustomer(
      shopId,
      { email: email.toUpperCase(), password },
      { ip: ip(), anonymousCartId: guest.anonymousCartId },
    );
    expect(login.ok).toBe(true);
    if (!login.ok) return;
    const merged = await loadCart(customerWho);
    expect(Object.fromEntries(merged.lines.map((l) => [l.variantId, l.quantity]))).toEqual({ [a.variantId]: 3, [b.variantId]: 1 });
    expect((await loadWishlist(customerWho)).map((w) => w.productId)).toEqual([b.productId]);
    // The guest cart is gone.
    expect((await loadCart(guest)).lines).toEqual([]);

    // The session cookie identifies the customer on this shop only.
    const cookie = login.setCookie.split(";")[0];
    const request = new Request("http://shop.test/", { headers: { Cookie: cookie } });
    expect((await currentCustomer(request, shopId))?.id).toBe(signed.customerId);
    const other = await makeShop(userId);
    const renamed = cookie.replace(shopId.replace(/-/g, ""), other.id.replace(/-/g, ""));
    expect(await currentCustomer(new Request("http://shop.test/", { headers: { Cookie: renamed } }), other.id)).toBeUndefined();
  });
});

describe("customer login limits", () => {
  it("stops guessing from one address: after 5 wrong passwords even the right one waits", async () => {
    const email = `${unique("guess")}@example.com`;
    const from = ip();
    const password = "roti canai with dhal";
    const signed = await signUpCustomer(
      shopId,
      { name: "Ravi", email, password, adult: "on", ...(await shownPoliciesField(["privacy"])) },
      { ip: ip(), anonymousCartId: undefined },
    );
    expect(signed.ok).toBe(true);
    for (let i = 0; i < 5; i++) {
      expect(await logInCustomer(shopId, { email, password: `wrong guess ${i}` }, { ip: from, anonymousCartId: undefined })).toMatchObject({
        ok: false,
      });
    }
    const blocked = await logInCustomer(shopId, { email, password }, { ip: from, anonymousCartId: undefined });
    expect(blocked).toMatchObject({ ok: false, errors: { form: expect.stringContaining("Too many wrong passwords") } });
    expect(blocked.ok === false && blocked.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe("placing an order", () => {
  it("re-prices from the database, snapshots lines, reserves stock, links a guest customer, sets the expiry and empties the cart", async () => {
    const { variantId } = await sellable(shopId, userId, { stock: 4, price: "30.00", weightGrams: 700 });
    const who = await guestWithCart(shopId, variantId, 2);
    const form = checkoutForm(rateId, { phone: "012-345 6789", unitPriceMinor: "1", subtotalMinor: "1" });
    const before = Date.now();
    const placed = await placeOrder({ who, form, locale: "ms" });
    expect(placed.ok).toBe(true);
    if (!placed.ok) return;
    const order = await orderRow(placed.orderId);
    expect(order).toMatchObject({
      status: "pending_payment",
      subtotalMinor: 6000,
      shippingMinor: 800,
      totalMinor: 6800,
      shippingRateId: rateId,
      totalWeightGrams: 1400,
      phone: "+60123456789",
      locale: "ms",
      stockState: "reserved",
    });
    expect(order.shippingAddress).toMatchObject({ state: "Selangor", postcode: "47300", country: "MY" });
    expect(order.expiresAt!.getTime() - before).toBeGreaterThanOrEqual(29 * 60_000);
    expect(order.expiresAt!.getTime() - before).toBeLessThanOrEqual(31 * 60_000);
    const lines = await withShop(shopId, (tx) => tx.select().from(schema.orderLines).where(eq(schema.orderLines.orderId, placed.orderId)));
    expect(lines).toMatchObject([
      { variantId, quantity: 2, unitPriceMinor: 3000, totalMinor: 6000, reservedQuantity: 2, weightGrams: 1400 },
    ]);
    expect(await level(shopId, variantId)).toEqual({ onHand: 4, reserved: 2 });
    const [customer] = await withShop(shopId, (tx) => tx.select().from(schema.customers).where(eq(schema.customers.id, order.customerId!)));
    expect(customer).toMatchObject({ email: form.email, phone: "+60123456789", name: "Aisyah Rahman" });
    expect((await loadCart(who)).lines).toEqual([]);

    // The same guest again: the same customer row.
    const again = await guestWithCart(shopId, variantId, 1);
    const second = await placeOrder({ who: again, form: { ...form }, locale: "en" });
    expect(second.ok && (await orderRow(second.orderId)).customerId).toBe(order.customerId);
  });

  it("refuses bad contact, address and shipping with a message per field", async () => {
    const { variantId } = await sellable(shopId, userId, { stock: 4 });
    const who = await guestWithCart(shopId, variantId, 1);
    const result = await placeOrder({
      who,
      form: checkoutForm(rateId, { email: "", phone: "", postcode: "88000", shippingRateId: "" }),
      locale: "en",
    });
    expect(result).toMatchObject({
      ok: false,
      errors: {
        email: expect.stringContaining("email address or a WhatsApp number"),
        postcode: expect.stringContaining("not a postcode in Selangor"),
      },
    });
    // A Sabah address cannot use a Peninsular rate.
    const sabah = await placeOrder({
      who,
      form: checkoutForm(rateId, { state: "Sabah", postcode: "88000", city: "Kota Kinabalu" }),
      locale: "en",
    });
    expect(sabah).toMatchObject({ ok: false, errors: { shippingRateId: "Choose a shipping method for this address." } });
    // A country the shop does not ship to.
    const far = await placeOrder({ who, form: checkoutForm(rateId, { country: "BR", state: "SP", postcode: "01000" }), locale: "en" });
    expect(far).toMatchObject({ ok: false, errors: { country: "This shop does not ship to that country." } });
    expect(await level(shopId, variantId)).toEqual({ onHand: 4, reserved: 0 });
    expect((await loadCart(who)).itemCount).toBe(1);
  });

  it("refuses when stock ran out meanwhile, writing nothing", async () => {
    const { variantId } = await sellable(shopId, userId, { stock: 2, title: "Batik Sarong" });
    const first = await guestWithCart(shopId, variantId, 2);
    const late = await guestWithCart(shopId, variantId, 2);
    expect((await placeOrder({ who: first, form: checkoutForm(rateId), locale: "en" })).ok).toBe(true);
    const refused = await placeOrder({ who: late, form: checkoutForm(rateId), locale: "en" });
    expect(refused).toMatchObject({ ok: false, errors: { form: expect.stringContaining("Batik Sarong has just sold out") } });
    expect((await loadCart(late)).itemCount).toBe(2);
    // In the page's language.
    const inMalay = await placeOrder({ who: late, form: checkoutForm(rateId), locale: "ms" });
    expect(inMalay).toMatchObject({ ok: false, errors: { form: expect.stringContaining("Batik Sarong baru sahaja habis dijual") } });
    expect(await level(shopId, variantId)).toEqual({ onHand: 2, reserved: 2 });
  });

  it("200 concurrent checkouts for 10 units give exactly 10 orders and never negative stock", async () => {
    const { variantId } = await sellable(shopId, userId, { stock: 10, title: "Limited Kebaya" });
    const buyers = await Promise.all(Array.from({ length: 200 }, () => guestWithCart(shopId, variantId, 1)));
    const results = await Promise.all(buyers.map((who) => placeOrder({ who, form: checkoutForm(rateId), locale: "en" })));
    const placed = results.filter((r) => r.ok);
    expect(placed).toHaveLength(10);
    for (const r of results) if (!r.ok) expect(r.errors.form).toContain("sold out");
    expect(await level(shopId, variantId)).toEqual({ onHand: 10, reserved: 10 });
    const numbers = await Promise.all(placed.map(async (r) => (r.ok ? (await orderRow(r.orderId)).number : 0)));
    expect(new Set(numbers).size).toBe(10);

    // Everyone who got one pays: stock reaches exactly zero, never below.
    for (const r of placed) if (r.ok) await pay(r.orderId);
    expect(await level(shopId, variantId)).toEqual({ onHand: 0, reserved: 0 });
    const sold = await withShop(shopId, (tx) =>
      tx
        .select()
        .from(schema.inventoryMovements)
        .where(and(eq(schema.inventoryMovements.variantId, variantId), eq(schema.inventoryMovements.reason, "sold"))),
    );
    expect(sold.reduce((n, m) => n + m.delta, 0)).toBe(-10);
  });
});

describe("stock through the order's life", () => {
  it("commits on payment once, however often it is called", async () => {
    const { variantId } = await sellable(shopId, userId, { stock: 6 });
    const who = await guestWithCart(shopId, variantId, 2);
    const placed = await placeOrder({ who, form: checkoutForm(rateId), locale: "en" });
    if (!placed.ok) throw new Error("not placed");
    expect(await pay(placed.orderId)).toMatchObject({ alreadyPaid: false });
    expect(await level(shopId, variantId)).toEqual({ onHand: 4, reserved: 0 });
    expect(await pay(placed.orderId)).toMatchObject({ alreadyPaid: true });
    expect(await withShop(shopId, (tx) => commitOrderStock(tx, shopId, placed.orderId))).toBe(false);
    expect(await withShop(shopId, (tx) => releaseOrderStock(tx, shopId, placed.orderId))).toBe(false);
    expect(await level(shopId, variantId)).toEqual({ onHand: 4, reserved: 0 });
    expect((await orderRow(placed.orderId)).stockState).toBe("committed");
    const movements = await withShop(shopId, (tx) =>
      tx
        .select()
        .from(schema.inventoryMovements)
        .where(and(eq(schema.inventoryMovements.variantId, variantId), eq(schema.inventoryMovements.reason, "sold"))),
    );
    expect(movements).toMatchObject([{ delta: -2, onHandAfter: 4 }]);
    const [product] = await withShop(shopId, (tx) =>
      tx
        .select({ stock: schema.products.stockOnHand })
        .from(schema.products)
        .innerJoin(schema.variants, eq(schema.variants.productId, schema.products.id))
        .where(eq(schema.variants.id, variantId)),
    );
    expect(product.stock).toBe(4);
  });

  it("commits orders made without a reservation (makeOrder) from on_hand", async () => {
    const { variantId } = await sellable(shopId, userId, { stock: 3 });
    const order = await makeOrder(shopId, { lines: [{ variantId, quantity: 2 }] });
    expect(order.stockState).toBe("committed");
    expect(await level(shopId, variantId)).toEqual({ onHand: 1, reserved: 0 });
  });

  it("expires unpaid orders past their time: cancelled with a reason, stock released, on the timeline", async () => {
    const { variantId } = await sellable(shopId, userId, { stock: 3 });
    const who = await guestWithCart(shopId, variantId, 3);
    const placed = await placeOrder({ who, form: checkoutForm(rateId), locale: "en" });
    if (!placed.ok) throw new Error("not placed");
    expect(await level(shopId, variantId)).toEqual({ onHand: 3, reserved: 3 });
    // Not yet due: nothing happens.
    expect(await withShop(shopId, (tx) => expireOrder(tx, shopId, placed.orderId))).toBe(false);

    await withShop(shopId, (tx) =>
      tx
        .update(schema.orders)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(schema.orders.id, placed.orderId)),
    );
    expect(await expireDueOrders()).toBeGreaterThanOrEqual(1);
    const order = await orderRow(placed.orderId);
    expect(order).toMatchObject({ status: "cancelled", cancelReason: "Not paid in time", stockState: "released" });
    expect(await level(shopId, variantId)).toEqual({ onHand: 3, reserved: 0 });
    const events = await withShop(shopId, (tx) =>
      tx.select().from(schema.orderEvents).where(eq(schema.orderEvents.orderId, placed.orderId)),
    );
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["created", "status_changed", "stock_released"]));
    // Twice is once.
    expect(await withShop(shopId, (tx) => expireOrder(tx, shopId, placed.orderId))).toBe(false);
    expect(await withShop(shopId, (tx) => releaseOrderStock(tx, shopId, placed.orderId))).toBe(false);
    expect(await level(shopId, variantId)).toEqual({ onHand: 3, reserved: 0 });
  });

  it("uses the shop's own expiry time", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    expect((await saveShippingSettings({ shopId: shop.id, userId: owner.id }, { countries: ["SG"], orderExpiryMinutes: "2" })).ok).toBe(
      false,
    );
    expect((await saveShippingSettings({ shopId: shop.id, userId: owner.id }, { countries: ["SG"], orderExpiryMinutes: "90" })).ok).toBe(
      true,
    );
    const { variantId } = await sellable(shop.id, owner.id, { stock: 1 });
    const who = await guestWithCart(shop.id, variantId, 1);
    const before = Date.now();
    const placed = await placeOrder({ who, form: checkoutForm(await peninsularRateId(shop.id)), locale: "en" });
    if (!placed.ok) throw new Error(JSON.stringify(placed.errors));
    const [order] = await withShop(shop.id, (tx) => tx.select().from(schema.orders).where(eq(schema.orders.id, placed.orderId)));
    expect(order.expiresAt!.getTime() - before).toBeGreaterThanOrEqual(89 * 60_000);
  });

  it("schedules the expiry job every minute on the maintenance queue, once however often workers start", async () => {
    await scheduleMaintenance();
    await scheduleMaintenance();
    const schedulers = await queue("maintenance").getJobSchedulers();
    const mine = schedulers.filter((s) => s.key === "expire-orders");
    expect(mine).toHaveLength(1);
    expect(Number(mine[0].every)).toBe(60_000);
    expect(schedulers.filter((s) => s.key === "sweep-carts")).toHaveLength(1);
  });

  it("sweeps anonymous carts untouched for 60 days, keeping newer ones and customers' carts", async () => {
    const { variantId } = await sellable(shopId, userId, { stock: 5 });
    const old = await guestWithCart(shopId, variantId, 1);
    const fresh = await guestWithCart(shopId, variantId, 1);
    await withShop(shopId, (tx) =>
      tx
        .update(schema.carts)
        .set({ updatedAt: new Date(Date.now() - 61 * 24 * 3600_000) })
        .where(eq(schema.carts.id, old.anonymousCartId!)),
    );
    expect(await deleteStaleCarts()).toBeGreaterThanOrEqual(1);
    expect((await loadCart(old)).cartId).toBeNull();
    expect((await loadCart(fresh)).itemCount).toBe(1);
  });
});

describe("shipping settings", () => {
  it("gives a new shop default rates once, and saves the merchant's flat and weight rates with clear messages", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    const actor = { shopId: shop.id, userId: owner.id };
    const [a, b] = await Promise.all([loadShippingSetup(shop.id), loadShippingSetup(shop.id)]);
    expect(a.rates.length).toBe(3);
    expect((await loadShippingSetup(shop.id)).rates.map((r) => r.id).sort()).toEqual(a.rates.map((r) => r.id).sort());
    expect(b.orderExpiryMinutes).toBe(30);

    expect(await saveShippingRate(actor, { zone: "east", name: "Pos Laju", kind: "weight", brackets: "one kilo = 10" })).toMatchObject({
      ok: false,
      errors: { brackets: { key: "settings:shipping.errors.notABracket", values: { line: expect.any(String) } } },
    });
    expect(await saveShippingRate(actor, { zone: "peninsular", name: "Express", kind: "flat", price: "abc" })).toMatchObject({
      ok: false,
      errors: { price: { key: "settings:shipping.errors.price" } },
    });
    expect(
      await saveShippingRate(actor, {
        zone: "east",
        name: "Pos Laju",
        kind: "weight",
        brackets: "1 = 10\n* = 30",
        freeAbove: "200",
        active: "on",
      }),
    ).toEqual({ ok: true });
    const setup = await loadShippingSetup(shop.id);
    const posLaju = setup.rates.find((r) => r.name === "Pos Laju")!;
    expect(posLaju).toMatchObject({
      zone: "east",
      kind: "weight",
      freeAboveMinor: 20000,
      brackets: [
        { maxGrams: 1000, priceMinor: 1000 },
        { maxGrams: null, priceMinor: 3000 },
      ],
    });
    expect(await deleteShippingRate(actor, posLaju.id)).toEqual({ ok: true });
    expect((await loadShippingSetup(shop.id)).rates.some((r) => r.id === posLaju.id)).toBe(false);
  });
});
