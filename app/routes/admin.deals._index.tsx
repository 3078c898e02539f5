import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { adminLoader } from "~/domain/accounts/access.server";
import { getShop } from "~/domain/shops/shops.server";
import { listFlashSales, toLocalDateTime } from "~/domain/storefront/flash-sales.server";
import { CatalogHeader } from "~/ui/catalog";
import { TableHead } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Deals · NetShop" }];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ access }) => {
  const [sales, shop] = await Promise.all([listFlashSales(access.shop.shopId), getShop(access.shop.shopId)]);
  const local = (d: Date) => toLocalDateTime(d, shop.timezone).replace("T", " ");
  return {
    timezone: shop.timezone,
    sales: sales.map((s) => ({
      id: s.id,
      name: s.name,
      state: s.state,
      startsAt: local(s.startsAt),
      endsAt: local(s.endsAt),
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
  return (
    <div className="stack">
      <CatalogHeader back={{ to: "/admin/products", label: "Products" }} title="Flash sales and deals">
        <Link className="button" to="/admin/deals/new" data-testid="new-sale">
          New sale
        </Link>
      </CatalogHeader>
      <p className="muted small">
        A sale gives chosen variants a lower price between two times ({timezone.replace(/_/g, " ")}), optionally with a total number of
        units and a limit per customer. The storefront shows the sale price with a countdown; checkout enforces both limits.
      </p>
      {sales.length === 0 ? (
        <div className="card">No sales yet.</div>
      ) : (
        <table className="table" data-testid="sales">
          <TableHead columns={["Sale", "State", "Starts", "Ends", "Variants", "Sold / cap", "Per customer"]} />
          <tbody>
            {sales.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/admin/deals/${s.id}`}>{s.name}</Link>
                </td>
                <td>
                  <span className={`badge ${STATE_TONE[s.state]}`}>{s.state}</span>
                </td>
                <td>{s.startsAt}</td>
                <td>{s.endsAt}</td>
                <td>{s.variants}</td>
                <td>
                  {s.claimed} / {s.totalCap ?? "no cap"}
                </td>
                <td>{s.perCustomerLimit ?? "no limit"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
