/**
 * What a paid platform invoice does, inside the transaction that records the payment: the
 * invoice is paid (once), and then the subscription moves (a renewal: the next period; a plan
 * change: the new plan from today) or the AI credit pack is added. Paying restores a past-due,
 * suspended or cancelled shop at once.
 */
import { and, eq } from "drizzle-orm";

import { queueEmail } from "~/domain/notify/messages.server";
import { isLocale } from "~/lib/i18n";
import { serverT } from "~/lib/i18n.server";
import { formatMoney } from "~/lib/money";
import { schema, type Tx } from "~db/client";

import { type PlatformInvoice, voidOpenInvoices } from "./invoices.server";
import { localDay } from "./periods";
import { lockSubscription, moveSubscription, shopOwner, shopTimezone } from "./subscriptions.server";

export type SettleOutcome = "paid" | "already_paid";

/** Marks the (locked) invoice paid and applies it. Idempotent: a paid invoice changes nothing. */
export async function settleInvoice(
  tx: Tx,
  invoice: PlatformInvoice,
  payment: { gateway: string; reference: string; paidAt: Date },
): Promise<SettleOutcome> {
  if (invoice.status === "paid") return "already_paid";
  await tx
    .update(schema.platformInvoices)
    .set({ status: "paid", paidAt: payment.paidAt, gateway: payment.gateway, gatewayReference: payment.reference })
    .where(and(eq(schema.platformInvoices.shopId, invoice.shopId), eq(schema.platformInvoices.id, invoice.id)));
  await applyInvoice(tx, invoice);
  const owner = await shopOwner(tx, invoice.shopId);
  if (owner && invoice.totalMinor > 0) {
    // In the owner's language, like every billing message (dunning.server.ts).
    const t = serverT(isLocale(owner.language) ? owner.language : "en", "billing");
    await queueEmail(tx, {
      shopId: invoice.shopId,
      userId: owner.id,
      to: owner.email,
      purpose: "billing.invoice_paid",
      subject: t("messages.paidSubject", { number: invoice.number }),
      body: t("messages.paid", { number: invoice.number, amount: formatMoney(invoice.totalMinor, invoice.currency) }),
    });
  }
  return "paid";
}

async function applyInvoice(tx: Tx, invoice: PlatformInvoice): Promise<void> {
  if (invoice.kind === "credits") {
    for (const line of invoice.lines) {
      if (!line.credits) continue;
      await tx
        .insert(schema.aiCreditGrants)
        .values({ shopId: invoice.shopId, kind: line.credits.kind, credits: line.credits.credits, source: "pack", invoiceId: invoice.id })
        .onConflictDoNothing();
    }
    return;
  }
  const sub = await lockSubscription(tx, invoice.shopId);
  const timezone = await shopTimezone(tx, invoice.shopId);
  await moveSubscription(
    tx,
    sub,
    "active",
    {
      planId: invoice.planId!,
      interval: invoice.interval!,
      currentPeriodStart: invoice.periodStart,
      currentPeriodEnd: invoice.periodEnd,
      anchorDay: invoice.kind === "change" ? Number(localDay(invoice.periodStart!, timezone).slice(8, 10)) : sub.anchorDay,
      scheduledPlanId: null,
      scheduledInterval: null,
      pastDueSince: null,
      suspendedAt: null,
      suspensionReason: null,
      cancelledAt: null,
      cancelAtPeriodEnd: false,
    },
    { userId: null, reason: `invoice ${invoice.number} paid` },
  );
  // A paid plan change supersedes unpaid renewals and changes of the old plan.
  await voidOpenInvoices(tx, invoice.shopId, ["renewal", "change"], invoice.id);
}
