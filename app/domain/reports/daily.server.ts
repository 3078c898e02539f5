/**
 * The daily WhatsApp report: yesterday's orders, revenue, average order value, top products,
 * fulfilments waiting, low stock and AI credits left, sent through Wassenger via the outbox to
 * the owner (unless they opted out) and to staff who opted in, at the shop's chosen local time.
 *
 * Exactly once per shop per day: the `daily_reports` row (unique on shop and local date) is
 * written in the same transaction as the messages, so a job that runs twice (a worker restart,
 * a retry, two schedulers firing) sends nothing the second time.
 */
import { and, eq, isNull, sql } from "drizzle-orm";

import { creditBalances } from "~/domain/ai/credits.server";
import { queueMessage } from "~/domain/notify/messages.server";
import { addDays, localDate } from "~/lib/dates";
import { DEFAULT_LOCALE, HTML_LANG, isLocale, type Locale } from "~/lib/i18n";
import { serverT } from "~/lib/i18n.server";
import { schema, type Tx, withShop } from "~db/client";

import { salesTotals, topProducts } from "./figures.server";

/** Variants at or below this many available units are listed as low stock. */
export const LOW_STOCK_AT = 5;
export const DEFAULT_SEND_AT = "09:00";

export interface ReportSettingsView {
  enabled: boolean;
  sendAt: string;
  timezone: string;
}

export async function reportSettings(tx: Tx, shopId: string): Promise<ReportSettingsView> {
  const [shop] = await tx.select({ timezone: schema.shops.timezone }).from(schema.shops).where(eq(schema.shops.id, shopId));
  const [row] = await tx.select().from(schema.reportSettings).where(eq(schema.reportSettings.shopId, shopId));
  return { enabled: row?.enabled ?? true, sendAt: row?.sendAt ?? DEFAULT_SEND_AT, timezone: shop?.timezone ?? "Asia/Kuala_Lumpur" };
}

export interface Recipient {
  userId: string;
  name: string;
  phone: string;
  role: string;
  subscribed: boolean;
}

/** Every member and whether they get the report: owners unless they opted out, others if they opted in. */
export async function reportMembers(tx: Tx, shopId: string): Promise<Recipient[]> {
  const m = schema.shopMemberships;
  const rows = await tx
    .select({
      userId: m.userId,
      role: m.role,
      name: schema.users.name,
      phone: schema.users.phone,
      choice: schema.reportSubscriptions.subscribed,
      frozenAt: m.frozenAt,
    })
    .from(m)
    .innerJoin(schema.users, eq(schema.users.id, m.userId))
    .leftJoin(
      schema.reportSubscriptions,
      and(eq(schema.reportSubscriptions.shopId, m.shopId), eq(schema.reportSubscriptions.userId, m.userId)),
    )
    .where(and(eq(m.shopId, shopId), isNull(m.frozenAt)))
    .orderBy(m.role, schema.users.name);
  return rows.map((r) => ({ userId: r.userId, name: r.name, phone: r.phone, role: r.role, subscribed: r.choice ?? r.role === "owner" }));
}

export interface DailyReportContent {
  date: string;
  shopName: string;
  /** The shop's language (shops.language): the report is written in it (see sendDailyReport). */
  language: Locale;
  currency: string;
  orders: number;
  revenueMinor: number;
  averageOrderMinor: number;
  top: { title: string; quantity: number; revenueMinor: number }[];
  fulfilmentsWaiting: number;
  lowStock: { title: string; available: number }[];
  aiCreditsLeft: { copy: number; tryon: number; video: number };
}

/** The local date a report sent at `at` covers: the day before, in the shop's time zone. */
export function reportDateFor(at: Date, timezone: string): string {
  return addDays(localDate(at, timezone), -1);
}

export async function dailyReportContent(tx: Tx, shopId: string, date: string): Promise<DailyReportContent> {
  const [shop] = await tx
    .select({ name: schema.shops.name, timezone: schema.shops.timezone, currency: schema.shops.currency, language: schema.shops.language })
    .from(schema.shops)
    .where(eq(schema.shops.id, shopId));
  const totals = await salesTotals(tx, shopId, date, date);
  const top = await topProducts(tx, shopId, date, date, 3);
  const [{ waiting }] = await tx
    .select({ waiting: sql<number>`count(*)::int` })
    .from(schema.orders)
    .where(
      and(
        eq(schema.orders.shopId, shopId),
        sql`${schema.orders.status} in ('paid', 'processing')`,
        sql`${schema.orders.fulfilmentStatus} <> 'fulfilled'`,
      ),
    );
  const low = await tx.execute<{ title: string; variant_title: string; available: number }>(sql`
    select p.title, v.title as variant_title, (i.on_hand - i.reserved)::int as available
    from inventory_levels i
    join variants v on v.shop_id = i.shop_id and v.id = i.variant_id
    join products p on p.shop_id = v.shop_id and p.id = v.product_id
    where i.shop_id = ${shopId} and v.track_inventory and p.status = 'active' and i.on_hand - i.reserved <= ${LOW_STOCK_AT}
    order by available, p.title, v.title limit 5`);
  const credits = await creditBalances(tx, shopId);
  return {
    date,
    shopName: shop.name,
    language: isLocale(shop.language) ? shop.language : DEFAULT_LOCALE,
    currency: shop.currency,
    orders: totals.orders,
    revenueMinor: totals.revenueMinor,
    averageOrderMinor: totals.averageOrderMinor,
    top: top.map((t) => ({ title: t.title, quantity: t.quantity, revenueMinor: t.revenueMinor })),
    fulfilmentsWaiting: Number(waiting),
    lowStock: low.map((r) => ({
      title: r.variant_title && r.variant_title !== "Default" ? `${r.title} (${r.variant_title})` : r.title,
      available: Number(r.available),
    })),
    aiCreditsLeft: { copy: credits.copy.left, tryon: credits.tryon.left, video: credits.video.left },
  };
}

