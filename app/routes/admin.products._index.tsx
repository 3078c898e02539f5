import { data, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { useState } from "react";

import { adminAction, adminLoader, requireRecentAuth } from "~/domain/accounts/access.server";
import { formatMoney, type ProductStatus, type SortKey, SORTS, STATUS_LABELS, stockLevel } from "~/domain/catalog/catalog-rules";
import { listCollections } from "~/domain/catalog/collections.server";
import { listProducts, ListQuerySchema } from "~/domain/catalog/product-list.server";
import { addProductsToCollection, BULK_ACTIONS, deleteProducts, setProductStatus } from "~/domain/catalog/products.server";
import { readForm } from "~/lib/csrf.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { Banner } from "~/ui/banner";
import { CatalogHeader, StatusBadge, StockBadge } from "~/ui/catalog";
import { PostForm } from "~/ui/csrf";
import { FilterInput, FilterSelect } from "~/ui/filters";
import { useFormat } from "~/ui/format";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "catalog")("list.meta") }];

/** What a bulk action did, carried in the address (`?done=publish&n=3`) and worded by the page in the reader's language. */
const DONE = ["publish", "archive", "draft", "delete", "added"] as const;
type Done = (typeof DONE)[number];

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
  if (!BULK_ACTIONS.includes(bulk as never)) return data({ error: "bulk" as const, done: null }, { status: 400 });
  if (ids.length === 0) return data({ error: "none" as const, done: null }, { status: 400 });
  let done: { kind: Done; count: number };
  switch (bulk) {
    case "publish":
      done = { kind: "publish", count: await setProductStatus(shop.shopId, ids, "active", who) };
      break;
    case "archive":
      done = { kind: "archive", count: await setProductStatus(shop.shopId, ids, "archived", who) };
      break;
    case "draft":
      done = { kind: "draft", count: await setProductStatus(shop.shopId, ids, "draft", who) };
      break;
    case "delete":
      requireRecentAuth(access, request);
      done = { kind: "delete", count: await deleteProducts(shop.shopId, ids, who) };
      break;
    default: {
      const added = await addProductsToCollection(shop.shopId, ids, String(form.get("collectionId") ?? ""));
      if (added === undefined) return data({ error: "collection" as const, done: null }, { status: 400 });
      done = { kind: "added", count: added };
    }
  }
  const back = String(form.get("back") ?? "");
  if (back.startsWith("/admin/products") && !back.startsWith("//"))
    throw redirect(`${back}${back.includes("?") ? "&" : "?"}done=${done.kind}&n=${done.count}`);
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
  const { t: tc } = useTranslation("catalog");
  const fmt = useFormat();
  const allSelected = page.items.length > 0 && page.items.every((i) => selected.has(i.id));
  const link = (change: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    next.delete("done");
    next.delete("n");
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    return `?${next}`;
  };
  const doneKind = params.get("done");
  const done = result?.done ?? (DONE.includes(doneKind as Done) ? { kind: doneKind as Done, count: Number(params.get("n")) || 0 } : null);
  const back = `/admin/products?${new URLSearchParams([...params].filter(([k]) => k !== "done" && k !== "n"))}`;
  return (
    <div className="stack">
      <CatalogHeader back={tc("list.catalog")} title={tc("products")}>
        <div className="row">
          <Link className="button secondary" to="/admin/collections">
            {tc("list.collections")}
          </Link>
          <Link className="button secondary" to="/admin/products/import">
            {tc("list.importExport")}
          </Link>
          <Link className="button" to="/admin/products/new">
            {tc("list.add")}
          </Link>
        </div>
      </CatalogHeader>

      <Banner tone="ok">{done ? tc(`list.done.${done.kind}`, { count: done.count }) : null}</Banner>
      <Banner tone="danger">{result?.error ? tc(`list.errors.${result.error}`) : null}</Banner>

      <Form method="get" className="filters card" onChange={(e) => submit(e.currentTarget, { replace: true })} role="search">
        <FilterInput
          grow
          name="q"
          label={tc("list.search")}
          type="search"
          placeholder={tc("list.searchPlaceholder")}
          defaultValue={query.q ?? ""}
        />
        <FilterSelect
          name="status"
          label={tc("list.status")}
          value={query.status ?? ""}
          any={tc("list.any")}
          options={Object.keys(STATUS_LABELS).map((v) => [v, tc(`status.${v as ProductStatus}`)] as const)}
        />
        <FilterSelect
          name="collection"
          label={tc("list.collection")}
          value={query.collection ?? ""}
          any={tc("list.any")}
          options={collections.map((c) => [c.id, c.title] as const)}
        />
        <FilterSelect
          name="stock"
          label={tc("list.stock")}
          value={query.stock ?? ""}
          any={tc("list.any")}
          options={[
            ["in", tc("list.inStock")],
            ["low", tc("list.lowStock")],
            ["out", tc("list.outOfStock")],
            ["untracked", tc("list.notTracked")],
          ]}
        />
        <FilterSelect
          name="sort"
          label={tc("list.sort")}
          value={query.sort}
          options={(Object.keys(SORTS) as SortKey[]).map((v) => [v, tc(`list.sorts.${v}`)] as const)}
        />
        <noscript>
          <button type="submit">{tc("list.apply")}</button>
        </noscript>
      </Form>

      <PostForm className="card flush" fields={{ back: back }}>
        <div className="toolbar">
          <span className="muted small" data-testid="product-total">
            {tc("list.total", { count: page.total, formatted: fmt.number(page.total) })}
            {selected.size ? tc("list.selected", { count: selected.size }) : ""}
          </span>
          <label className="sr-only" htmlFor="bulk">
            {tc("list.bulk")}
          </label>
          <select id="bulk" name="bulk" value={bulk} onChange={(e) => setBulk(e.currentTarget.value)}>
            <option value="">{tc("list.withSelected")}</option>
            <option value="publish">{tc("list.publish")}</option>
            <option value="draft">{tc("list.toDraft")}</option>
            <option value="archive">{tc("list.archive")}</option>
            <option value="add-to-collection">{tc("list.addToCollection")}</option>
            <option value="delete">{tc("list.delete")}</option>
          </select>
          <select
            name="collectionId"
            aria-label={tc("list.collectionFor")}
            defaultValue=""
            className={bulk === "add-to-collection" ? "" : "quiet"}
          >
            <option value="">{tc("list.chooseCollection")}</option>
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
              if (bulk === "delete" && !confirm(tc("list.confirmDelete", { count: selected.size }))) e.preventDefault();
            }}
          >
            {tc("list.apply")}
          </button>
          {/* AI copy for the selection: the AI studio's action (its own permission, credits and progress page). */}
          <button type="submit" className="secondary" formAction="/admin/ai" name="intent" value="bulk-copy" data-testid="bulk-ai-copy">
            {t("bulk.fromList")}
          </button>
        </div>
        {page.items.length === 0 ? (
          <div className="empty-state" data-testid="no-products">
            {query.q || query.status || query.collection || query.stock ? (
              <p>{tc("list.noMatch")}</p>
            ) : (
              <>
                <h2>{tc("list.first")}</h2>
                <p>
                  <Link to="/admin/products/new">{tc("list.addOne")}</Link>
                  {tc("list.or")}
                  <Link to="/admin/products/import">{tc("list.importCsv")}</Link>.
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
                    aria-label={tc("list.selectAll")}
                    checked={allSelected}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(page.items.map((i) => i.id)))}
                  />
                </th>
                <th style={{ width: "3.5rem" }}></th>
                <th>{tc("list.product")}</th>
                <th>{tc("list.status")}</th>
                <th>{tc("list.stock")}</th>
                <th>{tc("list.price")}</th>
                <th>{tc("list.updated")}</th>
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
                      aria-label={tc("list.selectOne", { title: p.title })}
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
                    <div className="muted small">{tc("list.variants", { count: p.variantCount })}</div>
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
                    <time dateTime={p.updatedAt}>{fmt.date(p.updatedAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PostForm>
      <nav className="row pager" aria-label={tc("list.pages")}>
        {page.prevCursor ? (
          <Link className="button secondary" to={link({ before: page.prevCursor, after: undefined })} rel="prev">
            {tc("list.previous")}
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link className="button secondary" to={link({ after: page.nextCursor, before: undefined })} rel="next">
            {tc("list.next")}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
