import { data, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { allows } from "~/domain/accounts/permissions";
import { requestCopy } from "~/domain/ai/copy-requests.server";
import { featureLock, featureRefusal, shopFeature } from "~/domain/billing/features.server";
import { limitsInLanguage } from "~/domain/billing/limit-refusals.server";
import { formatMoney } from "~/domain/catalog/catalog-rules";
import { getDropshipSettings, importNetworkProduct } from "~/domain/dropship/import.server";
import { NetworkQuerySchema, searchNetwork, toggleFavourite } from "~/domain/dropship/network.server";
import { priceFor } from "~/domain/dropship/pricing";
import { getShop } from "~/domain/shops/shops.server";
import { readForm } from "~/lib/csrf.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { Banner } from "~/ui/banner";
import { PostForm } from "~/ui/csrf";
import { DropshipTabs } from "~/ui/dropship";
import { FilterInput, FilterSelect } from "~/ui/filters";
import { FeatureLocked } from "~/ui/plan-feature";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: `${metaT(matches, "dropship")("network")} · NetShop` }];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ request, access }) => {
  const parsed = NetworkQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const query = parsed.success ? parsed.data : NetworkQuerySchema.parse({});
  const [network, rule, lock] = await Promise.all([
    searchNetwork(access.shop.shopId, query),
    getDropshipSettings(access.shop.shopId),
    featureLock(request, access.shop.shopId, "dropshipping"),
  ]);
  return { ...network, query, lock, products: network.products.map((p) => ({ ...p, yourPriceMinor: priceFor(p.minCostMinor, rule) })) };
});

export const action = /* @__PURE__ */ adminAction("products", async ({ request, context, access }) => {
  const form = await readForm(request);
  const productId = String(form.get("productId") ?? "");
  // The network's actions need a plan with dropshipping (403, translated, with the plans that have it).
  const feature = await shopFeature(access.shop.shopId, "dropshipping");
  if (!feature.allowed) return data({ error: await featureRefusal(request, feature) }, { status: 403 });
  if (form.get("intent") === "favourite") {
    await toggleFavourite(access.shop.shopId, productId);
    return data({ error: null });
  }
  const actor = { userId: access.user.id, ip: context.ip, userAgent: context.userAgent };
  const result = await limitsInLanguage(request, await importNetworkProduct(access.shop.shopId, productId, actor));
  if (!result.ok && result.feature) return data({ error: await featureRefusal(request, result.feature) }, { status: 403 });
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
  const { products, categories, suppliers, states, query, lock } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const { t } = useTranslation("dropship");
  return (
    <div className="stack">
      <DropshipTabs />
      <h1>{t("network")}</h1>
      <p className="muted">{t("networkIntro")}</p>
      <FeatureLocked lock={lock} />
      <Banner tone="danger">{result?.error}</Banner>
      <Form method="get" className="filters card" role="search">
        <FilterInput grow name="q" label={t("search")} type="search" defaultValue={query.q} />
        <FilterSelect name="category" label={t("category")} value={query.category} any={t("any")} options={categories.map((c) => [c, c])} />
        <FilterSelect
          name="supplier"
          label={t("supplier")}
          value={query.supplier}
          any={t("any")}
          options={suppliers.map((s) => [s.id, s.name])}
        />
        <FilterSelect name="shipsFrom" label={t("shipsFrom")} value={query.shipsFrom} any={t("any")} options={states.map((s) => [s, s])} />
        <FilterSelect
          name="maxHandlingDays"
          label={t("handling")}
          value={String(query.maxHandlingDays)}
          any={t("any")}
          options={[1, 2, 3, 5, 7].map((d) => [String(d), t("upToDays", { days: d })])}
        />
        <FilterInput name="minCost" label={`${t("cost")} ≥`} inputMode="decimal" size={6} defaultValue={query.minCost} />
        <FilterInput name="maxCost" label={`${t("cost")} ≤`} inputMode="decimal" size={6} defaultValue={query.maxCost} />
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
          <DataTable
            data-testid="network-products"
            columns={[null, t("products"), t("supplier"), t("cost"), t("suggested"), t("yourPrice"), t("stock"), null]}
            rows={products}
            rowKey={(p) => p.id}
            rowProps={() => ({ "data-testid": "network-product" })}
            cells={(p) => (
              <>
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
                    <PostForm fields={{ productId: p.id }}>
                      <button type="submit" name="intent" value="favourite" className="secondary" aria-pressed={p.favourite}>
                        {p.favourite ? `★ ${t("unfavourite")}` : `☆ ${t("favourite")}`}
                      </button>
                    </PostForm>
                    <PostForm fields={{ productId: p.id }}>
                      <label className="small">
                        <input type="checkbox" name="aiCopy" /> {t("aiCopy")}
                      </label>{" "}
                      <button type="submit" name="intent" value="import" disabled={busy}>
                        {t("import")}
                      </button>
                    </PostForm>
                  </div>
                </td>
              </>
            )}
          />
        </div>
      )}
    </div>
  );
}
