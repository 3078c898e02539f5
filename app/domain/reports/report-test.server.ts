/**
 * "Send a test now" on the daily report's settings: the report as it would go out now, sent at
 * once to the member who asks, on their own verified WhatsApp number, through the outbox like the
 * daily report itself. The daily report (its once-a-day row) is not touched.
 *
 * Once per click: the form carries a fresh token each time it is shown; the send is recorded in
 * the audit log under that token in the same transaction as the message, and a second post of the
 * same token (a double click, a resent form) finds it and sends nothing.
 */
import { randomUUID } from "node:crypto";

import { and, eq, sql } from "drizzle-orm";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { queueMessage } from "~/domain/notify/messages.server";
import { coded, type Refusal } from "~/lib/forms";
import type { Locale } from "~/lib/i18n";
import { isUuid } from "~/lib/ids";
import { schema, type Tx, withShop } from "~db/client";

import { dailyReportContent, dailyReportText, reportDateFor, reportSettings } from "./daily.server";

/** A fresh token per rendering of the test form. */
export const newReportTestToken = () => randomUUID();

const SENT = "report.test_sent";

/** The member's number when WhatsApp has confirmed it is theirs; undefined otherwise. */
async function verifiedPhone(tx: Tx, userId: string): Promise<string | undefined> {
  const [user] = await tx
    .select({ phone: schema.users.phone, verifiedAt: schema.users.phoneVerifiedAt })
    .from(schema.users)
    .where(eq(schema.users.id, userId));
  return user?.verifiedAt && user.phone ? user.phone : undefined;
}

/** The report's text as it would be sent at `at`, in the shop's language, and the date it covers. */
async function reportNow(tx: Tx, shopId: string, at: Date): Promise<{ date: string; language: Locale; text: string }> {
  const settings = await reportSettings(tx, shopId);
  const content = await dailyReportContent(tx, shopId, reportDateFor(at, settings.timezone));
  return { date: content.date, language: content.language, text: dailyReportText(content, content.language) };
}

/** What the settings page shows: the report's preview and where a test would go. */
export async function reportTestView(shopId: string, userId: string, at: Date = new Date()) {
  return withShop(shopId, async (tx) => ({ preview: await reportNow(tx, shopId, at), phone: await verifiedPhone(tx, userId) }));
}

export type ReportTestOutcome = { ok: true; phone: string } | Refusal<{ form: ReturnType<typeof coded> }>;

/** Sends the report now to the acting member's verified number, once per `token`. */
export async function sendReportTest(
  actor: { userId: string; shopId: string } & RequestInfo,
  token: unknown,
  at: Date = new Date(),
): Promise<ReportTestOutcome> {
  if (!isUuid(token)) return { ok: false, errors: { form: coded("settings:errors.reload") } };
  return withShop(actor.shopId, async (tx) => {
    const phone = await verifiedPhone(tx, actor.userId);
    if (!phone) return { ok: false as const, errors: { form: coded("settings:errors.noVerifiedPhone") } };
    // Two posts of one click wait for each other here; the audit row decides.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`report-test:${token}`}))`);
    const [done] = await tx
      .select({ id: schema.auditLog.id })
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.shopId, actor.shopId), eq(schema.auditLog.action, SENT), eq(schema.auditLog.targetId, token)));
    if (done) return { ok: true as const, phone };
    const report = await reportNow(tx, actor.shopId, at);
    await queueMessage(tx, {
      channel: "whatsapp",
      shopId: actor.shopId,
      userId: actor.userId,
      to: phone,
      purpose: "daily_report_test",
      body: report.text,
    });
    await audit(tx, {
      shopId: actor.shopId,
      actorUserId: actor.userId,
      action: SENT,
      targetType: "report_test",
      targetId: token,
      after: { date: report.date },
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
    return { ok: true as const, phone };
  });
}
