import { data, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { createCategory, deleteCategory, listCategories, listCollections, saveCollection } from "~/domain/catalog/collections.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { redirect } from "~/lib/redirect.server";
import { CatalogHeader } from "~/ui/catalog";
import { CsrfInput, Field, SelectField, useFormResult } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Collections · NetShop" }];

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
  return (
    <div className="stack">
      <CatalogHeader back={{ to: "/admin/products", label: "Products" }} title="Collections and categories" />
      <div className="grid">
        <section className="card stack">
          <h2>Collections</h2>
          <p className="small muted">Groups of products you choose and order by hand, e.g. "New arrivals" or "Raya 2026".</p>
          {collections.length === 0 ? (
            <p className="muted">No collections yet.</p>
          ) : (
            <ul className="checklist">
              {collections.map((c) => (
                <li key={c.id}>
                  <Link to={`/admin/collections/${c.id}`}>{c.title}</Link>
                  <span className="muted small">{c.products === 1 ? "1 product" : `${c.products} products`}</span>
                </li>
              ))}
            </ul>
          )}
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="collection" />
            <Field
              label="New collection"
              name="title"
              placeholder="New arrivals"
              defaultValue={forCollection ? values.title : ""}
              error={forCollection ? errors.title : undefined}
            />
            <button type="submit">Create collection</button>
          </Form>
        </section>
        <section className="card stack" id="categories">
          <h2>Categories</h2>
          <p className="small muted">What kind of product each one is (one category per product), for filters and reports.</p>
          {categories.length === 0 ? (
            <p className="muted">No categories yet.</p>
          ) : (
            <ul className="checklist">
              {categories.map((c) => (
                <li key={c.id} className="spread">
                  <span>
                    {c.parentId ? `${categories.find((p) => p.id === c.parentId)?.name ?? ""} › ` : ""}
                    {c.name} <span className="muted small">({c.products})</span>
                  </span>
                  <Form method="post">
                    <CsrfInput />
                    <input type="hidden" name="intent" value="delete-category" />
                    <input type="hidden" name="id" value={c.id} />
                    <button type="submit" className="link small" aria-label={`Delete category ${c.name}`}>
                      Delete
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
          )}
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="category" />
            <Field
              label="New category"
              name="name"
              placeholder="Shirts"
              defaultValue={!forCollection ? values.name : ""}
              error={!forCollection ? errors.name : undefined}
            />
            <SelectField
              label="Inside"
              name="parentId"
              defaultValue={values.parentId ?? ""}
              error={!forCollection ? errors.parentId : undefined}
              options={[{ value: "", label: "Top level" }, ...categories.map((c) => ({ value: c.id, label: c.name }))]}
            />
            <button type="submit" className="secondary">
              Add category
            </button>
          </Form>
        </section>
      </div>
    </div>
  );
}
