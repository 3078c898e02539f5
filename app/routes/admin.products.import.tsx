import { data, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader, requireRecentAuth } from "~/domain/accounts/access.server";
import { MAX_IMPORT_BYTES, recentTransfers, startExport, startImport } from "~/domain/catalog/transfers.server";
import { readUploadForm } from "~/lib/csrf.server";
import { redirect } from "~/lib/redirect.server";
import { CatalogHeader } from "~/ui/catalog";
import { useFormat } from "~/ui/format";
import { CsrfInput, FormError } from "~/ui/forms";
import { TableHead } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Import and export products · NetShop" }];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ access }) => {
  const { shop } = access;
  const transfers = await recentTransfers(shop.shopId);
  return {
    transfers: transfers.map((t) => ({
      id: t.id,
      kind: t.kind,
      status: t.status,
      filename: t.filename,
      productCount: t.productCount,
      errorCount: t.errorCount,
      createdAt: t.createdAt.toISOString(),
    })),
  };
});

export const action = /* @__PURE__ */ adminAction("products", async ({ request, context, access }) => {
  const { shop } = access;
  const actor = { userId: access.user.id };
  const upload = await readUploadForm(request, { field: "file", maxFileBytes: MAX_IMPORT_BYTES });
  if (!upload.ok) return data({ error: upload.errors.file }, { status: upload.status });
  const form = upload.form;
  const who = { ip: context.ip, userAgent: context.userAgent };
  if (form.get("intent") === "export") {
    requireRecentAuth(access, request); // an export of the whole catalog (costs included) is sensitive
    const id = await startExport(shop.shopId, actor.userId, who);
    return redirect(`/admin/products/transfers/${id}`);
  }
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return data({ error: "Choose a CSV file to import." }, { status: 400 });
  const started = await startImport(shop.shopId, actor.userId, { name: file.name, text: await file.text() }, who);
  if (!started.ok) return data({ error: started.errors.form }, { status: 400 });
  return redirect(`/admin/products/transfers/${started.id}`);
});

export default function ImportExport() {
  const { transfers } = useLoaderData<typeof loader>();
  const fmt = useFormat();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="stack">
      <CatalogHeader back={{ to: "/admin/products", label: "Products" }} title="Import and export" />
      <div className="grid">
        <section className="card stack">
          <h2>Import products from CSV</h2>
          <p className="small muted">
            Shopify's product CSV columns (Handle, Title, Body (HTML), Option1 Name, Variant Price, Variant SKU, Variant Inventory Qty…). A
            product whose Handle exists is updated. Rows with problems are listed with their row and column; the other products import.
          </p>
          <FormError message={result?.error} />
          <Form method="post" encType="multipart/form-data" className="stack">
            <CsrfInput />
            <input type="hidden" name="intent" value="import" />
            <div className="field">
              <label htmlFor="file">CSV file (up to 15 MB)</label>
              <input id="file" name="file" type="file" accept=".csv,text/csv" required />
            </div>
            <button type="submit" disabled={busy}>
              {busy ? "Uploading…" : "Import"}
            </button>
          </Form>
        </section>
        <section className="card stack">
          <h2>Export all products</h2>
          <p className="small muted">A CSV of every product, variant and image, in the same columns: edit it and import it back.</p>
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="export" />
            <button type="submit" className="secondary" disabled={busy}>
              Export CSV
            </button>
          </Form>
        </section>
      </div>
      {transfers.length ? (
        <section className="card flush">
          <table className="data">
            <TableHead columns={["Started", "What", "Status", "Products", "Problems"]} />
            <tbody>
              {transfers.map((t) => (
                <tr key={t.id}>
                  <td className="small">
                    <Link to={`/admin/products/transfers/${t.id}`}>{fmt.dateTime(t.createdAt)}</Link>
                  </td>
                  <td>{t.kind === "import" ? `Import of ${t.filename ?? "a file"}` : "Export"}</td>
                  <td>{t.status}</td>
                  <td>{t.productCount}</td>
                  <td>{t.errorCount || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}
