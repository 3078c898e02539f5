/**
 * Payments end to end over HTTP: our /pay, return, confirmation and status pages and the
 * gateway callback route served by the built app, against a private sandbox (its switches are
 * flipped here) whose callbacks reach the app at PUBLIC_URL. Both gateways (PaySeller, Billplz).
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { getProduct } from "~/domain/catalog/products.server";
import { placedOrderCookie } from "~/domain/checkout/order-access.server";
import { cancelOpenCharges } from "~/domain/orders/charges.server";
import { gatewayForShop } from "~/domain/orders/gateways.server";
import { orderAccessToken } from "~/domain/orders/order-links.server";
import { savePaymentSettings, testPaymentConnection } from "~/domain/orders/payment-settings.server";
import { paymentCallbackUrl } from "~/domain/orders/payment-start.server";
import { transitionOrder } from "~/domain/orders/status.server";
import { SANDBOX_PAYSELLER_CREDENTIALS, signPayseller } from "~/integrations/payseller.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { type RunningSandbox, startSandbox } from "../../sandbox/server";
import { freePort } from "../../scripts/services";
import { until } from "../helpers/async";
import { signIn } from "../helpers/auth";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { choose } from "../helpers/merchant-endpoint";
import { makeOrder } from "../helpers/orders";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1"; // the admin client gets its own address (rate limits are per address, shared with other files)

let sandbox: RunningSandbox;
let web: Awaited<ReturnType<typeof startWeb>>;
let owner: Awaited<ReturnType<typeof makeUser>>;
let shop: { id: string; slug: string };
let variantId: string;

beforeAll(async () => {
  // Before anything reads the configuration: the gateways are this file's sandbox, and links and
  // callback URLs point at this file's web server.
  sandbox = await startSandbox({ callbackRetryDelaysMs: [50, 100, 100, 200] });
  const port = await freePort();
  process.env.SANDBOX_URL = sandbox.url;
  process.env.PUBLIC_URL = `http://127.0.0.1:${port}`;
  web = await startWeb({ port });
  owner = await makeUser();
  shop = await makeShop(owner.id);
  const product = await makeProduct(shop.id, owner.id, { title: "Batik shirt", price: "45.00", stock: 50, status: "active" });
  variantId = (await getProduct(shop.id, product.productId))!.variants[0].id;
});
afterAll(async () => {
  await web?.close();
  await sandbox?.close();
  await closeRedis();
  await closeDatabase();
});

const GATEWAYS = ["payseller", "billplz"] as const;
type Gateway = (typeof GATEWAYS)[number];
const actor = () => ({ userId: owner.id, shopId: shop.id });
const who = { ip: "127.0.0.1", userAgent: "vitest" };

async function useGateway(gateway: Gateway) {
  const saved = await savePaymentSettings(actor(), { gateway, mode: "sandbox" }, who);
  expect(saved.ok).toBe(true);
  sandbox[gateway].reset();
}

async function pendingOrder(input: { phone?: string | null } = {}) {
  // Two shirts (RM 90.00) + RM 8.00 shipping = RM 98.00, unpaid.
  return makeOrder(shop.id, { lines: [{ variantId, quantity: 2 }], paid: false, phone: input.phone });
}

const orderPath = (orderId: string, page = "") => `/s/${shop.slug}/orders/${orderId}${page}?t=${orderAccessToken(orderId)}`;

/** GET /pay → the gateway's hosted page (the redirect, not followed). */
async function startPaying(orderId: string): Promise<string> {
  const res = await fetch(web.url + orderPath(orderId, "/pay"), { redirect: "manual" });
  expect(res.status).toBe(303);
  return res.headers.get("location")!;
}

async function orderRow(orderId: string) {
  return withShop(shop.id, async (tx) => {
    const [order] = await tx
      .select()
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shop.id), eq(schema.orders.id, orderId)));
    const charges = await tx
      .select()
      .from(schema.payments)
      .where(and(eq(schema.payments.shopId, shop.id), eq(schema.payments.orderId, orderId)))
      .orderBy(asc(schema.payments.createdAt));
    const events = await tx
      .select()
      .from(schema.orderEvents)
      .where(and(eq(schema.orderEvents.shopId, shop.id), eq(schema.orderEvents.orderId, orderId)))
      .orderBy(asc(schema.orderEvents.createdAt));
    const messages = await tx.select().from(schema.messages).where(eq(schema.messages.shopId, shop.id));
    return { order, charges, events, messages: messages.filter((m) => m.body.includes(`#${order.number}`)) };
  });
}

