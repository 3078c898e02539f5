/**
 * Platform invoice lines are stored without words (`item`: a plan's period, a credit for the unused
 * part of the old plan, an AI credit pack) and worded here in the reader's language, for the
 * billing history, the HTML invoice and the PDF. A line issued before items existed has only its
 * English `description`, which is shown as it is.
 */
import { DEFAULT_LOCALE, FORMAT_LANG, type Locale } from "~/lib/i18n";
import { formatMoney } from "~/lib/money";
import type { InvoiceItem, InvoiceLine } from "~db/schema/billing";

import { billingT } from "./refusals.server";

/** A local day (YYYY-MM-DD) as the reader writes dates: "7 Dec 2026", "7 Dis 2026", "2026年12月7日". */
export function invoiceDay(locale: Locale, day: string): string {
  return new Intl.DateTimeFormat(FORMAT_LANG[locale], { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

function itemText(locale: Locale, item: InvoiceItem): string {
  const t = billingT(locale);
  switch (item.kind) {
    case "plan":
      return t("lines.plan", {
        plan: item.plan,
        interval: t(`interval.${item.interval}`),
        start: invoiceDay(locale, item.start),
        end: invoiceDay(locale, item.end),
      });
    case "credit":
      return t("lines.credit", { plan: item.plan, paid: formatMoney(item.paidMinor, item.currency, FORMAT_LANG[locale]) });
    case "pack":
      return t(`topUp.packs.${item.creditKind}`, { credits: item.credits });
  }
}

/** What the line is for, in `locale`. */
export function lineText(locale: Locale, line: InvoiceLine): string {
  return line.item ? itemText(locale, line.item) : line.description;
}

/** Invoices with their lines worded in `locale`, for the pages that list them (the merchant's history, the operators' tables). */
export function withLineTexts<T extends { lines: InvoiceLine[] }>(
  locale: Locale,
  invoices: T[],
): (Omit<T, "lines"> & { lines: string[] })[] {
  return invoices.map(({ lines, ...inv }) => ({ ...inv, lines: lines.map((l) => lineText(locale, l)) }));
}

/** A line to issue: its item, and the English words for logs and for readers of the raw row. */
export function invoiceLine(item: InvoiceItem, amountMinor: number, extra: Pick<InvoiceLine, "credits"> = {}): InvoiceLine {
  return { description: itemText(DEFAULT_LOCALE, item), item, amountMinor, ...extra };
}
