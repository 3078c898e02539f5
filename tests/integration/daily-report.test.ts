/**
 * The daily WhatsApp report: content for a seeded day (shop-local day boundaries), recipients
 * (owner by default, staff who opt in, opt-out), exactly one report per shop and day when the
 * job runs twice, and BullMQ job schedulers at the shop's local time across time zones and DST.
 */
import type { Worker } from "bullmq";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { creditBalances } from "~/domain/ai/credits.server";
import { getProduct } from "~/domain/catalog/products.server";
import { dailyReportContent, reportDateFor, sendDailyReport } from "~/domain/reports/daily.server";
import { ensureReportScheduler, reportSchedulerId, saveReportSettings, setReportSubscription } from "~/domain/reports/schedule.server";
import { closeRedis, queue } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { startReportsWorker } from "../../workers/reports";
import { makeProduct } from "../helpers/catalog";
import { addMember, makeShop, makeUser } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";

let stack: IsolatedStack;
let shopId: string;
let owner: Awaited<ReturnType<typeof makeUser>>;
let optedIn: Awaited<ReturnType<typeof makeUser>>;
let notOptedIn: Awaited<ReturnType<typeof makeUser>>;
let shirt: string;
let scarf: string;

async function setTimezone(id: string, timezone: string) {
  await withShop(id, (tx) => tx.update(schema.shops).set({ timezone }).where(eq(schema.shops.id, id)));
}
async function reportMessages(id: string) {
  return withShop(id, (tx) =>
    tx
      .select()
      .from(schema.messages)
      .where(and(eq(schema.messages.shopId, id), eq(schema.messages.purpose, "daily_report"))),
  );
}

