import { NavLink, Outlet } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { adminLoader } from "~/domain/accounts/access.server";

/** Dropshipping in the merchant admin: the network, imported products' pricing, supplier orders and the wallet. */
export const loader = /* @__PURE__ */ adminLoader("member", async () => ({}));

export default function DropshipLayout() {
  const { t } = useTranslation("dropship");
  return (
    <div className="stack">
      <nav className="row" aria-label={t("network")}>
        <NavLink className="button secondary" to="/admin/dropship" end>
          {t("network")}
        </NavLink>
        <NavLink className="button secondary" to="/admin/dropship/pricing">
          {t("pricing")}
        </NavLink>
        <NavLink className="button secondary" to="/admin/dropship/orders">
          {t("supplierOrders")}
        </NavLink>
      </nav>
      <Outlet />
    </div>
  );
}
