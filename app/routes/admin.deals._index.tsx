import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { adminLoader } from "~/domain/accounts/access.server";
import { getShop } from "~/domain/shops/shops.server";
import { listFlashSales } from "~/domain/storefront/flash-sales.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { CatalogHeader } from "~/ui/catalog";
import { useFormat } from "~/ui/format";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "deals")("meta") }];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ access }) => {
  const [sales, shop] = await Promise.all([listFlashSales(access.shop.shopId), getShop(access.shop.shopId)]);
  return {
    timezone: shop.timezone,
    sales: sales.map((s) => ({
      id: s.id,
      name: s.name,
      state: s.state,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      variants: s.variants,
      claimed: s.claimed,
      totalCap: s.totalCap,
      perCustomerLimit: s.perCustomerLimit,
    })),
  };
});

const STATE_TONE = { running: "ok", scheduled: "warn", ended: "" } as const;

export default function Deals() {
  const { sales, timezone } = useLoaderData<typeof loader>();
  const { t } = useTranslation("deals");
  const fmt = useFormat();
  return (
    <div className="stack">
      <CatalogHeader back={{ to: "/admin/products", label: t("products") }} title={t("heading")}>
        <Link className="button" to="/admin/deals/new" data-testid="new-sale">
          {t("newSale")}
        </Link>
      </CatalogHeader>
      <p className="muted small">{t("intro", { zone: timezone.replace(/_/g, " ") })}</p>
      {sales.length === 0 ? (
        <div className="card">{t("none")}</div>
      ) : (
        <DataTable
          className="table"
          data-testid="sales"
          columns={[t("sale"), t("state"), t("starts"), t("ends"), t("variants"), t("soldCap"), t("perCustomer")]}
          rows={sales}
          rowKey={(s) => s.id}
          cells={(s) => (
            <>
              <td>
                <Link to={`/admin/deals/${s.id}`}>{s.name}</Link>
              </td>
              <td>
                <span className={`badge ${STATE_TONE[s.state]}`}>{t(`states.${s.state}`)}</span>
              </td>
              <td>{fmt.dateTime(s.startsAt)}</td>
              <td>{fmt.dateTime(s.endsAt)}</td>
              <td>{s.variants}</td>
              <td>
                {s.claimed} / {s.totalCap ?? t("noCap")}
              </td>
              <td>{s.perCustomerLimit ?? t("noLimit")}</td>
            </>
          )}
        />
      )}
    </div>
  );
}