/**
 * The WhatsApp text (WhatsApp's *bold*) in `locale` (namespace "reports", key "whatsapp"), numbers,
 * money and the date through Intl in that language (Malaysian region). Product titles and the shop
 * name are merchant content and stay as written.
 */
export function dailyReportText(c: DailyReportContent, locale: Locale = DEFAULT_LOCALE): string {
  const t = serverT(locale, "reports");
  const tag = `${HTML_LANG[locale]}-MY`;
  const num = new Intl.NumberFormat(tag);
  const n = (value: number) => num.format(value);
  const money = (minor: number) =>
    new Intl.NumberFormat(tag, { style: "currency", currency: c.currency, currencyDisplay: "narrowSymbol" }).format(minor / 100);
  const day = new Intl.DateTimeFormat(tag, { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(
    new Date(`${c.date}T00:00:00Z`),
  );
  const low = c.lowStock.map((l) => t("whatsapp.lowStockItem", { title: l.title, number: n(l.available) })).join(t("whatsapp.separator"));
  const lines = [
    t("whatsapp.title", { shop: c.shopName, date: day }),
    "",
    t("whatsapp.orders", { number: n(c.orders) }),
    t("whatsapp.revenue", { amount: money(c.revenueMinor) }),
    t("whatsapp.averageOrder", { amount: money(c.averageOrderMinor) }),
    "",
    c.top.length ? t("whatsapp.topProducts") : t("whatsapp.topNone"),
    ...c.top.map((p, i) => t("whatsapp.topLine", { rank: i + 1, title: p.title, quantity: n(p.quantity), amount: money(p.revenueMinor) })),
    "",
    t("whatsapp.waiting", { number: n(c.fulfilmentsWaiting) }),
    c.lowStock.length ? t("whatsapp.lowStock", { items: low }) : t("whatsapp.lowStockNone"),
    t("whatsapp.aiCredits", { copy: n(c.aiCreditsLeft.copy), tryon: n(c.aiCreditsLeft.tryon), video: n(c.aiCreditsLeft.video) }),
  ];
  return lines.join("\n");
}

export type DailyReportOutcome =
  { status: "sent"; date: string; recipients: number; body: string } | { status: "already-sent" | "disabled"; date: string };

/** Sends the report covering the day before `at` (shop-local): once per shop and date. */
export async function sendDailyReport(shopId: string, at: Date = new Date()): Promise<DailyReportOutcome> {
  return withShop(shopId, async (tx) => {
    const settings = await reportSettings(tx, shopId);
    const date = reportDateFor(at, settings.timezone);
    if (!settings.enabled) return { status: "disabled", date };
    // Serialise concurrent runs for this shop and day; the unique row decides.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`daily-report:${shopId}:${date}`}))`);
    const [done] = await tx
      .select({ id: schema.dailyReports.id })
      .from(schema.dailyReports)
      .where(and(eq(schema.dailyReports.shopId, shopId), eq(schema.dailyReports.reportDate, date)));
    if (done) return { status: "already-sent", date };
    // One text for every recipient, in the shop's language: users.preferred_language is NOT NULL
    // DEFAULT 'en' and nothing lets a user choose it (the admin's language is the `lng` cookie), so
    // it cannot tell "chose English" from "never chose"; the shop's language is the one its owner
    // actually picked (Settings). One body also keeps the daily_reports row the exact text sent.
    const content = await dailyReportContent(tx, shopId, date);
    const body = dailyReportText(content, content.language);
    const recipients = (await reportMembers(tx, shopId)).filter((r) => r.subscribed && r.phone);
    const [row] = await tx
      .insert(schema.dailyReports)
      .values({ shopId, reportDate: date, body, recipients: recipients.length })
      .onConflictDoNothing()
      .returning({ id: schema.dailyReports.id });
    if (!row) return { status: "already-sent", date };
    for (const r of recipients)
      await queueMessage(tx, { channel: "whatsapp", shopId, userId: r.userId, to: r.phone, purpose: "daily_report", body });
    return { status: "sent", date, recipients: recipients.length, body };
  });
}
