/**
 * The operators' console over HTTP: merchants, suppliers and an operator without a second factor
 * refused; an operator finds a merchant,
 * suspends it with a reason (owner told, checkout closed, admin banner), lifts it, grants AI
 * credits, changes a plan's prices; the owner buys an AI credit pack on the gateway's hosted page.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { shopCreditBalances } from "~/domain/ai/jobs.server";
import { lineText } from "~/domain/billing/invoice-lines.server";
import { revenueSeries } from "~/domain/billing/operators.server";
import { localeCookie, serverT } from "~/lib/i18n.server";
import { formatMoney } from "~/lib/money";
import { asPlatform, schema, withShop } from "~db/client";

import { until } from "../helpers/async";
import { billingStack, paidShop, signedIn, trialShop } from "../helpers/billing";
import { makeProduct } from "../helpers/catalog";
import { makeOperator, makeSupplier } from "../helpers/dropship";
import { choose } from "../helpers/merchant-endpoint";
import { makeOrder } from "../helpers/orders";
import { htmlDecode } from "../helpers/web";

process.env.TRUST_PROXY = "1";

const stack = billingStack();

/** A page as read: without its scripts (route data and translations travel inlined), entities decoded. */
const readable = (html: string) => htmlDecode(html.replace(/<script[\s\S]*?<\/script>/g, ""));

/** One chart's svg, from its opening tag to its end. */
function svgOf(html: string, testId: string): string {
  const start = html.indexOf(`data-testid="${testId}"`);
  expect(start, testId).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf("</svg>", start));
}

const status = (shopId: string) =>
  withShop(shopId, async (tx) => (await tx.select().from(schema.shopPlans).where(eq(schema.shopPlans.shopId, shopId)))[0].status);

