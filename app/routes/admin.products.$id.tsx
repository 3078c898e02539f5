import { data, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";

import { adminAction, adminLoader, requireRecentAuth } from "~/domain/accounts/access.server";
import { REASON_LABELS } from "~/domain/catalog/catalog-rules";
import { listCategories, listCollections } from "~/domain/catalog/collections.server";
import { adjustStock, productStockHistory } from "~/domain/catalog/inventory.server";
import { draftFromFields } from "~/domain/catalog/product-draft";
import { deleteProducts, draftFromProduct, getProduct, updateProduct, validateDraft } from "~/domain/catalog/products.server";
import { shopStorage } from "~/domain/catalog/shop-usage.server";
import { listProductMedia } from "~/domain/media/media.server";
import { getShop } from "~/domain/shops/shops.server";
import { readForm } from "~/lib/csrf.server";
import { formFields, keptValues } from "~/lib/forms";
import { notFound } from "~/lib/http";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { Banner } from "~/ui/banner";
import { CatalogHeader, StatusBadge } from "~/ui/catalog";
import { PostForm } from "~/ui/csrf";
import { useFormat } from "~/ui/format";
import { useErrorTexts } from "~/ui/forms";
import { MediaManager } from "~/ui/media-manager";
import { InventoryAdjustForm, optionsSignature, ProductEditor } from "~/ui/product-editor";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.product.title ?? ""} · NetShop` }];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ params, access }) => {
  const { shop } = access;
  const saved = await getProduct(shop.shopId, params.id ?? "");
  if (!saved) throw notFound("This product does not exist in your shop.");
  const [info, categories, collections, media, ledger, storage] = await Promise.all([
    getShop(shop.shopId),
    listCategories(shop.shopId),
    listCollections(shop.shopId),
    listProductMedia(shop.shopId, saved.product.id),
    productStockHistory(shop.shopId, saved.product.id),
    shopStorage(shop.shopId),
  ]);
  return {
    product: {
      id: saved.product.id,
      title: saved.product.title,
      handle: saved.product.handle,
      status: saved.product.status,
      updatedAt: saved.product.updatedAt.toISOString(),
    },
    shopSlug: shop.slug,
    draft: draftFromProduct(saved),
    variants: saved.variants.map((v) => ({ id: v.id, title: v.title, onHand: v.onHand, track: v.trackInventory })),
    currency: info.currency,
    categories,
    collections,
    media,
    storage,
    ledger: ledger.map((l) => ({ ...l, createdAt: l.createdAt.toISOString() })),
  };
});

export const action = /* @__PURE__ */ adminAction("products", async ({ request, params, context, access }) => {
  const { shop } = access;
  const actor = { userId: access.user.id };
  const productId = params.id ?? "";
  const form = await readForm(request);
  const who = { ...actor, ip: context.ip, userAgent: context.userAgent };
  const intent = form.get("intent");

  if (intent === "adjust") {
    const result = await adjustStock(shop.shopId, productId, Object.fromEntries(form), actor.userId);
    if (!result) throw notFound("This product does not exist in your shop.");
    if (!result.ok)
      return data({ intent: "adjust" as const, errors: result.errors, values: keptValues(form), draft: null }, { status: 400 });
    return redirect(`/admin/products/${productId}?adjusted=1#inventory`);
  }
  if (intent === "delete") {
    requireRecentAuth(access, request); // a deletion is sensitive: confirm the password if it has been a while
    const deleted = await deleteProducts(shop.shopId, [productId], who);
    if (!deleted) throw notFound("This product does not exist in your shop.");
    return redirect("/admin/products?done=delete&n=1");
  }
  const draft = draftFromFields(formFields(form));
  const { currency } = await getShop(shop.shopId);
  const validated = validateDraft(draft, currency, { regenerate: optionsSignature(draft) !== form.get("optionsBefore") });
  if (!validated.ok)
    return data({ intent: "save" as const, errors: validated.errors, draft: validated.draft, values: {} }, { status: 400 });
  const saved = await updateProduct(shop.shopId, productId, validated.input, who);
  if (!saved) throw notFound("This product does not exist in your shop.");
  if (!saved.ok) return data({ intent: "save" as const, errors: saved.errors, draft: validated.draft, values: {} }, { status: 400 });
  return redirect(`/admin/products/${productId}?saved=1`);
});

