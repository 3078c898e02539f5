import type { MetaFunction } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";

import { supplierLoader } from "~/domain/dropship/suppliers.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { ConsoleNav } from "~/ui/console-nav";

export const meta: MetaFunction = ({ matches }) => [{ title: `${metaT(matches, "dropship")("portal")} · NetShop` }];

/** The supplier portal: its own tenant (the supplier shop), never the merchant admin. */
export const loader = /* @__PURE__ */ supplierLoader(async ({ access }) => ({
  supplier: { name: access.supplier.name, status: access.supplier.status },
  user: { name: access.user.name },
}));

export default function SupplierLayout() {
  const { supplier, user } = useLoaderData<typeof loader>();
  const { t } = useTranslation("dropship");
  return (
    <div className="admin">
      <ConsoleNav
        home="/supplier"
        label={t("portal")}
        header={
          <div className="small" style={{ padding: "0 0.5rem" }} data-testid="current-supplier">
            {t("portal")} · {supplier.name}
          </div>
        }
        links={[
          { key: "dashboard", to: "/supplier", end: true, label: t("dashboard") },
          { key: "products", to: "/supplier/products", label: t("products") },
          { key: "orders", to: "/supplier/orders", label: t("orders") },
        ]}
        footer={<div style={{ color: "#fff" }}>{user.name}</div>}
      />
      <main className="admin-main" id="main">
        {supplier.status === "pending" ? (
          <Banner role="status" data-testid="supplier-pending">
            {t("pending")}
          </Banner>
        ) : supplier.status === "suspended" ? (
          <Banner tone="danger">{t("suspended")}</Banner>
        ) : null}
        <Outlet />
      </main>
    </div>
  );
}
