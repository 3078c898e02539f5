import { Link, useLoaderData } from "@remix-run/react";

import { listSupplierOrders, listSupplierProducts } from "~/domain/dropship/supplier-portal.server";
import { supplierLoader } from "~/domain/dropship/suppliers.server";
import { useTranslation } from "~/lib/i18n-react";

export const loader = /* @__PURE__ */ supplierLoader(async ({ access }) => {
  const [products, orders] = await Promise.all([listSupplierProducts(access.supplier.shopId), listSupplierOrders(access.supplier.shopId)]);
  return {
    name: access.supplier.name,
    published: products.filter((p) => p.status === "active").length,
    products: products.length,
    open: orders.filter((o) => o.status === "open" || o.status === "accepted").length,
  };
});

export default function SupplierHome() {
  const { name, published, products, open } = useLoaderData<typeof loader>();
  const { t } = useTranslation("dropship");
  const { t: ts } = useTranslation("supplier");
  return (
    <div className="stack">
      <h1>{name}</h1>
      <div className="card">
        <p>
          <Link to="/supplier/products">{t("products")}</Link>: {products} ({ts("portal.published", { count: published })})
        </p>
        <p>
          <Link to="/supplier/orders">{t("orders")}</Link>: <strong data-testid="open-orders">{open}</strong> {ts("portal.toShip")}
        </p>
      </div>
    </div>
  );
}