/** The stand-in's record of a payment: its callback URL and the callback bodies it sent. */
function standIn(gateway: Gateway, reference: string): { callbackUrl: string; sent: string[]; redirect(url: string): void } {
  if (gateway === "payseller") {
    const p = sandbox.payseller.payments.get(reference)!;
    return { callbackUrl: p.callback_url, sent: p.sent, redirect: (url) => (p.callback_url = url) };
  }
  const b = sandbox.billplz.bills.get(reference)!;
  return { callbackUrl: b.callback_url, sent: b.sent, redirect: (url) => (b.callback_url = url) };
}

const postCallback = (url: string, body: string) =>
  fetch(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body });

/** A PaySeller callback correctly signed with the stand-in's key (a forged or buggy gateway message). */
function signedPaysellerCallback(fields: Record<string, string>): string {
  const entries = Object.entries(fields);
  return new URLSearchParams([...entries, ["signature", signPayseller(entries, SANDBOX_PAYSELLER_CREDENTIALS.checksumKey)]]).toString();
}

describe.each(GATEWAYS)("%s end to end over HTTP", (gateway) => {
  beforeEach(() => useGateway(gateway));

  it("pays on the hosted page: callback, return and confirmation agree, the customer and the owner are told once", async () => {
    const placed = await pendingOrder();
    const hosted = await startPaying(placed.id);
    // The hosted page is the gateway's (the sandbox), never ours, and asks for no card details.
    expect(new URL(hosted).origin).toBe(sandbox.url);
    // Visiting /pay again reuses the open charge.
    expect(await startPaying(placed.id)).toBe(hosted);

    const before = await orderRow(placed.id);
    expect(before.order.gateway).toBe(gateway);
    expect(before.charges).toHaveLength(1);
    expect(before.charges[0]).toMatchObject({ kind: "charge", status: "pending", amountMinor: 9_800, currency: "MYR", paymentUrl: hosted });
    expect(standIn(gateway, before.charges[0].gatewayReference!).callbackUrl).toBe(paymentCallbackUrl(gateway, shop.id));

    const { page, response } = await choose(hosted, "paid");
    expect(page).toContain("RM 98.00");
    expect(page).not.toMatch(/card number|cvv|name="(card|cc-)/i);
    const back = response.headers.get("location")!;
    expect(back.startsWith(`${web.url}/s/${shop.slug}/orders/${placed.id}/return`)).toBe(true);

    const returned = await fetch(back, { redirect: "manual" });
    expect(returned.status).toBe(303);
    const confirmation = await fetch(new URL(returned.headers.get("location")!, web.url));
    const html = htmlDecode(await confirmation.text());
    expect(html).toContain(`Order #${placed.number} is confirmed`);
    expect(html).toContain('data-payment="paid"');

    await until(async () => sandbox[gateway].sender.attempts.some((a) => a.result === 200));
    await sandbox[gateway].sender.settled();
    expect(sandbox[gateway].sender.attempts.map((a) => a.result)).toEqual([200]);

    const after = await orderRow(placed.id);
    expect(after.order).toMatchObject({ status: "paid", paymentStatus: "paid" });
    expect(after.order.invoiceNumber).toBeGreaterThan(0);
    expect(after.charges.map((c) => c.status)).toEqual(["succeeded"]);
    expect(after.events.filter((e) => e.type === "status_changed" && e.data.to === "paid")).toHaveLength(1);
    // The customer gave a WhatsApp number: told there, once; the owner too, on their number.
    const confirmed = after.messages.filter((m) => m.purpose === "order.confirmed");
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]).toMatchObject({ channel: "whatsapp", recipient: "+60123456789" });
    expect(confirmed[0].body).toContain(`${process.env.PUBLIC_URL}/s/${shop.slug}/orders/${placed.id}?t=${orderAccessToken(placed.id)}`);
    const toOwner = after.messages.filter((m) => m.purpose === "order.paid_owner");
    expect(toOwner).toHaveLength(1);
    expect(toOwner[0]).toMatchObject({ channel: "whatsapp", recipient: owner.phone });

    // The status page by its signed link shows it paid; a wrong token, or none, is a 404.
    const status = htmlDecode(await (await fetch(web.url + orderPath(placed.id))).text());
    expect(status).toContain('data-state="paid"');
    expect(status).toContain("Batik shirt");
    expect(status).toMatch(/RM\s98\.00/);
    expect(status).toContain("12 Jalan Telawi 3");
    expect(status).toContain('data-testid="order-fulfilment"');
    const wrong = await fetch(`${web.url}/s/${shop.slug}/orders/${placed.id}?t=${"A".repeat(22)}`);
    expect(wrong.status).toBe(404);
    expect(await wrong.text()).toContain("Order not found");
    expect((await fetch(`${web.url}/s/${shop.slug}/orders/${placed.id}`)).status).toBe(404);
    // Paid: /pay now leads to the confirmation, not to a new charge.
    const again = await fetch(web.url + orderPath(placed.id, "/pay"), { redirect: "manual" });
    expect(again.headers.get("location")).toContain(`/orders/${placed.id}/confirmation`);
  });

  it("shows the right result when the browser returns before the callback, and the late callback changes nothing", async () => {
    const placed = await pendingOrder({ phone: null });
    const hosted = await startPaying(placed.id);
    const reference = (await orderRow(placed.id)).charges[0].gatewayReference!;
    const payment = standIn(gateway, reference);
    // Hold the callback back: the stand-in delivers it to a closed port for now.
    payment.redirect("http://127.0.0.1:9/nowhere");
    const { response } = await choose(hosted, "paid");
    const returned = await fetch(response.headers.get("location")!, { redirect: "manual" });
    const html = htmlDecode(await (await fetch(new URL(returned.headers.get("location")!, web.url))).text());
    expect(html).toContain('data-payment="paid"');
    expect((await orderRow(placed.id)).order.status).toBe("paid");

    // Now the callback arrives: a duplicate of what the return already settled.
    const late = await postCallback(paymentCallbackUrl(gateway, shop.id), payment.sent[0]);
    expect(late.status).toBe(200);
    const after = await orderRow(placed.id);
    expect(after.events.filter((e) => e.type === "status_changed" && e.data.to === "paid")).toHaveLength(1);
    // No number given: the customer is told by email.
    expect(after.messages.filter((m) => m.purpose === "order.confirmed").map((m) => m.channel)).toEqual(["email"]);
  });

  it("shows a payment still with the bank as processing, on a page that checks again by itself", async () => {
    const placed = await pendingOrder();
    const { response } = await choose(await startPaying(placed.id), "pending");
    const returned = await fetch(response.headers.get("location")!, { redirect: "manual" });
    expect(returned.status).toBe(303);
    const confirmation = await fetch(new URL(returned.headers.get("location")!, web.url));
    expect(confirmation.headers.get("refresh")).toBe("4");
    const html = htmlDecode(await confirmation.text());
    expect(html).toContain('data-payment="processing"');
    expect(html).toContain("Your payment is being processed");
    expect((await orderRow(placed.id)).order.paymentStatus).toBe("unpaid");
  });

  it("answers 10 duplicate callbacks at once with one paid order and one invoice number", async () => {
    const placed = await pendingOrder();
    const hosted = await startPaying(placed.id);
    const payment = standIn(gateway, (await orderRow(placed.id)).charges[0].gatewayReference!);
    payment.redirect("http://127.0.0.1:9/nowhere");
    await choose(hosted, "paid");
    const body = payment.sent[0];
    const answers = await Promise.all(Array.from({ length: 10 }, () => postCallback(paymentCallbackUrl(gateway, shop.id), body)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const after = await orderRow(placed.id);
    expect(after.order.status).toBe("paid");
    expect(after.events.filter((e) => e.type === "status_changed" && e.data.to === "paid")).toHaveLength(1);
    expect(after.messages.filter((m) => m.purpose === "order.confirmed")).toHaveLength(1);
    const invoices = await withShop(shop.id, (tx) =>
      tx
        .select({ n: sql<number>`count(*)::int` })
        .from(schema.orders)
        .where(and(eq(schema.orders.shopId, shop.id), eq(schema.orders.invoiceNumber, after.order.invoiceNumber!))),
    );
    expect(invoices[0].n).toBe(1);
  });

  it("refuses a tampered signature (401, nothing done) and never shows a tampered redirect as paid", async () => {
    const placed = await pendingOrder();
    const hosted = await startPaying(placed.id);
    sandbox[gateway].switches.tamperSignature = true;
    const { response } = await choose(hosted, "paid");
    const returned = await fetch(response.headers.get("location")!, { redirect: "manual" });
    expect(returned.status).toBe(400);
    expect(await returned.text()).toContain("We could not confirm this payment response");
    // (Earlier tests' callbacks held back at a closed port may still be retrying: only ours count.)
    const ours = () => sandbox[gateway].sender.attempts.filter((a) => a.url === paymentCallbackUrl(gateway, shop.id));
    await until(async () => ours().length >= 2);
    expect(ours().every((a) => a.result === 401)).toBe(true);
    const after = await orderRow(placed.id);
    expect(after.order).toMatchObject({ status: "pending_payment", paymentStatus: "unpaid" });
    expect(after.charges[0].status).toBe("pending");
    await sandbox[gateway].sender.settled();
    sandbox[gateway].switches.tamperSignature = false;
  });

  it("refuses a correctly signed callback with the wrong amount: recorded, answered 200, not paid", async () => {
    const placed = await pendingOrder();
    const hosted = await startPaying(placed.id);
    sandbox[gateway].switches.wrongAmount = true;
    await choose(hosted, "paid");
    await until(async () => sandbox[gateway].sender.attempts.some((a) => a.result === 200));
    const after = await orderRow(placed.id);
    expect(after.order).toMatchObject({ status: "pending_payment", paymentStatus: "unpaid" });
    const mismatch = after.events.find((e) => e.type === "payment_mismatch");
    expect(mismatch?.data).toMatchObject({ field: "amount", expected: 9_800, actual: 9_700 });
    sandbox[gateway].switches.wrongAmount = false;
  });

  it("records a payment that arrives after the order was cancelled, and asks the owner to refund it", async () => {
    const placed = await pendingOrder();
    const hosted = await startPaying(placed.id);
    await withShop(shop.id, (tx) =>
      transitionOrder(tx, { shopId: shop.id, orderId: placed.id, to: "cancelled", actorUserId: null, reason: "not paid in time" }),
    );
    if (gateway === "billplz") {
      // The bill is withdrawn, but Billplz still takes a payment on a deleted bill.
      expect(await cancelOpenCharges(shop.id, placed.id)).toEqual({ cancelled: 1 });
      expect(sandbox.billplz.bills.get((await orderRow(placed.id)).charges[0].gatewayReference!)?.state).toBe("deleted");
    }
    await choose(hosted, "paid");
    await until(async () => sandbox[gateway].sender.attempts.some((a) => a.result === 200));
    const after = await orderRow(placed.id);
    expect(after.order).toMatchObject({ status: "cancelled", paymentStatus: "unpaid", invoiceNumber: null });
    expect(after.charges[0]).toMatchObject({ status: "succeeded", amountMinor: 9_800 });
    expect(after.events.find((e) => e.type === "late_payment")?.summary).toContain("refund the customer");
    const alert = after.messages.find((m) => m.purpose === "order.refund_needed_owner");
    expect(alert).toMatchObject({ channel: "whatsapp", recipient: owner.phone });
    expect(alert!.body).toMatch(/RM\s98\.00/);
    // The customer's pages say so too, and /pay will not take another payment.
    expect(htmlDecode(await (await fetch(web.url + orderPath(placed.id))).text())).toContain('data-state="cancelled"');
    expect((await fetch(web.url + orderPath(placed.id, "/pay"), { redirect: "manual" })).status).toBe(410);
  });
});

describe("who may pay and when", () => {
  it("lets the placing browser (its cookie) or the signed link in, 404s anyone else, and refuses an expired order", async () => {
    await useGateway("payseller");
    const placed = await pendingOrder();
    const bare = `${web.url}/s/${shop.slug}/orders/${placed.id}/pay`;
    expect((await fetch(bare, { redirect: "manual" })).status).toBe(404);
    expect(
      (await fetch(`${bare}?t=${orderAccessToken(placed.id).replace(/.$/, (c) => (c === "A" ? "B" : "A"))}`, { redirect: "manual" }))
        .status,
    ).toBe(404);
    // Another shop's address for the same order is a 404 too.
    const other = await makeShop(owner.id);
    expect(
      (await fetch(`${web.url}/s/${other.slug}/orders/${placed.id}/pay?t=${orderAccessToken(placed.id)}`, { redirect: "manual" })).status,
    ).toBe(404);
    // The browser that placed it carries the cookie checkout sets.
    const cookie = (await placedOrderCookie(new Request(web.url), placed.id)).split(";")[0];
    const byCookie = await fetch(bare, { redirect: "manual", headers: { Cookie: cookie } });
    expect(byCookie.status).toBe(303);
    expect(new URL(byCookie.headers.get("location")!).origin).toBe(sandbox.url);
    expect((await fetch(`${web.url}/s/${shop.slug}/orders/${placed.id}`, { headers: { Cookie: cookie } })).status).toBe(200);

    const late = await pendingOrder();
    await withShop(shop.id, (tx) =>
      tx
        .update(schema.orders)
        .set({ expiresAt: new Date(Date.now() - 60_000) })
        .where(and(eq(schema.orders.shopId, shop.id), eq(schema.orders.id, late.id))),
    );
    const refused = await fetch(web.url + orderPath(late.id, "/pay"), { redirect: "manual" });
    expect(refused.status).toBe(410);
    expect(htmlDecode(await refused.text())).toContain("The time to pay for this order has passed");
    expect((await orderRow(late.id)).charges).toHaveLength(0);
  });
});

describe("withdrawing an expired order's payment", () => {
  it("cancels the open PaySeller charge, so its hosted page no longer takes money", async () => {
    await useGateway("payseller");
    const placed = await pendingOrder();
    const hosted = await startPaying(placed.id);
    await withShop(shop.id, (tx) =>
      transitionOrder(tx, { shopId: shop.id, orderId: placed.id, to: "cancelled", actorUserId: null, reason: "expired" }),
    );
    expect(await cancelOpenCharges(shop.id, placed.id)).toEqual({ cancelled: 1 });
    expect((await orderRow(placed.id)).charges[0].status).toBe("cancelled");
    expect(await (await fetch(hosted)).text()).not.toContain('value="paid"');
    expect(await cancelOpenCharges(shop.id, placed.id)).toEqual({ cancelled: 0 });
  });
});

describe("PaySeller callbacks the gateway should never send, and out-of-order delivery", () => {
  beforeEach(() => useGateway("payseller"));

  async function paysellerCharge() {
    const placed = await pendingOrder();
    const hosted = await startPaying(placed.id);
    const charge = (await orderRow(placed.id)).charges[0];
    return { placed, hosted, reference: charge.gatewayReference! };
  }

  const fields = (reference: string, number: number, over: Record<string, string>) => ({
    event_id: `evt_forged_${Math.random().toString(36).slice(2)}`,
    payment_id: reference,
    order_ref: `#${number}`,
    status: "paid",
    amount: "9800",
    paid_amount: "9800",
    currency: "MYR",
    paid_at: new Date().toISOString(),
    transaction_id: "txn_forged",
    ...over,
  });

  it("refuses the wrong currency", async () => {
    const { placed, reference } = await paysellerCharge();
    const res = await postCallback(
      paymentCallbackUrl("payseller", shop.id),
      signedPaysellerCallback(fields(reference, placed.number, { currency: "USD" })),
    );
    expect(res.status).toBe(200);
    const after = await orderRow(placed.id);
    expect(after.order.paymentStatus).toBe("unpaid");
    expect(after.events.find((e) => e.type === "payment_mismatch")?.data).toMatchObject({
      field: "currency",
      expected: "MYR",
      actual: "USD",
    });
  });

  it("does not mark paid when the callback says paid but the gateway, asked, says unpaid", async () => {
    const { placed, reference } = await paysellerCharge();
    const body = signedPaysellerCallback(fields(reference, placed.number, {}));
    const res = await postCallback(paymentCallbackUrl("payseller", shop.id), body);
    expect(res.status).toBe(503); // not recorded: the gateway retries
    const after = await orderRow(placed.id);
    expect(after.order).toMatchObject({ status: "pending_payment", paymentStatus: "unpaid" });
    expect(after.events.find((e) => e.type === "payment_unconfirmed")?.summary).toContain('"unpaid"');
    const recorded = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.webhookEvents)
        .where(eq(schema.webhookEvents.eventId, `payseller:${new URLSearchParams(body).get("event_id")}`)),
    );
    expect(recorded).toHaveLength(0);
  });

  it("ignores duplicates and stale deliveries, and a failed callback after paid never un-pays", async () => {
    Object.assign(sandbox.payseller.switches, { duplicateCallbacks: true, outOfOrder: true });
    const { placed, hosted, reference } = await paysellerCharge();
    await choose(hosted, "failed");
    await until(async () => (await orderRow(placed.id)).charges[0].status === "failed");
    const failedPage = htmlDecode(await (await fetch(web.url + orderPath(placed.id, "/confirmation"))).text());
    expect(failedPage).toContain("Your payment did not go through");
    expect(failedPage).toContain('data-testid="pay-again"');
    // Trying again reuses the same hosted page (one open charge).
    expect(await startPaying(placed.id)).toBe(hosted);
    await choose(hosted, "paid");
    await sandbox.payseller.sender.settled();
    // failed, its duplicate, a stale pending; paid, its duplicate, the stale failed again.
    const ours = sandbox.payseller.sender.attempts.filter((a) => a.url === paymentCallbackUrl("payseller", shop.id));
    expect(ours).toHaveLength(6);
    expect(ours.every((a) => a.result === 200)).toBe(true);
    // And a fresh "failed" event after paid, correctly signed.
    const res = await postCallback(
      paymentCallbackUrl("payseller", shop.id),
      signedPaysellerCallback(fields(reference, placed.number, { status: "failed", paid_amount: "0", paid_at: "" })),
    );
    expect(res.status).toBe(200);
    const after = await orderRow(placed.id);
    expect(after.order).toMatchObject({ status: "paid", paymentStatus: "paid" });
    expect(after.charges.map((c) => c.status)).toEqual(["succeeded"]);
    expect(after.events.filter((e) => e.type === "status_changed" && e.data.to === "paid")).toHaveLength(1);
    Object.assign(sandbox.payseller.switches, { duplicateCallbacks: false, outOfOrder: false });
  });

  it("answers 401 to an unsigned callback and 404 to an unknown shop or gateway", async () => {
    const { placed, reference } = await paysellerCharge();
    const unsigned = new URLSearchParams(fields(reference, placed.number, {})).toString();
    expect((await postCallback(paymentCallbackUrl("payseller", shop.id), unsigned)).status).toBe(401);
    expect((await postCallback(`${web.url}/webhooks/payments/stripe/${shop.id}`, unsigned)).status).toBe(404);
    expect((await postCallback(`${web.url}/webhooks/payments/payseller/not-a-shop`, unsigned)).status).toBe(404);
    expect((await orderRow(placed.id)).order.paymentStatus).toBe("unpaid");
  });
});

