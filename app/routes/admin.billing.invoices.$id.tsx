import { adminLoader } from "~/domain/accounts/access.server";
import { invoiceResponse } from "~/domain/billing/documents.server";
import { shopInvoice } from "~/domain/billing/overview.server";
import { notFound } from "~/lib/http";
import { isUuid } from "~/lib/ids";

/** A NetShop invoice to this shop: printable HTML, or `?format=pdf`. Owner only. */
export const loader = /* @__PURE__ */ adminLoader("owner", async ({ request, params, access }) => {
  const invoice = isUuid(params.id ?? "") ? await shopInvoice(access.shop.shopId, params.id!) : undefined;
  if (!invoice) throw notFound("This invoice does not exist.");
  return invoiceResponse(invoice, request);
});
