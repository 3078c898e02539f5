import type { MetaFunction } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";

import { operatorLoader } from "~/domain/dropship/suppliers.server";
import { useTranslation } from "~/lib/i18n-react";
import { ConsoleNav } from "~/ui/console-nav";

export const meta: MetaFunction = () => [{ title: "Platform · NetShop" }];

/** The operators' console: platform operators only (users.platform_role = 'operator'). Pages are its children. */
export const loader = /* @__PURE__ */ operatorLoader(async ({ operator }) => ({ operator: { name: operator.name } }));

export default function PlatformLayout() {
  const { operator } = useLoaderData<typeof loader>();
  const { t } = useTranslation("dropship");
  const { t: tb } = useTranslation("billing");
  const { t: tp } = useTranslation("privacy");
  return (
    <div className="admin">
      <ConsoleNav
        home="/platform"
        label={t("platform")}
        links={[
          { key: "home", to: "/platform", end: true, label: t("platform") },
          { key: "merchants", to: "/platform/merchants", label: tb("console.merchants") },
          { key: "billing", to: "/platform/billing", label: tb("console.billing") },
          { key: "privacy", to: "/platform/privacy", label: tp("platform.nav") },
        ]}
        footer={<div style={{ color: "#fff" }}>{operator.name}</div>}
      />
      <Outlet />
    </div>
  );
}