export default function EditProduct() {
  const { product, draft, variants, currency, categories, collections, media, storage, ledger, shopSlug } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("aiMedia");
  const { t: tAi } = useTranslation("ai");
  const { t: tc } = useTranslation("catalog");
  const fmt = useFormat();
  const saveResult = result?.intent === "save" ? result : undefined;
  const adjustResult = result?.intent === "adjust" ? result : undefined;
  const adjustErrors = useErrorTexts(adjustResult?.errors);
  const notice = params.get("created")
    ? tc("edit.created")
    : params.get("saved")
      ? tc("edit.saved")
      : params.get("adjusted")
        ? tc("edit.adjusted")
        : null;
  return (
    <div className="stack">
      <CatalogHeader
        back={{ to: "/admin/products", label: tc("products") }}
        title={
          <>
            {product.title} <StatusBadge status={product.status} />
          </>
        }
      >
        <a className="button secondary" href={`/admin/products/${product.id}/copy`} data-testid="ai-copy-link">
          {tAi("copy.open")}
        </a>
        <Link className="button secondary" to={`/admin/products/${product.id}/studio`}>
          {t("studioLink")}
        </Link>
        {product.status === "active" ? (
          <a className="button secondary" href={`/s/${shopSlug}`} target="_blank" rel="noreferrer">
            {tc("edit.viewStorefront")}
          </a>
        ) : null}
      </CatalogHeader>
      {notice && !result ? <Banner tone="ok">{notice}</Banner> : null}
      <ProductEditor
        key={saveResult ? JSON.stringify(saveResult.errors) : product.updatedAt}
        mode="edit"
        initial={saveResult?.draft ?? draft}
        errors={saveResult?.errors ?? {}}
        currency={currency}
        categories={categories}
        collections={collections}
      />
      <MediaManager productId={product.id} media={media} storage={storage} />
      <section className="card stack" id="inventory" aria-labelledby="inventory-heading">
        <h2 id="inventory-heading">{tc("inventory.title")}</h2>
        <div className="two-cols">
          <InventoryAdjustForm variants={variants} errors={adjustErrors} values={adjustResult?.values ?? {}} />
          <div>
            <h3 className="small muted">{tc("inventory.recent")}</h3>
            {ledger.length === 0 ? (
              <p className="small muted">{tc("inventory.noChanges")}</p>
            ) : (
              <DataTable
                className="data"
                data-testid="ledger"
                columns={[tc("inventory.when"), tc("editor.variant"), tc("inventory.change"), tc("inventory.after"), tc("inventory.why")]}
                rows={ledger}
                rowKey={(l) => l.id}
                cells={(l) => (
                  <>
                    <td className="small nowrap">{fmt.dateTime(l.createdAt, { style: "short" })}</td>
                    <td className="small">{l.variantTitle === "Default" ? tc("defaultVariant") : l.variantTitle}</td>
                    <td className="nowrap">{l.delta > 0 ? `+${l.delta}` : l.delta}</td>
                    <td>{l.onHandAfter}</td>
                    <td className="small">
                      {l.reason in REASON_LABELS ? tc(`reasons.${l.reason as "sold"}`) : l.reason}
                      {l.note ? ` — ${l.note}` : ""}
                      <div className="muted">{l.actorName ?? "NetShop"}</div>
                    </td>
                  </>
                )}
              />
            )}
          </div>
        </div>
      </section>
      <section className="card">
        <h2>{tc("edit.deleteTitle")}</h2>
        <p className="small muted">{tc("edit.deleteHint")}</p>
        <PostForm fields={{ intent: "delete" }} confirm={tc("edit.deleteConfirm", { title: product.title })}>
          <button type="submit" className="secondary">
            {tc("edit.deleteTitle")}
          </button>
        </PostForm>
      </section>
    </div>
  );
}
