import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { storefrontOrderAccess } from "~/domain/checkout/order-access.server";
import { ORDER_PAGE_HEADERS, orderConfirmationPath } from "~/domain/orders/order-links.server";
import { startPayment } from "~/domain/orders/payment-start.server";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { OrderPageError } from "~/ui/customer-order";

export const headers: HeadersFunction = () => ORDER_PAGE_HEADERS;

// Sends the customer to the gateway's hosted page (one open charge per order, reused), or says
// plainly why the order cannot be paid.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, orderId } = await storefrontOrderAccess(request, params);
  const result = await startPayment(shop, orderId);
  switch (result.kind) {
    case "redirect":
      return redirect(result.url, { status: 303, headers: ORDER_PAGE_HEADERS });
    case "paid":
      return redirect(orderConfirmationPath(shop.slug, orderId), { status: 303, headers: ORDER_PAGE_HEADERS });
    case "not_found":
      throw new Response("This order does not exist.", { status: 404 });
    case "closed":
      return data({ problem: result.reason, slug: shop.slug }, { status: 410, headers: ORDER_PAGE_HEADERS });
    case "error":
      return data({ problem: "error" as const, slug: shop.slug }, { status: 502, headers: ORDER_PAGE_HEADERS });
  }
}

export default function PayProblem() {
  const { problem, slug } = useLoaderData<typeof loader>();
  const { t } = useTranslation("payments");
  return (
    <section className="card narrow stack" data-testid="pay-problem" data-problem={problem}>
      <p className="eyebrow">{t("pay.closedEyebrow")}</p>
      <h1>{t(`pay.${problem}Title`)}</h1>
      <p>{t(`pay.${problem}Body`)}</p>
      <p>
        {problem === "error" ? (
          <a className="button" href="">
            {t("tryAgain")}
          </a>
        ) : (
          <Link className="button" to={`/s/${slug}`}>
            {t("continueShopping")}
          </Link>
        )}
      </p>
    </section>
  );
}

export const ErrorBoundary = OrderPageError;