describe("/platform", () => {
  it("refuses a merchant and a supplier", async () => {
    const { owner } = await trialShop();
    const merchant = await signedIn(stack.web.url, owner);
    const supplier = await makeSupplier();
    const supplierClient = await signedIn(stack.web.url, supplier.user);
    for (const client of [merchant, supplierClient]) {
      for (const path of ["/platform", "/platform/merchants", "/platform/billing"]) {
        expect((await client.get(path)).status, path).toBe(403);
      }
    }
  });

  it("refuses an operator signed in without a second factor, and opens to one with it", async () => {
    const operator = await makeOperator();
    await asPlatform((tx) => tx.update(schema.users).set({ twoFactorMethod: "none" }).where(eq(schema.users.id, operator.id)));
    const bare = await signedIn(stack.web.url, operator);
    for (const path of ["/platform", "/platform/merchants", "/platform/billing"]) {
      expect((await bare.get(path)).status, path).toBe(403);
      expect(htmlDecode(bare.lastHtml), path).toContain(serverT("en", "billing")("errors.secondFactor"));
    }
    await asPlatform((tx) => tx.update(schema.users).set({ twoFactorMethod: "whatsapp" }).where(eq(schema.users.id, operator.id)));
    const verified = await signedIn(stack.web.url, operator);
    expect((await verified.get("/platform/merchants")).status).toBe(200);
  });

  it("shows an operator a merchant's account and billing, never its customers or orders", async () => {
    const { owner, shop } = await trialShop();
    const product = await makeProduct(shop.id, owner.id, { title: "Kain pelikat", price: "30.00", stock: 5, status: "active" });
    const [variant] = await withShop(shop.id, (tx) =>
      tx.select().from(schema.variants).where(eq(schema.variants.productId, product.productId)),
    );
    const customer = { customerName: "Zulaikha Hamidon", email: "zulaikha.h@example.com", phone: "+60129876543" };
    const order = await makeOrder(shop.id, { lines: [{ variantId: variant.id, quantity: 1 }], paid: true, ...customer });
    const operator = await signedIn(stack.web.url, await makeOperator());
    for (const path of [
      `/platform/merchants/${shop.id}`,
      `/platform/merchants?q=${encodeURIComponent(shop.name)}`,
      "/platform/billing",
      "/platform",
    ]) {
      expect((await operator.get(path)).status, path).toBe(200);
      const page = htmlDecode(operator.lastHtml);
      for (const personal of [customer.customerName, customer.email, customer.phone, "0129876543", "Kain pelikat"])
        expect(page, `${path}: ${personal}`).not.toContain(personal);
      expect(page, `${path}: order number`).not.toMatch(new RegExp(`#${order.number}\\b`));
    }
    // The merchant's own account and subscription are there.
    await operator.get(`/platform/merchants/${shop.id}`);
    expect(htmlDecode(operator.lastHtml)).toContain(shop.name);
    expect(operator.lastHtml).toContain('data-status="trialing"');
  });

  it("an operator finds a merchant, suspends it with a reason and lifts it; grants AI credits; changes plan prices", async () => {
    const { owner, shop } = await trialShop();
    const operator = await signedIn(stack.web.url, await makeOperator());

    await operator.get(`/platform/merchants?q=${encodeURIComponent(shop.slug)}`);
    const list = htmlDecode(operator.lastHtml);
    expect(list).toContain(`data-merchant="${shop.slug}"`);
    expect(list).toContain(owner.email);
    expect(list).toContain('data-status="trialing"');

    expect((await operator.get(`/platform/merchants/${shop.id}`)).status).toBe(200);
    const csrf = operator.csrfToken();
    const noReason = await operator.post(`/platform/merchants/${shop.id}`, { intent: "suspend", reason: "" }, { csrf });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("Give the reason the owner will read (3 to 300 characters).");
    const suspended = await operator.post(
      `/platform/merchants/${shop.id}`,
      { intent: "suspend", reason: "Counterfeit goods reported" },
      { csrf },
    );
    expect(suspended.status).toBe(200);
    expect(await status(shop.id)).toBe("suspended");
    const told = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.messages)
        .where(and(eq(schema.messages.shopId, shop.id), eq(schema.messages.purpose, "billing.suspended_by_operator"))),
    );
    expect(told.map((m) => m.channel).sort()).toEqual(["email", "whatsapp"]);
    expect(told[0].body).toContain("Counterfeit goods reported");
    expect(htmlDecode(await (await fetch(`${stack.web.url}/s/${shop.slug}/checkout`)).text())).toContain('data-testid="checkout-closed"');
    const ownerClient = await signedIn(stack.web.url, owner);
    await ownerClient.get("/admin");
    expect(htmlDecode(ownerClient.lastHtml)).toContain('data-billing="suspended"');

    expect(
      (await operator.post(`/platform/merchants/${shop.id}`, { intent: "unsuspend", reason: "Resolved with the owner" }, { csrf })).status,
    ).toBe(200);
    expect(await status(shop.id)).toBe("trialing");

    // Credits: an operator's grant is added to what the shop can use.
    const before = await shopCreditBalances(shop.id);
    expect(
      (await operator.post(`/platform/merchants/${shop.id}`, { intent: "grant", kind: "video", credits: "15", note: "Sorry" }, { csrf }))
        .status,
    ).toBe(200);
    const after = await shopCreditBalances(shop.id);
    expect(after.video.pack).toBe(before.video.pack + 15);
    expect(after.video.left).toBe(before.video.left + 15);

    const audits = await asPlatform((tx) =>
      tx.select({ action: schema.auditLog.action }).from(schema.auditLog).where(eq(schema.auditLog.shopId, shop.id)),
    );
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(["billing.subscription_changed", "billing.credits_granted"]));

    // Prices: a new price for new invoices, audited.
    await operator.get("/platform/billing");
    const prices = await operator.post("/platform/billing", { planId: "starter", priceMinor: "3100", yearlyPriceMinor: "31000" });
    expect(prices.status).toBe(200);
    const [starter] = await asPlatform((tx) => tx.select().from(schema.plans).where(eq(schema.plans.id, "starter")));
    expect(starter).toMatchObject({ priceMinor: 3100, yearlyPriceMinor: 31000 });
    const bad = await operator.post(
      "/platform/billing",
      { planId: "starter", priceMinor: "1.5", yearlyPriceMinor: "x" },
      { csrf: operator.csrfToken() },
    );
    expect(bad.status).toBe(400);
    await asPlatform((tx) =>
      tx.update(schema.plans).set({ priceMinor: 2900, yearlyPriceMinor: 29000 }).where(eq(schema.plans.id, "starter")),
    );
  });

  it("the owner buys an AI credit pack on the hosted page: used after the month's credits, one pack per double click", async () => {
    const { owner, shop } = await trialShop();
    const client = await signedIn(stack.web.url, owner);
    await client.get("/admin/billing");
    const token = /name="token" value="([^"]+)"/.exec(client.lastHtml)![1];
    const csrf = client.csrfToken();
    const [a, b] = await Promise.all(
      [1, 2].map(() => client.post("/admin/billing", { intent: "buy-credits", packId: "video-20", token }, { csrf })),
    );
    expect(a.status).toBe(303);
    expect(b.headers.get("location")).toBe(a.headers.get("location"));
    const before = await shopCreditBalances(shop.id);
    await choose(a.headers.get("location")!, "paid");
    await until(async () => (await shopCreditBalances(shop.id)).video.pack === before.video.pack + 20);
    const invoices = await withShop(shop.id, (tx) =>
      tx.select().from(schema.platformInvoices).where(eq(schema.platformInvoices.shopId, shop.id)),
    );
    expect(invoices.map((i) => [i.kind, i.status, i.totalMinor])).toEqual([["credits", "paid", 5_900]]);
  });

  it("shows an operator each invoice's lines in the operator's language, and MRR and churn as charts with axes and values", async () => {
    const { shop } = await paidShop(new Date(), "starter");
    const operator = await signedIn(stack.web.url, await makeOperator());
    operator.setCookie("lng", (await localeCookie.serialize("ms")).split(";")[0].slice("lng=".length));
    // A paying shop suspended this month: churn.
    await operator.get(`/platform/merchants/${shop.id}`);
    const suspend = { intent: "suspend", reason: "Ujian carta churn" };
    expect((await operator.post(`/platform/merchants/${shop.id}`, suspend, { csrf: operator.csrfToken() })).status).toBe(200);

    const invoices = await withShop(shop.id, (tx) =>
      tx.select().from(schema.platformInvoices).where(eq(schema.platformInvoices.shopId, shop.id)),
    );
    const lines = invoices.flatMap((i) => i.lines);
    expect(lines.length).toBeGreaterThan(0);
    for (const path of [`/platform/merchants/${shop.id}`, "/platform/billing?filter=paid"]) {
      expect((await operator.get(path)).status, path).toBe(200);
      const page = readable(operator.lastHtml);
      for (const line of lines) {
        expect(page, path).toContain(lineText("ms", line));
        expect(page, path).not.toContain(line.description);
      }
      expect(page, path).toContain('data-testid="invoice-line"');
    }

    expect((await operator.get("/platform/billing")).status).toBe(200);
    const page = readable(operator.lastHtml);
    const series = await revenueSeries();
    const now = series.at(-1)!;
    expect(series).toHaveLength(12);
    expect(now.mrrMinor).toBeGreaterThan(0);
    expect(now.churned).toBeGreaterThan(0);
    const mrr = svgOf(page, "mrr-chart");
    const churn = svgOf(page, "churn-chart");
    for (const [svg, name] of [
      [mrr, "mrr"],
      [churn, "churn"],
    ] as const) {
      // A y axis with ticks and their values, starting at 0.
      const axis = svg.slice(svg.indexOf(`data-testid="${name}-chart-y-axis"`), svg.indexOf('class="chart-bar"'));
      const ticks = [...axis.matchAll(/<text[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
      expect(ticks.length, name).toBeGreaterThanOrEqual(2);
      expect(ticks[0], name).toBe("0");
      // A bar a month, titled with its month, the month on the x axis.
      expect(svg.match(/class="chart-bar"/g), name).toHaveLength(12);
      for (const m of series) expect(svg, `${name} ${m.month}`).toMatch(new RegExp(`<title>${m.month}: `));
      const [y, mo] = series[0].month.split("-").map(Number);
      expect(svg, name).toContain(`>${mo}/${y}</text>`);
    }
    // This month's figures, seeded above: the shop's paid plan and its suspension.
    expect(mrr).toMatch(new RegExp(`<title>${now.month}: RM[\\s\u00a0]?[\\d,.]+</title>`));
    const shownMrr = new RegExp(`<title>${now.month}: ([^<]+)</title>`).exec(mrr)![1];
    expect(shownMrr).not.toBe(formatMoney(0, "MYR"));
    const shownChurn = Number(new RegExp(`<title>${now.month}: (\\d+)</title>`).exec(churn)![1]);
    expect(shownChurn).toBeGreaterThanOrEqual(1);
    expect(churn).toContain('class="chart-value"');
  });
});
