import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { storefrontOrderAccess } from "~/domain/checkout/order-access.server";
import { ORDER_PAGE_HEADERS, orderPayPath, orderStatusPath } from "~/domain/orders/order-links.server";
import { reconcileCustomerOrder } from "~/flows/payment-notification.server";
import { useTranslation } from "~/lib/i18n-react";
import { formatMoney } from "~/lib/money";
import { CustomerOrder, OrderPageError } from "~/ui/customer-order";

/** While a payment is being confirmed the page checks again on its own, with or without JavaScript. */
const REFRESH_SECONDS = 4;

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { name: "robots", content: "noindex" },
  ...(data?.order.payment === "processing" ? [{ httpEquiv: "refresh", content: String(REFRESH_SECONDS) } as const] : []),
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, orderId } = await storefrontOrderAccess(request, params);
  // The customer may be here before the gateway's callback: ask the gateway about an open charge.
  const order = await reconcileCustomerOrder(shop.id, orderId);
  if (!order) throw new Response("This order does not exist.", { status: 404 });
  return data(
    {
      order,
      shop: { slug: shop.slug, language: shop.language },
      statusPath: orderStatusPath(shop.slug, orderId),
      payPath: orderPayPath(shop.slug, orderId),
    },
    { headers: { ...ORDER_PAGE_HEADERS, ...(order.payment === "processing" ? { Refresh: String(REFRESH_SECONDS) } : {}) } },
  );
}

export default function Confirmation() {
  const { order, shop, statusPath, payPath } = useLoaderData<typeof loader>();
  const { t } = useTranslation("payments");
  const number = order.number;
  const paid = order.payment === "paid" || order.payment === "refunded" || order.payment === "partially_refunded";
  return (
    <div className="stack" data-testid="confirmation" data-payment={order.payment}>
      <section className={`card ${paid ? "banner ok" : order.payment === "failed" ? "banner danger" : ""}`} role="status">
        {paid ? (
          <>
            <p className="eyebrow">{t("confirmation.paidEyebrow")}</p>
            <h1 data-testid="confirmation-title">{t("confirmation.paidTitle", { number })}</h1>
            <p>{t("confirmation.paidBody")}</p>
          </>
        ) : order.payment === "processing" ? (
          <>
            <p className="eyebrow">{t("confirmation.processingEyebrow")}</p>
            <h1 data-testid="confirmation-title">{t("confirmation.processingTitle")}</h1>
            <p>{t("confirmation.processingBody")}</p>
            <p>
              <a className="button secondary" href="">
                {t("confirmation.checkAgain")}
              </a>
            </p>
          </>
        ) : order.payment === "failed" ? (
          <>
            <p className="eyebrow">{t("confirmation.failedEyebrow")}</p>
            <h1 data-testid="confirmation-title">{t("confirmation.failedTitle")}</h1>
            <p>{t("confirmation.failedBody")}</p>
          </>
        ) : order.payment === "cancelled" ? (
          <>
            <h1 data-testid="confirmation-title">{t("confirmation.cancelledTitle", { number })}</h1>
            <p>{t("confirmation.cancelledBody")}</p>
          </>
        ) : (
          <h1 data-testid="confirmation-title">{t("confirmation.unpaidTitle", { number })}</h1>
        )}
        <p className="actions">
          {order.payable && order.payment !== "processing" ? (
            <a className="button" href={payPath} data-testid="pay-again">
              {order.payment === "failed" ? t("tryAgain") : t("payNow", { total: formatMoney(order.totalMinor, order.currency) })}
            </a>
          ) : null}{" "}
          <a className={paid ? "button" : "button secondary"} href={statusPath} data-testid="view-order">
            {t("viewOrder")}
          </a>{" "}
          <Link to={`/s/${shop.slug}`}>{t("continueShopping")}</Link>
        </p>
      </section>
      <CustomerOrder order={order} shopLanguage={shop.language} />
    </div>
  );
}

export const ErrorBoundary = OrderPageError;
