import { NavLink } from "@remix-run/react";

import { useTranslation } from "~/lib/i18n-react";

/** The dropshipping pages' tabs (each page is its own route with its own permission). */
export function DropshipTabs() {
  const { t } = useTranslation("dropship");
  return (
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
  );
}
