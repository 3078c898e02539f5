import { useTranslation } from "~/lib/i18n-react";

const TONES: Record<string, string> = {
  pending_payment: "warn",
  unpaid: "warn",
  paid: "ok",
  processing: "",
  shipped: "ok",
  delivered: "ok",
  fulfilled: "ok",
  partially_fulfilled: "warn",
  unfulfilled: "",
  cancelled: "danger",
  refunded: "danger",
  partially_refunded: "warn",
};

/** An order, payment or fulfilment status as a coloured, translated badge. */
export function OrderBadge({ kind, status }: { kind: "statuses" | "paymentStatuses" | "fulfilmentStatuses"; status: string }) {
  const { t } = useTranslation("orders");
  return (
    <span className={`badge ${TONES[status] ?? ""}`} data-status={status}>
      {t(`${kind}.${status}` as "statuses.paid")}
    </span>
  );
}
