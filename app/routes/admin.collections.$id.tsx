import { data, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import {
  deleteCollection,
  getCollection,
  removeFromCollection,
  reorderCollection,
  saveCollection,
} from "~/domain/catalog/collections.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { notFound } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { CatalogHeader, StatusBadge } from "~/ui/catalog";
import { Field, PostForm, useFormResult } from "~/ui/forms";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: `${data?.collection.title ?? metaT(matches, "catalog")("collectionPage.meta")} · NetShop` },
];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ params, access }) => {
  const { shop } = access;
  const found = await getCollection(shop.shopId, params.id ?? "");
  if (!found) throw notFound("This collection does not exist in your shop.");
  return { collection: found.collection, products: found.products };
});

export const action = /* @__PURE__ */ adminAction("products", async ({ request, params, access }) => {
  const { shop } = access;
  const id = params.id ?? "";
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "delete") {
    if (!(await deleteCollection(shop.shopId, id))) throw notFound("This collection does not exist in your shop.");
    return redirect("/admin/collections");
  }
  if (intent === "move" || intent === "remove") {
    const found = await getCollection(shop.shopId, id);
    if (!found) throw notFound("This collection does not exist in your shop.");
    const productId = String(form.get("productId") ?? "");
    if (intent === "remove") await removeFromCollection(shop.shopId, id, [productId]);
    else {
      const order = found.products.map((p) => p.id);
      const at = order.indexOf(productId);
      const to = form.get("direction") === "up" ? at - 1 : at + 1;
      if (at >= 0 && to >= 0 && to < order.length) {
        [order[at], order[to]] = [order[to], order[at]];
        await reorderCollection(shop.shopId, id, order);
      }
    }
    return redirect(`/admin/collections/${id}`);
  }
  const result = await saveCollection(shop.shopId, id, Object.fromEntries(form));
  if (!result) throw notFound("This collection does not exist in your shop.");
  if (!result.ok) return data({ errors: result.errors, values: keptValues(form) }, { status: 400 });
  return redirect(`/admin/collections/${id}?saved=1`);
});

export default function CollectionPage() {
  const { collection, products } = useLoaderData<typeof loader>();
  const { errors, values } = useFormResult<typeof action>();
  const { t } = useTranslation("catalog");
  return (
    <div className="stack">
      <CatalogHeader back={{ to: "/admin/collections", label: t("collectionPage.back") }} title={collection.title}>
        <Link className="button secondary" to={`/admin/products?collection=${collection.id}`}>
          {t("collectionPage.filter")}
        </Link>
      </CatalogHeader>
      <div className="grid">
        <section className="card">
          <PostForm fields={{ intent: "save" }}>
            <Field label={t("collectionPage.title")} name="title" defaultValue={values.title ?? collection.title} error={errors.title} />
            <Field
              label={t("collectionPage.handle")}
              name="handle"
              defaultValue={values.handle ?? collection.handle}
              error={errors.handle}
            />
            <div className="field">
              <label htmlFor="description">{t("collectionPage.description")}</label>
              <textarea id="description" name="description" rows={4} defaultValue={values.description ?? collection.description} />
              {errors.description ? <p className="error">{errors.description}</p> : null}
            </div>
            <button type="submit">{t("collectionPage.save")}</button>
          </PostForm>
        </section>
        <section className="card stack">
          <h2>{t("collectionPage.products")}</h2>
          <p className="small muted">{t("collectionPage.productsHint")}</p>
          {products.length === 0 ? (
            <p className="muted">{t("collectionPage.none")}</p>
          ) : (
            <ol className="checklist" data-testid="collection-products">
              {products.map((p, i) => (
                <li key={p.id} className="spread">
                  <span>
                    <Link to={`/admin/products/${p.id}`}>{p.title}</Link> <StatusBadge status={p.status} />
                  </span>
                  <span className="row">
                    {(["up", "down"] as const).map((direction) =>
                      (direction === "up" ? i > 0 : i < products.length - 1) ? (
                        <PostForm key={direction} fields={{ intent: "move", productId: p.id, direction: direction }}>
                          <button
                            type="submit"
                            className="secondary"
                            aria-label={t(direction === "up" ? "collectionPage.moveUp" : "collectionPage.moveDown", { title: p.title })}
                          >
                            {direction === "up" ? "↑" : "↓"}
                          </button>
                        </PostForm>
                      ) : null,
                    )}
                    <PostForm fields={{ intent: "remove", productId: p.id }}>
                      <button type="submit" className="link small">
                        {t("collectionPage.remove")}
                      </button>
                    </PostForm>
                  </span>
                </li>
              ))}
            </ol>
          )}
          <PostForm fields={{ intent: "delete" }} confirm={t("collectionPage.deleteConfirm", { title: collection.title })}>
            <button type="submit" className="secondary">
              {t("collectionPage.delete")}
            </button>
          </PostForm>
        </section>
      </div>
    </div>
  );
}