beforeAll(async () => {
  stack = await isolatedStack();
  owner = await makeUser();
  optedIn = await makeUser();
  notOptedIn = await makeUser();
  shopId = (await makeShop(owner.id, { name: "Kedai Kopi Pagi" })).id;
  await setTimezone(shopId, "Asia/Kuala_Lumpur");
  await addMember(shopId, optedIn.id, "staff", ["orders"]);
  await addMember(shopId, notOptedIn.id, "staff", ["orders"]);
  await setReportSubscription(shopId, optedIn.id, true);
  const a = await makeProduct(shopId, owner.id, { title: "Kopi Tenom 250g", price: "25.00", stock: 100, status: "active" });
  const b = await makeProduct(shopId, owner.id, { title: "Batik scarf", price: "60.00", stock: 3, status: "active" });
  shirt = (await getProduct(shopId, a.productId))!.variants[0].id;
  scarf = (await getProduct(shopId, b.productId))!.variants[0].id;
});
afterAll(async () => {
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

describe("report content for a seeded day", () => {
  it("counts 5 December in Kuala Lumpur (UTC+8), not the UTC day", async () => {
    // 01:00 on 5 Dec in KL is 4 Dec in UTC: included. 23:00 on 4 Dec in KL: not. An unpaid order: not.
    const early = await makeOrder(shopId, { lines: [{ variantId: shirt, quantity: 2 }], createdAt: new Date("2026-12-04T17:00:00Z") });
    const late = await makeOrder(shopId, {
      lines: [
        { variantId: scarf, quantity: 1 },
        { variantId: shirt, quantity: 1 },
      ],
      createdAt: new Date("2026-12-05T15:30:00Z"),
    });
    await makeOrder(shopId, { lines: [{ variantId: shirt, quantity: 9 }], createdAt: new Date("2026-12-04T15:00:00Z") });
    await makeOrder(shopId, { lines: [{ variantId: shirt, quantity: 7 }], createdAt: new Date("2026-12-05T03:00:00Z"), paid: false });

    expect(reportDateFor(new Date("2026-12-06T01:00:00Z"), "Asia/Kuala_Lumpur")).toBe("2026-12-05");
    const content = await withShop(shopId, (tx) => dailyReportContent(tx, shopId, "2026-12-05"));
    const revenue = early.totalMinor + late.totalMinor;
    const credits = await withShop(shopId, (tx) => creditBalances(tx, shopId));
    expect(content).toMatchObject({
      date: "2026-12-05",
      shopName: "Kedai Kopi Pagi",
      orders: 2,
      revenueMinor: revenue,
      averageOrderMinor: Math.round(revenue / 2),
      top: [
        { title: "Batik scarf", quantity: 1, revenueMinor: 6_000 },
        { title: "Kopi Tenom 250g", quantity: 3, revenueMinor: 7_500 },
      ].sort((x, y) => y.revenueMinor - x.revenueMinor),
      // Every paid order not yet fulfilled is waiting, whatever its day.
      fulfilmentsWaiting: 3,
      // 3 in stock, 1 sold in a paid order (paying takes the stock).
      lowStock: [{ title: "Batik scarf", available: 2 }],
      aiCreditsLeft: { copy: credits.copy.left, tryon: credits.tryon.left, video: credits.video.left },
    });
  });

  it("goes to the owner and to staff who opted in, once, even when the job runs twice at once", async () => {
    const at = new Date("2026-12-06T01:00:00Z");
    const [a, b] = await Promise.all([sendDailyReport(shopId, at), sendDailyReport(shopId, at)]);
    expect([a.status, b.status].sort()).toEqual(["already-sent", "sent"]);
    const sent = a.status === "sent" ? a : b;
    if (sent.status !== "sent") throw new Error("unreachable");
    expect(sent.recipients).toBe(2);
    expect(sent.body).toContain("*Kedai Kopi Pagi* — daily report for Sat, 5 Dec 2026");
    expect(sent.body).toContain("Orders: *2*");
    expect(sent.body).toContain("Low stock: Batik scarf (2 left)");
    const messages = await reportMessages(shopId);
    expect(messages.map((m) => m.recipient).sort()).toEqual([owner.phone, optedIn.phone].sort());
    expect(await sendDailyReport(shopId, at)).toMatchObject({ status: "already-sent" });
    const rows = await withShop(shopId, (tx) => tx.select().from(schema.dailyReports).where(eq(schema.dailyReports.shopId, shopId)));
    expect(rows.map((r) => r.reportDate)).toEqual(["2026-12-05"]);
  });

  it("respects opt-out and the shop's switch", async () => {
    await setReportSubscription(shopId, owner.id, false);
    const next = await sendDailyReport(shopId, new Date("2026-12-07T01:00:00Z"));
    expect(next).toMatchObject({ status: "sent", recipients: 1 });
    await setReportSubscription(shopId, owner.id, true);
    expect(await saveReportSettings({ userId: owner.id, shopId }, { enabled: "", sendAt: "09:00" })).toEqual({ ok: true });
    expect(await sendDailyReport(shopId, new Date("2026-12-08T01:00:00Z"))).toMatchObject({ status: "disabled" });
    expect(await saveReportSettings({ userId: owner.id, shopId }, { enabled: "on", sendAt: "9am" })).toEqual({
      ok: false,
      errors: { sendAt: { key: "settings:errors.sendAt" } },
    });
    expect(await saveReportSettings({ userId: owner.id, shopId }, { enabled: "on", sendAt: "09:00" })).toEqual({ ok: true });
  });

  it("the worker runs a daily-report job twice and one report goes out", async () => {
    const other = await makeUser();
    const otherShop = (await makeShop(other.id)).id;
    const worker: Worker = startReportsWorker();
    try {
      const q = queue("reports");
      await q.add("daily-report", { shopId: otherShop }, { jobId: `twice-1-${otherShop}` });
      await q.add("daily-report", { shopId: otherShop }, { jobId: `twice-2-${otherShop}` });
      await expect.poll(async () => (await q.getJobCounts("completed")).completed).toBeGreaterThanOrEqual(2);
      expect(await reportMessages(otherShop)).toHaveLength(1);
      const rows = await withShop(otherShop, (tx) =>
        tx.select().from(schema.dailyReports).where(eq(schema.dailyReports.shopId, otherShop)),
      );
      expect(rows).toHaveLength(1);
    } finally {
      await worker.close();
    }
  });
});

describe("the report in the shop's language", () => {
  /** A shop in `language` with two products and two paid orders on 5 December (Kuala Lumpur). */
  async function seededShop(name: string, language: "ms" | "zh") {
    const user = await makeUser();
    const id = (await makeShop(user.id, { name, language })).id;
    await setTimezone(id, "Asia/Kuala_Lumpur");
    const kopi = await makeProduct(id, user.id, { title: "Kopi Tenom 250g", price: "25.00", stock: 100, status: "active" });
    const scarf = await makeProduct(id, user.id, { title: "Batik scarf", price: "60.00", stock: 3, status: "active" });
    const k = (await getProduct(id, kopi.productId))!.variants[0].id;
    const s = (await getProduct(id, scarf.productId))!.variants[0].id;
    const a = await makeOrder(id, {
      lines: [{ variantId: k, quantity: 2 }],
      shippingMinor: 0,
      createdAt: new Date("2026-12-05T02:00:00Z"),
    });
    const b = await makeOrder(id, {
      lines: [
        { variantId: s, quantity: 1 },
        { variantId: k, quantity: 1 },
      ],
      shippingMinor: 0,
      createdAt: new Date("2026-12-05T06:00:00Z"),
    });
    expect([a.totalMinor, b.totalMinor]).toEqual([5_000, 8_500]);
    const credits = await withShop(id, (tx) => creditBalances(tx, id));
    const sent = await sendDailyReport(id, new Date("2026-12-06T01:00:00Z"));
    if (sent.status !== "sent") throw new Error(`not sent: ${sent.status}`);
    const messages = await reportMessages(id);
    expect(messages.map((m) => m.recipient)).toEqual([user.phone]);
    expect(messages[0].body).toBe(sent.body);
    return { body: sent.body, credits: { copy: credits.copy.left, tryon: credits.tryon.left, video: credits.video.left } };
  }

  it("writes a Bahasa Melayu shop's report in Bahasa Melayu (product titles as written)", async () => {
    const { body, credits } = await seededShop("Kedai Batik Ayu", "ms");
    // Intl puts a no-break space between "RM" and the amount.
    expect(body).toBe(
      [
        "*Kedai Batik Ayu* — laporan harian untuk Sab, 5 Dis 2026",
        "",
        "Pesanan: *2*",
        "Hasil jualan: *RM\u00a0135.00*",
        "Purata pesanan: RM\u00a067.50",
        "",
        "Produk terlaris:",
        "1. Kopi Tenom 250g — 3 terjual, RM\u00a075.00",
        "2. Batik scarf — 1 terjual, RM\u00a060.00",
        "",
        "Pesanan menunggu untuk dipenuhi: 2",
        "Stok rendah: Batik scarf (tinggal 2)",
        `Baki kredit AI: salinan ${credits.copy}, cuba pakai ${credits.tryon}, video ${credits.video}`,
      ].join("\n"),
    );
  });

  it("writes a Chinese shop's report in Chinese (product titles as written)", async () => {
    const { body, credits } = await seededShop("金龙茶庄", "zh");
    expect(body).toBe(
      [
        "*金龙茶庄* — 2026年12月5日周六 每日报告",
        "",
        "订单：*2*",
        "营业额：*RM\u00a0135.00*",
        "平均订单金额：RM\u00a067.50",
        "",
        "热销商品：",
        "1. Kopi Tenom 250g — 售出 3 件，RM\u00a075.00",
        "2. Batik scarf — 售出 1 件，RM\u00a060.00",
        "",
        "待发货订单：2",
        "库存不足：Batik scarf（剩 2 件）",
        `剩余 AI 额度：文案 ${credits.copy}，试穿 ${credits.tryon}，视频 ${credits.video}`,
      ].join("\n"),
    );
  });
});

describe("scheduling across time zones", () => {
  const localTime = (ms: number, timeZone: string) =>
    new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(ms));

  it("runs at 09:00 shop time in Kuala Lumpur and in London, summer and winter (DST)", async () => {
    const london = (await makeShop(owner.id)).id;
    await setTimezone(london, "Europe/London");
    const summer = new Date("2027-07-01T00:00:00Z");
    const winter = new Date("2027-01-10T00:00:00Z");

    const kl = await ensureReportScheduler(shopId, null, summer);
    expect(kl).toMatchObject({ id: reportSchedulerId(shopId), timezone: "Asia/Kuala_Lumpur" });
    expect(new Date(kl!.next!).toISOString()).toBe("2027-07-01T01:00:00.000Z");

    const ldnSummer = await ensureReportScheduler(london, null, summer);
    expect(new Date(ldnSummer!.next!).toISOString()).toBe("2027-07-01T08:00:00.000Z");
    expect(localTime(ldnSummer!.next!, "Europe/London")).toBe("09:00");

    const ldnWinter = await ensureReportScheduler(london, null, winter);
    expect(new Date(ldnWinter!.next!).toISOString()).toBe("2027-01-10T09:00:00.000Z");

    // From now: the next run is 09:00 local and within a day.
    const now = await ensureReportScheduler(london);
    expect(localTime(now!.next!, "Europe/London")).toBe("09:00");
    expect(now!.next! - Date.now()).toBeLessThanOrEqual(24 * 3600_000 + 3600_000);
  });

  it("lives in Redis: a new connection (a restarted worker) finds the same scheduler; a changed time moves it; off removes it", async () => {
    await ensureReportScheduler(shopId);
    await closeRedis();
    const found = await queue("reports").getJobScheduler(reportSchedulerId(shopId));
    expect(found).toMatchObject({ pattern: "0 9 * * *", tz: "Asia/Kuala_Lumpur" });

    await withShop(shopId, (tx) =>
      tx.update(schema.reportSettings).set({ sendAt: "07:30" }).where(eq(schema.reportSettings.shopId, shopId)),
    );
    const moved = await ensureReportScheduler(shopId);
    expect(localTime(moved!.next!, "Asia/Kuala_Lumpur")).toBe("07:30");
    expect(await queue("reports").getJobScheduler(reportSchedulerId(shopId))).toMatchObject({ pattern: "30 7 * * *" });

    await withShop(shopId, (tx) =>
      tx.update(schema.reportSettings).set({ enabled: false }).where(eq(schema.reportSettings.shopId, shopId)),
    );
    expect(await ensureReportScheduler(shopId)).toBeNull();
    expect(await queue("reports").getJobScheduler(reportSchedulerId(shopId))).toBeFalsy();
  });
});
