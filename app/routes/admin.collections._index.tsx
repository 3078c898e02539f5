import { data, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { createCategory, deleteCategory, listCategories, listCollections, saveCollection } from "~/domain/catalog/collections.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { CatalogHeader } from "~/ui/catalog";
import { Field, PostForm, SelectField, useFormResult } from "~/ui/forms";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "catalog")("collectionsPage.meta") }];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ access }) => {
  const { shop } = access;
  const [collections, categories] = await Promise.all([listCollections(shop.shopId), listCategories(shop.shopId)]);
  return { collections, categories };
});

export const action = /* @__PURE__ */ adminAction("products", async ({ request, access }) => {
  const { shop } = access;
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "category") {
    const result = await createCategory(shop.shopId, Object.fromEntries(form));
    if (!result.ok) return data({ intent, errors: result.errors, values: keptValues(form) }, { status: 400 });
    return redirect("/admin/collections#categories");
  }
  if (intent === "delete-category") {
    await deleteCategory(shop.shopId, String(form.get("id") ?? ""));
    return redirect("/admin/collections#categories");
  }
  const result = await saveCollection(shop.shopId, null, Object.fromEntries(form));
  if (!result?.ok) return data({ intent: "collection", errors: result?.errors ?? {}, values: keptValues(form) }, { status: 400 });
  return redirect(`/admin/collections/${result.id}`);
});

export default function Collections() {
  const { collections, categories } = useLoaderData<typeof loader>();
  const { result, errors, values } = useFormResult<typeof action>();
  const forCollection = result?.intent === "collection";
  const { t } = useTranslation("catalog");
  return (
    <div className="stack">
      <CatalogHeader back={{ to: "/admin/products", label: t("collectionsPage.products") }} title={t("collectionsPage.title")} />
      <div className="grid">
        <section className="card stack">
          <h2>{t("collectionsPage.collections")}</h2>
          <p className="small muted">{t("collectionsPage.collectionsHint", { year: 2026 })}</p>
          {collections.length === 0 ? (
            <p className="muted">{t("collectionsPage.noCollections")}</p>
          ) : (
            <ul className="checklist">
              {collections.map((c) => (
                <li key={c.id}>
                  <Link to={`/admin/collections/${c.id}`}>{c.title}</Link>
                  <span className="muted small">{t("collectionsPage.productCount", { count: c.products })}</span>
                </li>
              ))}
            </ul>
          )}
          <PostForm fields={{ intent: "collection" }}>
            <Field
              label={t("collectionsPage.newCollection")}
              name="title"
              placeholder={t("collectionsPage.newCollectionPlaceholder")}
              defaultValue={forCollection ? values.title : ""}
              error={forCollection ? errors.title : undefined}
            />
            <button type="submit">{t("collectionsPage.create")}</button>
          </PostForm>
        </section>
        <section className="card stack" id="categories">
          <h2>{t("collectionsPage.categories")}</h2>
          <p className="small muted">{t("collectionsPage.categoriesHint")}</p>
          {categories.length === 0 ? (
            <p className="muted">{t("collectionsPage.noCategories")}</p>
          ) : (
            <ul className="checklist">
              {categories.map((c) => (
                <li key={c.id} className="spread">
                  <span>
                    {c.parentId ? `${categories.find((p) => p.id === c.parentId)?.name ?? ""} › ` : ""}
                    {c.name} <span className="muted small">({c.products})</span>
                  </span>
                  <PostForm fields={{ intent: "delete-category", id: c.id }}>
                    <button type="submit" className="link small" aria-label={t("collectionsPage.deleteCategory", { name: c.name })}>
                      {t("collectionsPage.delete")}
                    </button>
                  </PostForm>
                </li>
              ))}
            </ul>
          )}
          <PostForm fields={{ intent: "category" }}>
            <Field
              label={t("collectionsPage.newCategory")}
              name="name"
              placeholder={t("collectionsPage.newCategoryPlaceholder")}
              defaultValue={!forCollection ? values.name : ""}
              error={!forCollection ? errors.name : undefined}
            />
            <SelectField
              label={t("collectionsPage.inside")}
              name="parentId"
              defaultValue={values.parentId ?? ""}
              error={!forCollection ? errors.parentId : undefined}
              options={[{ value: "", label: t("collectionsPage.topLevel") }, ...categories.map((c) => ({ value: c.id, label: c.name }))]}
            />
            <button type="submit" className="secondary">
              {t("collectionsPage.addCategory")}
            </button>
          </PostForm>
        </section>
      </div>
    </div>
  );
}
