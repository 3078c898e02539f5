/**
 * Daily-report scheduling with BullMQ job schedulers (stored in Redis, so they survive worker
 * restarts): one per shop, `daily-report:<shopId>`, a cron pattern at the chosen minute with the
 * shop's IANA time zone (cron-parser applies DST). An hourly `sync-schedulers` job (and every
 * worker start) makes each shop's scheduler match its settings, so new shops and time-zone
 * changes are picked up; settings saved in the admin reschedule at once through the outbox.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { DEFAULT_JOB_OPTIONS } from "~/domain/jobs/queues";
import { codedFieldErrors } from "~/lib/forms";
import { queue } from "~/lib/redis.server";
import { asPlatform, schema, withShop } from "~db/client";

import { DEFAULT_SEND_AT } from "./daily.server";

export const reportSchedulerId = (shopId: string) => `daily-report:${shopId}`;
export const SYNC_SCHEDULERS_ID = "daily-report-sync";

export function cronFor(sendAt: string): string {
  const [h, m] = sendAt.split(":").map(Number);
  return `${m} ${h} * * *`;
}

/** Makes one shop's scheduler match its settings (or removes it). */
export async function ensureReportScheduler(
  shopId: string,
  known?: { enabled: boolean; sendAt: string; timezone: string } | null,
  /** No run before this moment (default: now). */
  startDate?: Date,
): Promise<{ id: string; next?: number; timezone: string } | null> {
  const s =
    known ??
    (await withShop(shopId, async (tx) => {
      const [shop] = await tx.select({ timezone: schema.shops.timezone }).from(schema.shops).where(eq(schema.shops.id, shopId));
      const [row] = await tx.select().from(schema.reportSettings).where(eq(schema.reportSettings.shopId, shopId));
      return shop ? { enabled: row?.enabled ?? true, sendAt: row?.sendAt ?? DEFAULT_SEND_AT, timezone: shop.timezone } : null;
    }));
  const q = queue("reports");
  const id = reportSchedulerId(shopId);
  if (!s || !s.enabled) {
    await q.removeJobScheduler(id);
    return null;
  }
  await q.upsertJobScheduler(
    id,
    { pattern: cronFor(s.sendAt), tz: s.timezone, ...(startDate ? { startDate } : {}) },
    {
      name: "daily-report",
      data: { shopId },
      opts: {
        attempts: 5,
        backoff: DEFAULT_JOB_OPTIONS.backoff,
        removeOnComplete: DEFAULT_JOB_OPTIONS.removeOnComplete,
        removeOnFail: DEFAULT_JOB_OPTIONS.removeOnFail,
      },
    },
  );
  const scheduler = await q.getJobScheduler(id);
  return { id, next: scheduler?.next ?? undefined, timezone: s.timezone };
}

/** Every shop's scheduler, and the hourly job that keeps them so. Cross-shop by nature. */
export async function syncAllReportSchedulers(): Promise<number> {
  await queue("reports").upsertJobScheduler(SYNC_SCHEDULERS_ID, { pattern: "17 * * * *" }, { name: "sync-schedulers", data: {} });
  const shops = await asPlatform((tx) =>
    tx
      .select({
        id: schema.shops.id,
        timezone: schema.shops.timezone,
        enabled: schema.reportSettings.enabled,
        sendAt: schema.reportSettings.sendAt,
      })
      .from(schema.shops)
      .leftJoin(schema.reportSettings, eq(schema.reportSettings.shopId, schema.shops.id)),
  );
  for (const s of shops)
    await ensureReportScheduler(s.id, { enabled: s.enabled ?? true, sendAt: s.sendAt ?? DEFAULT_SEND_AT, timezone: s.timezone });
  return shops.length;
}

export const ReportSettingsInput = z.object({
  enabled: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
  sendAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "settings:errors.sendAt"),
});

export async function saveReportSettings(actor: { userId: string; shopId: string }, raw: Record<string, unknown>, info: RequestInfo = {}) {
  const parsed = ReportSettingsInput.safeParse(raw);
  if (!parsed.success) return { ok: false as const, errors: codedFieldErrors(parsed.error, "settings:errors.") };
  await withShop(actor.shopId, async (tx) => {
    const values = { enabled: parsed.data.enabled, sendAt: parsed.data.sendAt, updatedAt: new Date() };
    await tx
      .insert(schema.reportSettings)
      .values({ shopId: actor.shopId, ...values })
      .onConflictDoUpdate({ target: schema.reportSettings.shopId, set: values });
    await enqueueAfterCommit(tx, { queue: "reports", name: "schedule", payload: { shopId: actor.shopId }, shopId: actor.shopId });
    await audit(tx, { shopId: actor.shopId, actorUserId: actor.userId, action: "report.settings_changed", after: parsed.data, ...info });
  });
  return { ok: true as const };
}

/** A member's own opt-in or opt-out. */
export async function setReportSubscription(shopId: string, userId: string, subscribed: boolean): Promise<void> {
  await withShop(shopId, (tx) =>
    tx
      .insert(schema.reportSubscriptions)
      .values({ shopId, userId, subscribed })
      .onConflictDoUpdate({
        target: [schema.reportSubscriptions.shopId, schema.reportSubscriptions.userId],
        set: { subscribed, updatedAt: new Date() },
      }),
  );
}
