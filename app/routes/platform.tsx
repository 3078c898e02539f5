import type { MetaFunction } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { operatorLoader } from "~/domain/dropship/suppliers.server";
import { CsrfInput } from "~/ui/forms";
import { LanguageSwitcher } from "~/ui/language-switcher";

export const meta: MetaFunction = () => [{ title: "Platform · NetShop" }];

/** The operators' console: platform operators only (users.platform_role = 'operator'). Pages are its children. */
export const loader = /* @__PURE__ */ operatorLoader(async ({ operator }) => ({ operator: { name: operator.name } }));

export default function PlatformLayout() {
  const { operator } = useLoaderData<typeof loader>();
  const { t } = useTranslation("dropship");
  const { t: tb } = useTranslation("billing");
  const { t: tp } = useTranslation("privacy");
  const { t: ta } = useTranslation("admin");
  return (
    <div className="admin">
      <aside className="admin-nav">
        <a href="/platform" className="brand">
          <img src="/favicon.svg" alt="" /> NetShop
        </a>
        <nav aria-label={t("platform")}>
          <ul>
            <li>
              <NavLink to="/platform" end>
                {t("platform")}
              </NavLink>
            </li>
            <li>
              <NavLink to="/platform/merchants">{tb("console.merchants")}</NavLink>
            </li>
            <li>
              <NavLink to="/platform/billing">{tb("console.billing")}</NavLink>
            </li>
            <li>
              <NavLink to="/platform/privacy">{tp("platform.nav")}</NavLink>
            </li>
          </ul>
        </nav>
        <div className="nav-footer stack">
          <div style={{ color: "#fff" }}>{operator.name}</div>
          <Form method="post" action="/logout">
            <CsrfInput />
            <button type="submit" className="link">
              {ta("logOut")}
            </button>
          </Form>
          <LanguageSwitcher />
        </div>
      </aside>
      <Outlet />
    </div>
  );
}
