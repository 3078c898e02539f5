import { data, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { adminAction, adminLoader, requireRecentAuth } from "~/domain/accounts/access.server";
import { formatDate, formatMoney, type ProductStatus, SORTS, STATUS_LABELS, stockLevel } from "~/domain/catalog/catalog-rules";
import { listCollections } from "~/domain/catalog/collections.server";
import { listProducts, ListQuerySchema } from "~/domain/catalog/product-list.server";
import { addProductsToCollection, BULK_ACTIONS, deleteProducts, setProductStatus } from "~/domain/catalog/products.server";
import { readForm } from "~/lib/csrf.server";
import { Banner } from "~/ui/banner";
import { CatalogHeader, StatusBadge, StockBadge } from "~/ui/catalog";
import { FilterInput, FilterSelect } from "~/ui/filters";
import { CsrfInput } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Products · NetShop" }];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ request, access }) => {
  const { shop } = access;
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const query = ListQuerySchema.parse(params);
  const [page, collections] = await Promise.all([listProducts(shop.shopId, query), listCollections(shop.shopId)]);
  return { page, query, collections: collections.map((c) => ({ id: c.id, title: c.title })) };
});

export const action = /* @__PURE__ */ adminAction("products", async ({ request, context, access }) => {
  const { shop } = access;
  const actor = { userId: access.user.id };
  const form = await readForm(request);
  const ids = form.getAll("ids").filter((v): v is string => typeof v === "string");
  const bulk = String(form.get("bulk") ?? "");
  const who = { ...actor, ip: context.ip, userAgent: context.userAgent };
  if (!BULK_ACTIONS.includes(bulk as never))
    return data({ error: "Choose what to do with the selected products.", done: null }, { status: 400 });
  if (ids.length === 0) return data({ error: "Select at least one product first.", done: null }, { status: 400 });
  let done: string;
  switch (bulk) {
    case "publish":
      done = `${await setProductStatus(shop.shopId, ids, "active", who)} published.`;
      break;
    case "archive":
      done = `${await setProductStatus(shop.shopId, ids, "archived", who)} archived.`;
      break;
    case "draft":
      done = `${await setProductStatus(shop.shopId, ids, "draft", who)} set to draft.`;
      break;
    case "delete":
      requireRecentAuth(access, request);
      done = `${await deleteProducts(shop.shopId, ids, who)} deleted.`;
      break;
    default: {
      const added = await addProductsToCollection(shop.shopId, ids, String(form.get("collectionId") ?? ""));
      if (added === undefined) return data({ error: "Choose the collection to add the products to.", done: null }, { status: 400 });
      done = `${added} added to the collection.`;
    }
  }
  const back = String(form.get("back") ?? "");
  if (back.startsWith("/admin/products") && !back.startsWith("//"))
    throw redirect(`${back}${back.includes("?") ? "&" : "?"}done=${encodeURIComponent(done)}`);
  return { error: null, done };
});

