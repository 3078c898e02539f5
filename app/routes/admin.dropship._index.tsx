import { data, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { allows } from "~/domain/accounts/permissions";
import { requestCopy } from "~/domain/ai/copy.server";
import { formatMoney } from "~/domain/catalog/catalog-rules";
import { getDropshipSettings, importNetworkProduct } from "~/domain/dropship/import.server";
import { NetworkQuerySchema, searchNetwork, toggleFavourite } from "~/domain/dropship/network.server";
import { priceFor } from "~/domain/dropship/pricing";
import { getShop } from "~/domain/shops/shops.server";
import { readForm } from "~/lib/csrf.server";
import { redirect } from "~/lib/redirect.server";
import { Banner } from "~/ui/banner";
import { DropshipTabs } from "~/ui/dropship";
import { CsrfInput } from "~/ui/forms";
import { TableHead } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Supplier network · NetShop" }];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ request, access }) => {
  const parsed = NetworkQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const query = parsed.success ? parsed.data : NetworkQuerySchema.parse({});
  const [network, rule] = await Promise.all([searchNetwork(access.shop.shopId, query), getDropshipSettings(access.shop.shopId)]);
  return { ...network, query, products: network.products.map((p) => ({ ...p, yourPriceMinor: priceFor(p.minCostMinor, rule) })) };
});

export const action = /* @__PURE__ */ adminAction("products", async ({ request, context, access }) => {
  const form = await readForm(request);
  const productId = String(form.get("productId") ?? "");
  if (form.get("intent") === "favourite") {
    await toggleFavourite(access.shop.shopId, productId);
    return data({ error: null });
  }
  const actor = { userId: access.user.id, ip: context.ip, userAgent: context.userAgent };
  const result = await importNetworkProduct(access.shop.shopId, productId, actor);
  if (!result.ok) return data({ error: result.errors.form }, { status: 400 });
  // Optionally an AI copy job (the AI area's own queue, credits and review): the supplier's copy
  // is kept until the merchant applies the draft.
  if (form.get("aiCopy") === "on" && !result.alreadyImported && allows(access.shop, "ai")) {
    const shop = await getShop(access.shop.shopId);
    await requestCopy(access.shop.shopId, result.productId, { tone: "friendly", languages: [shop.language] }, actor);
  }
  return redirect(`/admin/products/${result.productId}?imported=1`);
});

export default function Network() {
  const { products, categories, suppliers, states, query } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const { t } = useTranslation("dropship");
  return (
    <div className="stack">
      <DropshipTabs />
      <h1>{t("network")}</h1>
      <p className="muted">{t("networkIntro")}</p>
      <Banner tone="danger">{result?.error}</Banner>
      <Form method="get" className="filters card" role="search">
        <div className="field grow">
          <label htmlFor="q">{t("search")}</label>
          <input id="q" name="q" type="search" defaultValue={query.q} />
        </div>
        <div className="field">
          <label htmlFor="category">{t("category")}</label>
          <select id="category" name="category" defaultValue={query.category}>
            <option value="">{t("any")}</option>
            {categories.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="supplier">{t("supplier")}</label>
          <select id="supplier" name="supplier" defaultValue={query.supplier}>
            <option value="">{t("any")}</option>
            {suppliers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="shipsFrom">{t("shipsFrom")}</label>
          <select id="shipsFrom" name="shipsFrom" defaultValue={query.shipsFrom}>
            <option value="">{t("any")}</option>
            {states.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="maxHandlingDays">{t("handling")}</label>
          <select id="maxHandlingDays" name="maxHandlingDays" defaultValue={String(query.maxHandlingDays)}>
            <option value="">{t("any")}</option>
            {[1, 2, 3, 5, 7].map((d) => (
              <option key={d} value={d}>
                {t("upToDays", { days: d })}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="minCost">{t("cost")} ≥</label>
          <input id="minCost" name="minCost" inputMode="decimal" size={6} defaultValue={query.minCost} />
        </div>
        <div className="field">
          <label htmlFor="maxCost">{t("cost")} ≤</label>
          <input id="maxCost" name="maxCost" inputMode="decimal" size={6} defaultValue={query.maxCost} />
        </div>
        <label className="checkbox">
          <input type="checkbox" name="favourites" value="1" defaultChecked={query.favourites === "1"} /> {t("favourites")}
        </label>
        <button type="submit" className="secondary">
          {t("apply")}
        </button>
      </Form>
      {products.length === 0 ? (
        <div className="empty-state card" data-testid="no-network-products">
          {t("noResults")}
        </div>
      ) : (
        <div className="card flush">
          <table data-testid="network-products">
            <TableHead columns={[null, t("products"), t("supplier"), t("cost"), t("suggested"), t("yourPrice"), t("stock"), null]} />
            <tbody>
              {products.map((p) => (
                <tr key={p.id} data-testid="network-product">
                  <td>{p.imageUrl ? <img src={p.imageUrl} alt="" width={56} height={56} style={{ objectFit: "cover" }} /> : null}</td>
                  <td>
                    <strong>{p.title}</strong>
                    <div className="small muted">{p.category}</div>
                  </td>
                  <td>
                    {p.supplierName}
                    <div className="small muted">
                      {p.shipsFrom} · {t("upToDays", { days: p.handlingDays })}
                    </div>
                  </td>
                  <td>
                    {formatMoney(p.minCostMinor, p.currency)}
                    {p.maxCostMinor !== p.minCostMinor ? `–${formatMoney(p.maxCostMinor, p.currency)}` : ""}
                  </td>
                  <td>{formatMoney(p.suggestedPriceMinor, p.currency)}</td>
                  <td>{formatMoney(p.yourPriceMinor, p.currency)}</td>
                  <td>{p.stock}</td>
                  <td>
                    <div className="row">
                      <Form method="post">
                        <CsrfInput />
                        <input type="hidden" name="productId" value={p.id} />
                        <button type="submit" name="intent" value="favourite" className="secondary" aria-pressed={p.favourite}>
                          {p.favourite ? `★ ${t("unfavourite")}` : `☆ ${t("favourite")}`}
                        </button>
                      </Form>
                      <Form method="post">
                        <CsrfInput />
                        <input type="hidden" name="productId" value={p.id} />
                        <label className="small">
                          <input type="checkbox" name="aiCopy" /> {t("aiCopy")}
                        </label>{" "}
                        <button type="submit" name="intent" value="import" disabled={busy}>
                          {t("import")}
                        </button>
                      </Form>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
