/**
 * The dashboard's figures equal direct SQL over the orders; storefront events are recorded only
 * with analytics consent; and the accounting, report and dashboard routes keep to their shop.
 */
import { and, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { getProduct } from "~/domain/catalog/products.server";
import { dashboardFigures, parseRange } from "~/domain/reports/dashboard.server";
import { recordStorefrontEvent } from "~/domain/reports/events.server";
import { consentCookie } from "~/lib/consent.server";
import { addDays, localDate } from "~/lib/dates";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { syncToAutoCountSandbox } from "../helpers/accounting";
import { signIn } from "../helpers/auth";
import { makeProduct } from "../helpers/catalog";
import { addMember, makeShop, makeUser, onPlan } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { FormClient, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

type User = Awaited<ReturnType<typeof makeUser>>;
let web: Awaited<ReturnType<typeof startWeb>>;
const a = {} as { user: User; shop: { id: string; slug: string }; syncId: string };
const b = {} as { user: User; shop: { id: string; slug: string } };
const TZ = "Asia/Kuala_Lumpur";

async function signedIn(user: User) {
  const client = new FormClient(web.url);
  client.forwardedFor = `198.51.100.${Math.floor(Math.random() * 250)}`;
  await signIn(client, user);
  return client;
}
const consented = async () => ({ cookie: await consentCookie.serialize("all") });

beforeAll(async () => {
  web = await startWeb();
  a.user = await makeUser();
  a.shop = await makeShop(a.user.id);
  await onPlan(a.shop.id, "growth"); // AutoCount sync is in Growth
  b.user = await makeUser();
  b.shop = await makeShop(b.user.id);
  // B may use AutoCount too, so what stops it retrying A's sync is the tenant boundary, not its plan.
  await onPlan(b.shop.id, "growth");
  const kopi = await makeProduct(a.shop.id, a.user.id, { title: "Kopi Tenom", price: "25.00", stock: 500, status: "active" });
  const batik = await makeProduct(a.shop.id, a.user.id, { title: "Batik scarf", price: "60.00", stock: 500, status: "active" });
  const v1 = (await getProduct(a.shop.id, kopi.productId))!.variants[0].id;
  const v2 = (await getProduct(a.shop.id, batik.productId))!.variants[0].id;
  // Three local days in KL, around midnight boundaries, a refund, an unpaid order and a dropship line.
  const seeded = [
    { at: "2026-11-01T16:30:00Z", lines: [{ variantId: v1, quantity: 2 }] }, // 2 Nov 00:30 KL
    {
      at: "2026-11-02T03:00:00Z",
      lines: [
        { variantId: v2, quantity: 1 },
        { variantId: v1, quantity: 1 },
      ],
    },
    { at: "2026-11-03T15:59:00Z", lines: [{ variantId: v2, quantity: 3 }] }, // 3 Nov 23:59 KL
    { at: "2026-11-03T16:01:00Z", lines: [{ variantId: v1, quantity: 5 }] }, // 4 Nov KL: outside
    { at: "2026-11-01T15:59:00Z", lines: [{ variantId: v1, quantity: 4 }] }, // 1 Nov KL: outside
  ];
  const made: Awaited<ReturnType<typeof makeOrder>>[] = [];
  for (const s of seeded)
    made.push(await makeOrder(a.shop.id, { lines: s.lines, createdAt: new Date(s.at), customerName: "Aminah of shop A" }));
  await makeOrder(a.shop.id, { lines: [{ variantId: v2, quantity: 1 }], createdAt: new Date("2026-11-02T05:00:00Z"), paid: false });
  await withShop(a.shop.id, async (tx) => {
    await tx
      .update(schema.orders)
      .set({ refundedMinor: 1_000, paymentStatus: "partially_refunded" })
      .where(eq(schema.orders.id, made[1].id));
    await tx
      .update(schema.orderLines)
      .set({ source: "dropship" })
      .where(and(eq(schema.orderLines.orderId, made[2].id)));
  });
  // Shop A syncs to the sandbox: its paid orders get sync rows (no worker runs here).
  await syncToAutoCountSandbox({ userId: a.user.id, shopId: a.shop.id }, { taxCode: "", customerCodeScheme: "cash_sales" });
  const paid = await makeOrder(a.shop.id, { lines: [{ variantId: v1, quantity: 1 }], customerName: "Aminah of shop A" });
  const [row] = await withShop(a.shop.id, (tx) =>
    tx.select().from(schema.accountingSyncs).where(eq(schema.accountingSyncs.orderId, paid.id)),
  );
  a.syncId = row.id;
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

describe("dashboard figures = direct SQL", () => {
  const range = { from: "2026-11-02", to: "2026-11-03" };
  const start = "2026-11-02 00:00:00+08";
  const end = "2026-11-04 00:00:00+08";

  it("totals, series by day/week/month, top products and own vs dropship", async () => {
    const direct = await withShop(a.shop.id, async (tx) => {
      const totals = await tx.execute<{ n: number; revenue: string }>(
        sql`select count(*)::int n, sum(total_minor - refunded_minor)::text revenue from orders where shop_id = ${a.shop.id} and payment_status in ('paid','partially_refunded','refunded') and created_at >= ${start}::timestamptz and created_at < ${end}::timestamptz`,
      );
      const byDay = await tx.execute<{ d: string; n: number; revenue: string }>(
        sql`select to_char((created_at at time zone ${TZ})::date, 'YYYY-MM-DD') d, count(*)::int n, sum(total_minor - refunded_minor)::text revenue from orders where shop_id = ${a.shop.id} and payment_status <> 'unpaid' and created_at >= ${start}::timestamptz and created_at < ${end}::timestamptz group by 1 order by 1`,
      );
      const top = await tx.execute<{ title: string; q: number; revenue: string }>(
        sql`select l.title, sum(l.quantity)::int q, sum(l.total_minor)::text revenue from order_lines l join orders o on o.id = l.order_id where o.shop_id = ${a.shop.id} and o.payment_status <> 'unpaid' and o.created_at >= ${start}::timestamptz and o.created_at < ${end}::timestamptz group by l.title order by sum(l.total_minor) desc`,
      );
      const source = await tx.execute<{ source: string; revenue: string }>(
        sql`select l.source::text source, sum(l.total_minor)::text revenue from order_lines l join orders o on o.id = l.order_id where o.shop_id = ${a.shop.id} and o.payment_status <> 'unpaid' and o.created_at >= ${start}::timestamptz and o.created_at < ${end}::timestamptz group by 1`,
      );
      return { totals: totals[0], byDay, top, source };
    });
    const day = await dashboardFigures(a.shop.id, { ...range, granularity: "day" });
    expect(day.totals.orders).toBe(3);
    expect(day.totals).toEqual({
      orders: direct.totals.n,
      revenueMinor: Number(direct.totals.revenue),
      averageOrderMinor: Math.round(Number(direct.totals.revenue) / direct.totals.n),
    });
    expect(day.series).toEqual(direct.byDay.map((r) => ({ bucket: r.d, orders: r.n, revenueMinor: Number(r.revenue) })));
    expect(day.topProducts.map((t) => ({ title: t.title, q: t.quantity, revenue: String(t.revenueMinor) }))).toEqual(
      direct.top.map((r) => ({ title: r.title, q: r.q, revenue: r.revenue })),
    );
    const of = (s: string) => Number(direct.source.find((r) => r.source === s)?.revenue ?? 0);
    expect(day.bySource).toEqual({ ownMinor: of("own"), dropshipMinor: of("dropship") });
    expect(day.bySource.dropshipMinor).toBe(18_000);

    const week = await dashboardFigures(a.shop.id, { ...range, granularity: "week" });
    expect(week.series).toEqual([{ bucket: "2026-11-02", orders: 3, revenueMinor: day.totals.revenueMinor }]);
    const month = await dashboardFigures(a.shop.id, { from: "2026-11-01", to: "2026-11-30", granularity: "month" });
    expect(month.series).toHaveLength(1);
    expect(month.series[0]).toMatchObject({ bucket: "2026-11-01", orders: 5 });
  });

  it("a range is parsed in the shop's time zone, defaults to the last 30 days and is never reversed", () => {
    const at = new Date("2026-12-05T17:00:00Z"); // 6 Dec 01:00 in KL
    expect(parseRange(new URLSearchParams(), TZ, at)).toMatchObject({ from: "2026-11-07", to: "2026-12-06", granularity: "day" });
    expect(parseRange(new URLSearchParams("from=2026-12-01&to=2026-11-01&by=week"), TZ, at)).toMatchObject({
      from: "2026-11-01",
      to: "2026-12-01",
      granularity: "week",
      error: expect.any(String),
    });
  });
});

describe("storefront events need analytics consent", () => {
  it("records nothing without consent or with 'necessary' only, and records with 'all'", async () => {
    const url = `http://shop.test/s/${a.shop.slug}`;
    expect(await recordStorefrontEvent(new Request(url), a.shop.id, "cart")).toBe(false);
    const necessary = await consentCookie.serialize("necessary");
    expect(await recordStorefrontEvent(new Request(url, { headers: { cookie: necessary } }), a.shop.id, "cart")).toBe(false);
    expect(await recordStorefrontEvent(new Request(url, { headers: await consented() }), a.shop.id, "cart")).toBe(true);
    const rows = await withShop(a.shop.id, (tx) =>
      tx.select().from(schema.storefrontEvents).where(eq(schema.storefrontEvents.kind, "cart")),
    );
    expect(rows).toHaveLength(1);
  });
});

/**
 * The shop's "today" is its local day (KL is UTC+8: from 16:00 UTC it is tomorrow there). These
 * run at the real clock and with the clock set either side of the last midnight in KL, so a date
 * taken from UTC where the shop's day is meant fails here at any hour the suite runs.
 */
const lastKlMidnight = Date.parse(`${localDate(new Date(), TZ)}T00:00:00+08:00`);
const clocks: Array<[string, number | null]> = [
  ["at the real clock", null],
  ["a few seconds before midnight in Kuala Lumpur", lastKlMidnight - 5_000],
  ["a few seconds after midnight in Kuala Lumpur", lastKlMidnight + 5_000],
];

describe.each(clocks)("the shop's today, %s", (_, instant) => {
  beforeEach(() => {
    if (instant !== null) vi.useFakeTimers({ toFake: ["Date"], now: instant });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const today = () => localDate(new Date(), TZ);

  it("the storefront records a visit only for a visitor who allowed analytics, and the funnel of the shop's today counts it", async () => {
    const shop = await makeShop(b.user.id);
    const visits = () =>
      withShop(
        shop.id,
        async (tx) => (await tx.select().from(schema.storefrontEvents).where(eq(schema.storefrontEvents.kind, "visit"))).length,
      );
    expect((await fetch(`${web.url}/s/${shop.slug}`)).status).toBe(200);
    expect(await visits()).toBe(0);
    expect((await fetch(`${web.url}/s/${shop.slug}`, { headers: await consented() })).status).toBe(200);
    expect(await visits()).toBe(1);
    const figures = await dashboardFigures(shop.id, { from: today(), to: today(), granularity: "day" });
    expect(figures.funnel.visits).toBe(1);
    // The dashboard's default range ends on the shop's today, so the visit is in it.
    const range = parseRange(new URLSearchParams(), TZ);
    expect(range.to).toBe(today());
    expect((await dashboardFigures(shop.id, range)).funnel.visits).toBe(1);
  });

  it("records the cart and the checkout of a shopper who allowed analytics, and nothing of one who did not", async () => {
    const shop = await makeShop(b.user.id);
    const saved = await makeProduct(shop.id, b.user.id, { title: "Kain pelikat", price: "30.00", stock: 5, status: "active" });
    const variantId = (await getProduct(shop.id, saved.productId))!.variants[0].id;
    const consent = (await consentCookie.serialize("all")).split(";")[0];
    const shop_ = async (consenting: boolean) => {
      const client = new FormClient(web.url);
      if (consenting) client.setCookie(consent.slice(0, consent.indexOf("=")), consent.slice(consent.indexOf("=") + 1));
      await client.get(`/s/${shop.slug}`);
      expect((await client.post(`/s/${shop.slug}/cart`, { intent: "add", variantId, quantity: "1" })).status).toBe(302);
      expect((await client.get(`/s/${shop.slug}/checkout`)).status).toBe(200);
    };
    await shop_(false);
    await shop_(true);
    const figures = await dashboardFigures(shop.id, { from: today(), to: today(), granularity: "day" });
    // Visits are page views of the storefront (home and checkout here).
    expect(figures.funnel).toMatchObject({ visits: 2, carts: 1, checkouts: 1 });
    // Nothing spilled into the neighbouring days.
    const around = await dashboardFigures(shop.id, { from: addDays(today(), -1), to: addDays(today(), 1), granularity: "day" });
    expect(around.funnel).toMatchObject({ visits: 2, carts: 1, checkouts: 1 });
    const yesterday = await dashboardFigures(shop.id, { from: addDays(today(), -1), to: addDays(today(), -1), granularity: "day" });
    expect(yesterday.funnel).toMatchObject({ visits: 0, carts: 0, checkouts: 0 });
  });

  it("the orders CSV is named by the shop's today", async () => {
    // Signing in reads one-time codes that the database times: do it at the real clock.
    vi.useRealTimers();
    const client = await signedIn(a.user);
    if (instant !== null) vi.useFakeTimers({ toFake: ["Date"], now: instant });
    const csv = await client.get("/admin/orders/export.csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="orders-${today()}.csv"`);
    await csv.arrayBuffer();
  });
});

describe("the accounting, report and dashboard pages keep to their shop", () => {
  it("shop B's owner sees none of shop A's orders or figures, and cannot retry A's sync", async () => {
    const client = await signedIn(b.user);
    const page = await client.get("/admin/accounting?show=all");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain("Aminah of shop A");
    expect(html).toContain("AutoCount is not connected");

    const before = await withShop(a.shop.id, (tx) =>
      tx.select().from(schema.accountingSyncs).where(eq(schema.accountingSyncs.id, a.syncId)),
    );
    const retry = await client.post("/admin/accounting", { intent: "retry", syncId: a.syncId });
    expect(retry.status).toBe(400);
    const after = await withShop(a.shop.id, (tx) =>
      tx.select().from(schema.accountingSyncs).where(eq(schema.accountingSyncs.id, a.syncId)),
    );
    expect(after).toEqual(before);

    const dashboard = await (await client.get("/admin?from=2026-11-01&to=2026-11-30")).text();
    expect(dashboard).toContain('data-testid="total-orders">0<');
    const settings = await (await client.get("/admin/settings/accounting")).text();
    expect(settings).toContain("Not connected");

    const own = await signedIn(a.user);
    const ownPage = await (await own.get("/admin/accounting")).text();
    expect(ownPage).toContain("Aminah of shop A");
    const ownDashboard = await (await own.get("/admin?from=2026-11-02&to=2026-11-03")).text();
    expect(ownDashboard).toContain('data-testid="total-orders">3<');
  });

  it("staff without the Reports permission see the dashboard without figures and cannot open the sync page", async () => {
    const staff = await makeUser();
    await addMember(a.shop.id, staff.id, "staff", ["orders"]);
    const client = await signedIn(staff);
    const dashboard = await (await client.get("/admin")).text();
    expect(dashboard).not.toContain('data-testid="total-orders"');
    expect((await client.get("/admin/accounting")).status).toBe(403);
    expect((await client.get("/admin/settings/accounting")).status).toBe(403);
    const reports = await client.get("/admin/reports");
    expect(reports.status).toBe(200);
    expect(await reports.text()).toContain("You do not get the daily report.");
  });
});
