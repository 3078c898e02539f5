import { adminLoader } from "~/domain/accounts/access.server";
import { documentResponse } from "~/domain/orders/document-response.server";

/** The order's tax invoice: printable HTML, or `?format=pdf`. */
export const loader = /* @__PURE__ */ adminLoader("orders", async ({ request, params, access }) =>
  documentResponse("invoice", access.shop.shopId, params.id ?? "", request),
);
