import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { storefrontOrderAccess } from "~/domain/checkout/order-access.server";
import { customerOrder } from "~/domain/orders/customer-order.server";
import { customerParcels } from "~/domain/orders/order-admin.server";
import { ORDER_PAGE_HEADERS, orderPayPath } from "~/domain/orders/order-links.server";
import { useTranslation } from "~/lib/i18n-react";
import { formatMoney } from "~/lib/money";
import { CustomerOrder, OrderPageError, useFormatDate } from "~/ui/customer-order";
import { Tracking } from "~/ui/tracking";

export const headers: HeadersFunction = () => ORDER_PAGE_HEADERS;
export const meta: MetaFunction = () => [{ name: "robots", content: "noindex" }];

// The customer's order page, by its signed link (`?t=`, in every message about the order) or
// from the browser that placed it. A wrong token is a 404.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, orderId } = await storefrontOrderAccess(request, params);
  const order = await customerOrder(shop.id, orderId);
  if (!order) throw new Response("This order does not exist.", { status: 404 });
  const parcels = await customerParcels(shop.id, orderId);
  return data(
    { order, parcels, shop: { language: shop.language }, payPath: orderPayPath(shop.slug, orderId) },
    { headers: ORDER_PAGE_HEADERS },
  );
}

export default function OrderStatus() {
  const { order, parcels, shop, payPath } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("payments");
  const date = useFormatDate();
  return (
    <div className="stack" data-testid="order-page">
      <div>
        <h1 data-testid="order-title">{t("orderTitle", { number: order.number })}</h1>
        <p className="muted">{t("placedOn", { date: date(order.createdAt) })}</p>
      </div>
      {order.payable ? (
        <section className="card banner" data-testid="pay-banner">
          <p>
            <a className="button" href={payPath} data-testid="pay-now">
              {order.payment === "failed" ? t("tryAgain") : t("payNow", { total: formatMoney(order.totalMinor, order.currency) })}
            </a>
          </p>
          {order.expiresAt ? <p className="muted small">{t("payBy", { date: date(order.expiresAt) })}</p> : null}
        </section>
      ) : null}
      <CustomerOrder order={order} shopLanguage={shop.language} />
      {parcels.length ? (
        <div data-testid="order-fulfilment">
          <Tracking parcels={parcels} locale={(["en", "ms", "zh"] as const).find((l) => l === i18n.language) ?? "en"} />
        </div>
      ) : (
        <section className="card" data-testid="order-fulfilment">
          <h2>{t("tracking.title")}</h2>
          <p className="muted">{t("tracking.none")}</p>
        </section>
      )}
    </div>
  );
}

export const ErrorBoundary = OrderPageError;
