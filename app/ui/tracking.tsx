/**
 * A parcel's tracking as the customer sees it: courier, tracking number, the courier's tracking
 * page and what the parcel carries. Takes `orderFulfilments(tx, shopId, orderId)` rows
 * (app/domain/orders/order-admin.server.ts); placed on the customer's order page.
 */
import { carrierLabel } from "~/domain/orders/carriers";
import { useFormat } from "~/ui/format";

export interface TrackingParcel {
  id: string;
  carrier: string;
  carrierName: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  shippedAt: string;
  items: Array<{ title: string; variantTitle: string; quantity: number }>;
}

const LABELS = {
  en: { heading: "Tracking", track: "Track parcel", sent: "Sent", number: "Tracking number" },
  ms: { heading: "Penjejakan", track: "Jejak bungkusan", sent: "Dihantar", number: "Nombor penjejakan" },
  zh: { heading: "物流追踪", track: "追踪包裹", sent: "寄出", number: "物流单号" },
} as const;

export function Tracking({ parcels, locale = "en" }: { parcels: TrackingParcel[]; locale?: keyof typeof LABELS }) {
  const l = LABELS[locale] ?? LABELS.en;
  const fmt = useFormat();
  if (parcels.length === 0) return null;
  return (
    <section className="tracking stack" data-testid="tracking" aria-label={l.heading}>
      <h2>{l.heading}</h2>
      {parcels.map((p) => (
        <div key={p.id} className="card" data-testid="parcel">
          <p>
            <strong>{carrierLabel(p.carrier, p.carrierName)}</strong>
            {p.trackingNumber ? (
              <>
                {" · "}
                <span className="muted">{l.number}</span> <code data-testid="tracking-number">{p.trackingNumber}</code>
              </>
            ) : null}
          </p>
          {p.trackingUrl ? (
            <p>
              <a href={p.trackingUrl} target="_blank" rel="noopener noreferrer">
                {l.track} ↗
              </a>
            </p>
          ) : null}
          <ul className="small">
            {p.items.map((i, n) => (
              <li key={n}>
                {i.quantity} × <span>{i.title}</span>
                {i.variantTitle && i.variantTitle !== "Default" ? ` (${i.variantTitle})` : ""}
              </li>
            ))}
          </ul>
          <p className="muted small">
            {l.sent} <time dateTime={p.shippedAt}>{fmt.date(p.shippedAt)}</time>
          </p>
        </div>
      ))}
    </section>
  );
}
