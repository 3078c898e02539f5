import { CUSTOMER_TIMELINE, type TimelineWording } from "~/domain/orders/timeline-wording";
import { useTranslation } from "~/lib/i18n-react";

/** An order timeline entry as the page receives it: its English summary and, for entries recorded since, its wording. */
interface TimelineEntry {
  type: string;
  summary: string;
  data: Record<string, unknown>;
}

type Values = Record<string, string | number | boolean | null | undefined>;
const STATUSES = ["pending_payment", "paid", "processing", "shipped", "delivered", "cancelled", "refunded", "partially_refunded"] as const;
type Status = (typeof STATUSES)[number];
const isStatus = (s: unknown): s is Status => STATUSES.includes(s as Status);
const KINDS = ["confirmed", "processing", "shipped", "delivered", "cancelled", "refunded", "partially_refunded"] as const;

function wordingOf(entry: TimelineEntry): TimelineWording | undefined {
  const w = entry.data.wording as TimelineWording | undefined;
  return w && typeof w.key === "string" ? w : undefined;
}

/**
 * The order timeline worded for its reader: the shop's staff read every entry ("Customer told by
 * WhatsApp: order confirmed"), the customer only what concerns them, as said to them ("We sent you a
 * WhatsApp message: order confirmed"), both in the page's language. Notes are the staff's own words;
 * an entry recorded before entries carried their wording keeps its English summary.
 */
export function useTimelineText(reader: "merchant" | "customer") {
  const { t } = useTranslation("orders");
  const channel = (v: Values) => (v.channel === "whatsapp" || v.channel === "email" ? t(`timeline.channels.${v.channel}`) : "");
  const kind = (v: Values) => (KINDS.includes(v.kind as never) ? t(`timeline.kinds.${v.kind as (typeof KINDS)[number]}`) : "");
  const status = (s: unknown) => (isStatus(s) ? t(`statuses.${s}`) : String(s ?? ""));
  const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));

  const merchant = (w: TimelineWording): string => {
    const v: Values = w.values ?? {};
    const withReason = (text: string, reason: unknown) => (reason ? t("timeline.reason", { text, reason: str(reason) }) : text);
    switch (w.key) {
      case "created":
        return t("timeline.merchant.created", { count: Number(v.count) || 1 });
      case "statusChanged":
        return withReason(t("timeline.merchant.statusChanged", { from: status(v.from), to: status(v.to) }), v.reason);
      case "notified":
        return t("timeline.merchant.notified", { channel: channel(v), kind: kind(v) });
      case "ownerNotified":
        return t("timeline.merchant.ownerNotified", { channel: channel(v) });
      case "paymentStarted":
        return t(v.sandbox ? "timeline.merchant.paymentStartedSandbox" : "timeline.merchant.paymentStarted", {
          gateway: str(v.gateway),
          amount: str(v.amount),
        });
      case "paymentMismatch":
        return t("timeline.merchant.paymentMismatch", {
          gateway: str(v.gateway),
          field: str(v.field),
          expected: str(v.expected),
          actual: v.actual === null || v.actual === undefined ? t("timeline.merchant.missing") : str(v.actual),
        });
      case "refunded": {
        const base = v.gateway
          ? t("timeline.merchant.refunded", { amount: str(v.amount), gateway: str(v.gateway) })
          : t("timeline.merchant.refundedByHand", { amount: str(v.amount) });
        const reasoned = withReason(base, v.reason);
        return v.restocked ? t("timeline.merchant.restocked", { text: reasoned, items: str(v.restocked) }) : reasoned;
      }
      case "stockReleased":
        return t("timeline.merchant.stockReleased", { count: Number(v.count) || 0 });
      case "fulfilled":
        return t(v.part ? "timeline.merchant.fulfilledPart" : "timeline.merchant.fulfilled", {
          courier: str(v.courier),
          number: str(v.number),
          items: str(v.items),
        });
      case "dropshipAfterCancel":
        return t("timeline.merchant.dropshipAfterCancel", { courier: str(v.courier), number: str(v.number), status: status(v.status) });
      case "accountingSynced":
        return t(v.document === "invoice" ? "timeline.merchant.invoiceBooked" : "timeline.merchant.creditNoteBooked", {
          number: str(v.number),
        });
      default: {
        // The remaining keys take their stored values as they are (amounts, names, a gateway's message).
        const strings = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, str(x)]));
        const say = t as unknown as (key: string, values: Record<string, string>) => string;
        return say(`timeline.merchant.${w.key}`, strings);
      }
    }
  };

  const customer = (w: TimelineWording): string | null => {
    const v: Values = w.values ?? {};
    switch (w.key) {
      case "created":
        return t("timeline.customer.created");
      case "statusChanged":
        return isStatus(v.to) ? t(`timeline.customer.statusChanged.${v.to}`) : null;
      case "notified":
        return t("timeline.customer.notified", { channel: channel(v), kind: kind(v) });
      case "refunded":
        return t("timeline.customer.refunded", { amount: str(v.amount) });
      case "fulfilled":
        return t(v.part ? "timeline.customer.fulfilledPart" : "timeline.customer.fulfilled", {
          courier: str(v.courier),
          number: str(v.number),
        });
      case "fulfilledDropship":
        return t("timeline.customer.fulfilledDropship", { courier: str(v.courier), number: str(v.number) });
      default:
        return null;
    }
  };

  /** The entry's text for this reader; null when the customer is not to see it. */
  return (entry: TimelineEntry): string | null => {
    const w = wordingOf(entry);
    if (reader === "customer") return w && CUSTOMER_TIMELINE.includes(w.key) ? customer(w) : null;
    return w ? merchant(w) : entry.summary;
  };
}
