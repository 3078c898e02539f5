import { adminLoader } from "~/domain/accounts/access.server";
import { shopInvoice } from "~/domain/billing/overview.server";
import { handleBillingReturn } from "~/flows/billing-invoice-paid.server";
import { redirect } from "~/lib/redirect.server";

/** The owner's browser back from the gateway's hosted page: verified and settled like the callback, then the billing page. */
export const loader = /* @__PURE__ */ adminLoader("owner", async ({ request, params, access }) => {
  const shopId = access.shop.shopId;
  const result = await handleBillingReturn(shopId, params.id ?? "", request.url);
  const invoice = result.verified ? await shopInvoice(shopId, params.id!) : undefined;
  if (invoice?.status === "paid") return redirect(`/admin/billing?paid=${encodeURIComponent(invoice.number)}`);
  return redirect("/admin/billing?unpaid=1");
});
