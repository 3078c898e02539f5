/**
 * The owner told about a platform invoice (issued with its pay link, reminders, suspension),
 * by WhatsApp and email through the outbox, in the owner's language, each at most once per
 * invoice (reminders_sent).
 */
import { eq } from "drizzle-orm";

import { publicUrl } from "~/config.server";
import { queueMessage } from "~/domain/notify/messages.server";
import { isLocale } from "~/lib/i18n";
import { serverT } from "~/lib/i18n.server";
import { formatMoney } from "~/lib/money";
import { schema, type Tx } from "~db/client";

import { claimReminder, invoiceLink, type PlatformInvoice } from "./invoices.server";
import { localDay } from "./periods";
import { shopOwner, shopTimezone } from "./subscriptions.server";

export type BillingMessage = "issued" | "reminder" | "suspended";

/** Sends `kind` about `invoice` once per `key`; false when it was sent already. */
export async function tellOwner(tx: Tx, invoice: PlatformInvoice, kind: BillingMessage, key: string): Promise<boolean> {
  if (!(await claimReminder(tx, invoice.shopId, invoice.id, key))) return false;
  const owner = await shopOwner(tx, invoice.shopId);
  if (!owner) return true;
  const [shop] = await tx.select({ name: schema.shops.name }).from(schema.shops).where(eq(schema.shops.id, invoice.shopId));
  const t = serverT(isLocale(owner.language) ? owner.language : "en", "billing");
  const body = t(`messages.${kind}`, {
    number: invoice.number,
    amount: formatMoney(invoice.totalMinor, invoice.currency),
    shop: shop?.name ?? "",
    date: localDay(invoice.dueAt, await shopTimezone(tx, invoice.shopId)),
    link: invoiceLink(invoice.id),
  });
  const purpose = `billing.${kind}`;
  await queueMessage(tx, { channel: "whatsapp", shopId: invoice.shopId, userId: owner.id, to: owner.phone, purpose, body });
  await queueMessage(tx, {
    channel: "email",
    shopId: invoice.shopId,
    userId: owner.id,
    to: owner.email,
    purpose,
    subject: `NetShop ${invoice.number}`,
    body,
  });
  return true;
}

const TEXT_PURPOSES = {
  operatorSuspended: "billing.suspended_by_operator",
  operatorRestored: "billing.restored_by_operator",
  operatorCancelled: "billing.cancelled_by_operator",
  trialEnded: "billing.trial_ended",
} as const;

/** A word to the owner that is not about one invoice (an operator's action, the trial's end). */
export async function tellOwnerText(
  tx: Tx,
  shopId: string,
  kind: keyof typeof TEXT_PURPOSES,
  params: Record<string, string> = {},
): Promise<void> {
  const owner = await shopOwner(tx, shopId);
  if (!owner) return;
  const [shop] = await tx.select({ name: schema.shops.name }).from(schema.shops).where(eq(schema.shops.id, shopId));
  const t = serverT(isLocale(owner.language) ? owner.language : "en", "billing");
  const body = t(`messages.${kind}`, { shop: shop?.name ?? "", reason: "", link: `${publicUrl()}/admin/billing`, ...params });
  const purpose = TEXT_PURPOSES[kind];
  await queueMessage(tx, { channel: "whatsapp", shopId, userId: owner.id, to: owner.phone, purpose, body });
  await queueMessage(tx, {
    channel: "email",
    shopId,
    userId: owner.id,
    to: owner.email,
    purpose,
    subject: `NetShop: ${shop?.name ?? ""}`,
    body,
  });
}
