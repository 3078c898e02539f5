import { adminLoader } from "~/domain/accounts/access.server";
import { invoiceResponse } from "~/domain/billing/documents.server";
import { shopInvoice } from "~/domain/billing/overview.server";
import { billingError } from "~/domain/billing/refusals.server";
import { notFound } from "~/lib/http";
import { localeFor } from "~/lib/i18n.server";
import { isUuid } from "~/lib/ids";

/** A NetShop invoice to this shop: printable HTML, or `?format=pdf`. Owner only. */
export const loader = /* @__PURE__ */ adminLoader("owner", async ({ request, params, access }) => {
  const invoice = isUuid(params.id ?? "") ? await shopInvoice(access.shop.shopId, params.id!) : undefined;
  if (!invoice) throw notFound(billingError(await localeFor(request), "invoiceNotFound"));
  return invoiceResponse(invoice, request);
});
