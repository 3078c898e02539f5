import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";

import { formatMoney } from "~/domain/catalog/catalog-rules";
import type { CustomerOrderView } from "~/domain/orders/customer-order.server";
import { useTranslation } from "~/lib/i18n-react";
import { useFormat } from "~/ui/format";
import { useTimelineText } from "~/ui/timeline";

/** What the storefront's order pages receive: the domain's view (already serialisable: dates are ISO strings). */
export type CustomerOrderData = CustomerOrderView;

/** A customer's order times: in the shop's zone, with the zone named (the customer may be elsewhere). */
export function useFormatDate() {
  const fmt = useFormat();
  return (iso: string) => fmt.dateTime(iso, { zone: true });
}

/** Lines, totals, address and payment state of a customer's order (merchant content as written). */
export function CustomerOrder({ order, shopLanguage }: { order: CustomerOrderData; shopLanguage: string }) {
  const { t } = useTranslation("payments");
  const date = useFormatDate();
  const money = (minor: number) => formatMoney(minor, order.currency);
  const address = order.shippingAddress;
  return (
    <div className="stack" data-testid="customer-order">
      <section className="card">
        <dl className="order-facts">
          <div>
            <dt>{t("orderStatus")}</dt>
            <dd data-testid="order-status">{t(`status.${order.status}`)}</dd>
          </div>
          <div>
            <dt>{t("payment.label")}</dt>
            <dd data-testid="payment-state" data-state={order.payment}>
              {order.payment === "paid" && order.paidAt && order.gateway
                ? t("payment.paidOn", { date: date(order.paidAt), gateway: order.gateway })
                : t(`payment.${order.payment}`)}
            </dd>
          </div>
        </dl>
      </section>
      <section className="card">
        <h2>{t("items")}</h2>
        <table className="order-lines" data-testid="order-lines">
          <thead>
            <tr>
              <th scope="col">{t("items")}</th>
              <th scope="col">{t("quantity")}</th>
              <th scope="col">{t("price")}</th>
              <th scope="col">{t("total")}</th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <tr key={line.id}>
                <td lang={shopLanguage}>
                  {line.title}
                  {line.variantTitle && line.variantTitle !== "Default" ? <div className="muted small">{line.variantTitle}</div> : null}
                </td>
                <td>{line.quantity}</td>
                <td>{money(line.unitPriceMinor)}</td>
                <td>{money(line.totalMinor)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <SumRow label={t("subtotal")}>{money(order.subtotalMinor)}</SumRow>
            {order.discountMinor > 0 ? <SumRow label={t("discount")}>−{money(order.discountMinor)}</SumRow> : null}
            <SumRow label={t("shipping")}>{money(order.shippingMinor)}</SumRow>
            {order.taxMinor > 0 ? <SumRow label={t("tax")}>{money(order.taxMinor)}</SumRow> : null}
            <SumRow label={t("total")} testId="order-total">
              <strong>{money(order.totalMinor)}</strong>
            </SumRow>
            {order.refundedMinor > 0 ? <SumRow label={t("refundedAmount")}>−{money(order.refundedMinor)}</SumRow> : null}
          </tfoot>
        </table>
      </section>
      <section className="card">
        <div className="grid-2">
          {address ? (
            <div>
              <h2>{t("shippingAddress")}</h2>
              <address data-testid="shipping-address">
                {address.name}
                <br />
                {address.line1}
                {address.line2 ? (
                  <>
                    <br />
                    {address.line2}
                  </>
                ) : null}
                <br />
                {address.postcode} {address.city}
                <br />
                {address.state}, {address.country}
              </address>
              {order.shippingMethod ? (
                <p className="muted small">
                  {t("shippingMethod")}: <span lang={shopLanguage}>{order.shippingMethod}</span>
                </p>
              ) : null}
            </div>
          ) : null}
          <div>
            <h2>{t("contact")}</h2>
            <p>
              {order.customerName}
              {order.email ? (
                <>
                  <br />
                  {order.email}
                </>
              ) : null}
              {order.phone ? (
                <>
                  <br />
                  {order.phone}
                </>
              ) : null}
            </p>
          </div>
        </div>
      </section>
      <OrderHistory history={order.history} />
      <p className="muted small">{t("privacy")}</p>
    </div>
  );
}

/** What happened to the order, newest first, told to the customer in their language and the shop's zone. */
function OrderHistory({ history }: { history: CustomerOrderData["history"] }) {
  const { t } = useTranslation("orders");
  const text = useTimelineText("customer");
  const date = useFormatDate();
  const entries = [...history]
    .reverse()
    .map((e) => ({ ...e, text: text(e) }))
    .filter((e) => e.text);
  if (entries.length === 0) return null;
  return (
    <section className="card">
      <h2>{t("timeline.customer.heading")}</h2>
      <ol className="timeline" data-testid="order-history">
        {entries.map((e) => (
          <li key={e.id} data-event={e.type}>
            <div>{e.text}</div>
            <div className="muted small">
              <time dateTime={e.createdAt}>{date(e.createdAt)}</time>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The order pages' error boundary: an order that does not exist (or may not be seen) says so. */
export function OrderPageError() {
  const error = useRouteError();
  const { t } = useTranslation(["payments", "storefront"]);
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <section className="card narrow stack" data-testid={notFound ? "order-not-found" : "order-error"}>
      <h1>{notFound ? t("payments:notFound.title") : t("storefront:unavailable.title")}</h1>
      <p>{notFound ? t("payments:notFound.body") : t("storefront:unavailable.body")}</p>
    </section>
  );
}

/** A line under the order's lines: what it is, then the amount under the lines' totals. */
function SumRow({ label, testId, children }: { label: string; testId?: string; children: ReactNode }) {
  return (
    <tr>
      <th scope="row" colSpan={3}>
        {label}
      </th>
      <td data-testid={testId}>{children}</td>
    </tr>
  );
}