describe("no card data anywhere", () => {
  it("keeps only references, amounts and the hosted page's address", async () => {
    const columns = await withShop(shop.id, (tx) =>
      tx.execute<{ table_name: string; column_name: string }>(
        sql`select table_name, column_name from information_schema.columns where table_schema = 'public'`,
      ),
    );
    const names = [...columns].map((c) => `${c.table_name}.${c.column_name}`);
    expect(names.filter((n) => /card|cvv|cvc|pan\b|expiry_month|expiry_year|account_number/i.test(n))).toEqual([]);
    expect(names.filter((n) => n.startsWith("payments.")).sort()).toEqual(
      [
        "payments.actor_user_id",
        "payments.amount_minor",
        "payments.completed_at",
        "payments.created_at",
        "payments.currency",
        "payments.gateway",
        "payments.gateway_reference",
        "payments.id",
        "payments.kind",
        "payments.order_id",
        "payments.payment_url",
        "payments.reason",
        "payments.shop_id",
        "payments.status",
      ].sort(),
    );
  });
});

describe("payment settings", () => {
  it("keeps credentials sealed, shows only their last characters, audits without secrets, and tests the connection", async () => {
    const secret = "sk-live-3f9a8b7c6d5e4f3a2b1c9999";
    const saved = await savePaymentSettings(
      actor(),
      {
        gateway: "billplz",
        mode: "live",
        "billplz.collectionId": "abc_123",
        "billplz.secretKey": secret,
        "billplz.xSignatureKey": "S-xsig-777788889999",
      },
      who,
    );
    expect(saved.ok).toBe(true);
    const [account] = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.paymentGatewayAccounts)
        .where(and(eq(schema.paymentGatewayAccounts.shopId, shop.id), eq(schema.paymentGatewayAccounts.gateway, "billplz"))),
    );
    expect(account.active).toBe(true);
    expect(account.credentialsSealed).not.toContain(secret);
    expect(account.credentialsHint).toContain("••••9999");
    expect(account.credentialsHint).not.toContain(secret);
    const gateway = await withShop(shop.id, (tx) => gatewayForShop(tx, shop.id));
    expect(gateway).toMatchObject({ name: "billplz", isSandbox: false });
    const logged = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.shopId, shop.id), eq(schema.auditLog.action, "payments.settings_changed"))),
    );
    expect(JSON.stringify(logged)).not.toContain(secret);

    // A secret left blank keeps the saved one; a missing identifier is refused next to its field.
    const kept = await savePaymentSettings(
      actor(),
      { gateway: "billplz", mode: "live", "billplz.collectionId": "abc_123", "billplz.secretKey": "", "billplz.xSignatureKey": "" },
      who,
    );
    expect(kept.ok).toBe(true);
    const refused = await savePaymentSettings(actor(), { gateway: "billplz", mode: "live", "billplz.collectionId": "" }, who);
    expect(refused).toMatchObject({ ok: false, errors: { "billplz.collectionId": "Enter the Collection ID." } });
    // PaySeller has no public API address: live credentials are refused until it is configured.
    const payseller = await savePaymentSettings(
      actor(),
      { gateway: "payseller", mode: "live", "payseller.merchantId": "M1", "payseller.apiKey": "k", "payseller.checksumKey": "c" },
      who,
    );
    expect(payseller.ok).toBe(false);

    await useGateway("payseller");
    expect(await testPaymentConnection(actor(), "payseller")).toMatchObject({ ok: true });
  });

  it("the admin page says plainly when payments go to the sandbox, and never shows a saved secret", async () => {
    await useGateway("billplz");
    const client = new FormClient(web.url);
    client.forwardedFor = `198.51.100.${Math.floor(Math.random() * 250)}`;
    await signIn(client, owner);
    const page = await client.get("/admin/settings/payments");
    expect(page.status, `redirected to ${page.headers.get("location")}`).toBe(200);
    expect(htmlDecode(client.lastHtml)).toContain("Sandbox: no credentials — payments go to the sandbox");
    const secret = "sk-admin-page-secret-4242";
    const saved = await client.post("/admin/settings/payments", {
      intent: "save",
      gateway: "billplz",
      mode: "live",
      "billplz.collectionId": "coll_9",
      "billplz.secretKey": secret,
      "billplz.xSignatureKey": "S-xsig-admin-5555",
    });
    expect(saved.status).toBe(200);
    expect(client.lastHtml).not.toContain(secret);
    await client.get("/admin/settings/payments");
    expect(client.lastHtml).not.toContain(secret);
    expect(htmlDecode(client.lastHtml)).toContain("••••4242");
    await useGateway("payseller");
  });
});
