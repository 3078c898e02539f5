import type { MetaFunction } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { supplierLoader } from "~/domain/dropship/suppliers.server";
import { metaT } from "~/lib/i18n";
import { Banner } from "~/ui/banner";
import { CsrfInput } from "~/ui/forms";
import { LanguageSwitcher } from "~/ui/language-switcher";

export const meta: MetaFunction = ({ matches }) => [{ title: `${metaT(matches, "dropship")("portal")} · NetShop` }];

/** The supplier portal: its own tenant (the supplier shop), never the merchant admin. */
export const loader = /* @__PURE__ */ supplierLoader(async ({ access }) => ({
  supplier: { name: access.supplier.name, status: access.supplier.status },
  user: { name: access.user.name },
}));

export default function SupplierLayout() {
  const { supplier, user } = useLoaderData<typeof loader>();
  const { t } = useTranslation("dropship");
  const { t: ta } = useTranslation("admin");
  return (
    <div className="admin">
      <aside className="admin-nav">
        <a href="/supplier" className="brand">
          <img src="/favicon.svg" alt="" /> NetShop
        </a>
        <div className="small" style={{ padding: "0 0.5rem" }} data-testid="current-supplier">
          {t("portal")} · {supplier.name}
        </div>
        <nav aria-label={t("portal")}>
          <ul>
            <li>
              <NavLink to="/supplier" end>
                {t("dashboard")}
              </NavLink>
            </li>
            <li>
              <NavLink to="/supplier/products">{t("products")}</NavLink>
            </li>
            <li>
              <NavLink to="/supplier/orders">{t("orders")}</NavLink>
            </li>
          </ul>
        </nav>
        <div className="nav-footer stack">
          <div style={{ color: "#fff" }}>{user.name}</div>
          <Form method="post" action="/logout">
            <CsrfInput />
            <button type="submit" className="link">
              {ta("logOut")}
            </button>
          </Form>
          <LanguageSwitcher />
        </div>
      </aside>
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