export default function ProductList() {
  const { page, query, collections } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulk, setBulk] = useState("");
  const { t } = useTranslation("ai");
  const allSelected = page.items.length > 0 && page.items.every((i) => selected.has(i.id));
  const link = (change: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    next.delete("done");
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    return `?${next}`;
  };
  const done = result?.done ?? params.get("done");
  const back = `/admin/products?${new URLSearchParams([...params].filter(([k]) => k !== "done"))}`;
  return (
    <div className="stack">
      <CatalogHeader back="Catalog" title="Products">
        <div className="row">
          <Link className="button secondary" to="/admin/collections">
            Collections
          </Link>
          <Link className="button secondary" to="/admin/products/import">
            Import / export
          </Link>
          <Link className="button" to="/admin/products/new">
            Add product
          </Link>
        </div>
      </CatalogHeader>

      <Banner tone="ok">{done}</Banner>
      <Banner tone="danger">{result?.error}</Banner>

      <Form method="get" className="filters card" onChange={(e) => submit(e.currentTarget, { replace: true })} role="search">
        <FilterInput grow name="q" label="Search" type="search" placeholder="Title or SKU" defaultValue={query.q ?? ""} />
        <FilterSelect name="status" label="Status" value={query.status ?? ""} any="Any" options={Object.entries(STATUS_LABELS)} />
        <FilterSelect
          name="collection"
          label="Collection"
          value={query.collection ?? ""}
          any="Any"
          options={collections.map((c) => [c.id, c.title])}
        />
        <FilterSelect
          name="stock"
          label="Stock"
          value={query.stock ?? ""}
          any="Any"
          options={[
            ["in", "In stock"],
            ["low", "Low stock"],
            ["out", "Out of stock"],
            ["untracked", "Not tracked"],
          ]}
        />
        <FilterSelect name="sort" label="Sort" value={query.sort} options={Object.entries(SORTS)} />
        <noscript>
          <button type="submit">Apply</button>
        </noscript>
      </Form>

      <Form method="post" className="card flush">
        <CsrfInput />
        <input type="hidden" name="back" value={back} />
        <div className="toolbar">
          <span className="muted small" data-testid="product-total">
            {page.total === 1 ? "1 product" : `${page.total.toLocaleString("en")} products`}
            {selected.size ? ` · ${selected.size} selected` : ""}
          </span>
          <label className="sr-only" htmlFor="bulk">
            Bulk action
          </label>
          <select id="bulk" name="bulk" value={bulk} onChange={(e) => setBulk(e.currentTarget.value)}>
            <option value="">With selected…</option>
            <option value="publish">Publish (active)</option>
            <option value="draft">Set to draft</option>
            <option value="archive">Archive</option>
            <option value="add-to-collection">Add to collection…</option>
            <option value="delete">Delete</option>
          </select>
          <select
            name="collectionId"
            aria-label="Collection (for Add to collection)"
            defaultValue=""
            className={bulk === "add-to-collection" ? "" : "quiet"}
          >
            <option value="">Collection…</option>
            {collections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
          <button
            type="submit"
            className="secondary"
            disabled={navigation.state === "submitting"}
            onClick={(e) => {
              if (
                bulk === "delete" &&
                !confirm(`Delete ${selected.size} products with their variants, stock and media? This cannot be undone.`)
              )
                e.preventDefault();
            }}
          >
            Apply
          </button>
          {/* AI copy for the selection: the AI studio's action (its own permission, credits and progress page). */}
          <button type="submit" className="secondary" formAction="/admin/ai" name="intent" value="bulk-copy" data-testid="bulk-ai-copy">
            {t("bulk.fromList")}
          </button>
        </div>
        {page.items.length === 0 ? (
          <div className="empty-state" data-testid="no-products">
            {query.q || query.status || query.collection || query.stock ? (
              <p>No products match these filters.</p>
            ) : (
              <>
                <h2>Add your first product</h2>
                <p>
                  <Link to="/admin/products/new">Add a product</Link> or <Link to="/admin/products/import">import a CSV</Link>.
                </p>
              </>
            )}
          </div>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th style={{ width: "2rem" }}>
                  <input
                    type="checkbox"
                    aria-label="Select all on this page"
                    checked={allSelected}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(page.items.map((i) => i.id)))}
                  />
                </th>
                <th style={{ width: "3.5rem" }}></th>
                <th>Product</th>
                <th>Status</th>
                <th>Stock</th>
                <th>Price</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((p) => (
                <tr key={p.id} data-testid="product-row">
                  <td>
                    <input
                      type="checkbox"
                      name="ids"
                      value={p.id}
                      aria-label={`Select ${p.title}`}
                      checked={selected.has(p.id)}
                      onChange={(e) => {
                        const next = new Set(selected);
                        if (e.currentTarget.checked) next.add(p.id);
                        else next.delete(p.id);
                        setSelected(next);
                      }}
                    />
                  </td>
                  <td>
                    {p.thumbnail ? (
                      <img className="thumb" src={p.thumbnail.url} alt={p.thumbnail.alt} loading="lazy" />
                    ) : (
                      <span className="thumb empty" />
                    )}
                  </td>
                  <td>
                    <Link to={`/admin/products/${p.id}`}>{p.title}</Link>
                    <div className="muted small">{p.variantCount === 1 ? "1 variant" : `${p.variantCount} variants`}</div>
                  </td>
                  <td>
                    <StatusBadge status={p.status as ProductStatus} />
                  </td>
                  <td>
                    <StockBadge stock={p.stockOnHand} level={stockLevel(p.stockOnHand)} />
                  </td>
                  <td className="nowrap">
                    {p.minPrice === null
                      ? "—"
                      : p.minPrice === p.maxPrice
                        ? formatMoney(p.minPrice, p.currency)
                        : `${formatMoney(p.minPrice, p.currency)} – ${formatMoney(p.maxPrice!, p.currency)}`}
                  </td>
                  <td className="muted small nowrap">
                    <time dateTime={p.updatedAt}>{formatDate(p.updatedAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Form>
      <nav className="row pager" aria-label="Pages">
        {page.prevCursor ? (
          <Link className="button secondary" to={link({ before: page.prevCursor, after: undefined })} rel="prev">
            ← Previous
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link className="button secondary" to={link({ after: page.nextCursor, before: undefined })} rel="next">
            Next →
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
