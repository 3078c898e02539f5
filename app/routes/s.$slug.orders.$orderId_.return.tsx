import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { storefrontOrderAccess } from "~/domain/checkout/order-access.server";
import { ORDER_PAGE_HEADERS, orderConfirmationPath, orderStatusPath } from "~/domain/orders/order-links.server";
import { handleGatewayReturn } from "~/flows/payment-notification.server";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { OrderPageError } from "~/ui/customer-order";

export const headers: HeadersFunction = () => ORDER_PAGE_HEADERS;

// The browser back from the hosted page with the gateway's signed status. A verified one goes
// through the same idempotent path as the callback (re-query included) before the confirmation
// page shows the order's real state; one that does not verify changes nothing.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, orderId } = await storefrontOrderAccess(request, params);
  const result = await handleGatewayReturn(shop.id, orderId, request.url);
  if (result.verified) return redirect(orderConfirmationPath(shop.slug, orderId), { status: 303, headers: ORDER_PAGE_HEADERS });
  return data({ statusPath: orderStatusPath(shop.slug, orderId) }, { status: 400, headers: ORDER_PAGE_HEADERS });
}

export default function UnverifiedReturn() {
  const { statusPath } = useLoaderData<typeof loader>();
  const { t } = useTranslation("payments");
  return (
    <section className="card narrow stack" data-testid="return-unverified">
      <h1>{t("returned.unverifiedTitle")}</h1>
      <p>{t("returned.unverifiedBody")}</p>
      <p>
        <a className="button" href={statusPath}>
          {t("viewOrder")}
        </a>
      </p>
    </section>
  );
}

export const ErrorBoundary = OrderPageError;
