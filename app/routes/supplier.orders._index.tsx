import { Link, useLoaderData } from "@remix-run/react";

import { formatMoney } from "~/domain/catalog/catalog-rules";
import { listSupplierOrders } from "~/domain/dropship/supplier-portal.server";
import { supplierLoader } from "~/domain/dropship/suppliers.server";
import { useTranslation } from "~/lib/i18n-react";
import { useFormat } from "~/ui/format";
import { DataTable } from "~/ui/table";

export const loader = /* @__PURE__ */ supplierLoader(async ({ access }) => ({ orders: await listSupplierOrders(access.supplier.shopId) }));

export default function SupplierOrders() {
  const { orders } = useLoaderData<typeof loader>();
  const { t } = useTranslation("dropship");
  const { t: ts } = useTranslation("supplier");
  const fmt = useFormat();
  return (
    <div className="stack">
      <h1>{t("orders")}</h1>
      <div className="card flush">
        <DataTable
          data-testid="supplier-orders"
          columns={[ts("portal.reference"), ts("portal.date"), t("recipient"), ts("portal.status"), t("cost")]}
          rows={orders}
          rowKey={(o) => o.id}
          cells={(o) => (
            <>
              <td>
                <Link to={`/supplier/orders/${o.id}`}>{o.reference}</Link>
              </td>
              <td>{fmt.date(o.createdAt)}</td>
              <td>
                {o.city}, {o.state}
              </td>
              <td>{ts(`orderStatuses.${o.status}`)}</td>
              <td>{formatMoney(o.costTotalMinor, o.currency)}</td>
            </>
          )}
        />
      </div>
    </div>
  );
}
