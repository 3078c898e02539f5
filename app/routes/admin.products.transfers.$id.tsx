import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { adminLoader } from "~/domain/accounts/access.server";
import { getTransfer } from "~/domain/catalog/transfers.server";
import { notFound } from "~/lib/http";
import { Banner } from "~/ui/banner";
import { CatalogHeader, ProgressBar } from "~/ui/catalog";
import { useProgressStream } from "~/ui/progress";
import { TableHead } from "~/ui/table";

const TRANSFER_TABLES = ["catalog_transfers"] as const;

export const meta: MetaFunction = () => [{ title: "CSV transfer · NetShop" }];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ params, access }) => {
  const { shop } = access;
  const t = await getTransfer(shop.shopId, params.id ?? "");
  if (!t) throw notFound("There is no such import or export in your shop.");
  return {
    transfer: {
      id: t.id,
      kind: t.kind,
      status: t.status,
      filename: t.filename,
      totalRows: t.totalRows,
      processedRows: t.processedRows,
      productCount: t.productCount,
      errorCount: t.errorCount,
      errors: t.errors.slice(0, 200),
      message: t.message,
    },
  };
});

export default function TransferProgress() {
  const { transfer: t } = useLoaderData<typeof loader>();
  const live = t.status === "queued" || t.status === "running";
  // Live progress: the worker's updates arrive by server-sent events while it runs.
  useProgressStream(live, TRANSFER_TABLES);
  const unit = t.kind === "import" ? "rows" : "products";
  return (
    <div className="stack">
      {live ? (
        <noscript>
          <meta httpEquiv="refresh" content="2" />
        </noscript>
      ) : null}
      <CatalogHeader
        back={{ to: "/admin/products/import", label: "Import and export" }}
        title={t.kind === "import" ? `Import of ${t.filename ?? "a CSV file"}` : "Export of all products"}
      />
      <section className="card stack" aria-live="polite">
        <p data-testid="transfer-status">
          {t.status === "queued"
            ? "Waiting to start…"
            : t.status === "running"
              ? `Working on ${unit}…`
              : t.status === "succeeded"
                ? "Done."
                : "Stopped."}
        </p>
        <ProgressBar value={t.processedRows} max={t.totalRows} label={`${t.kind === "import" ? "Import" : "Export"} progress`} />
        <Banner tone={t.status === "failed" ? "danger" : t.errorCount ? "warn" : "ok"} role={null} data-testid="transfer-message">
          {t.message}
        </Banner>
        {t.kind === "export" && t.status === "succeeded" ? (
          <p>
            <a className="button" href={`/admin/products/transfers/${t.id}/csv`} download>
              Download {t.filename}
            </a>
          </p>
        ) : null}
      </section>
      {t.errorCount > 0 ? (
        <section className="card flush">
          <div className="toolbar">
            <span>
              {t.errorCount} {t.errorCount === 1 ? "problem" : "problems"}
              {t.errorCount > t.errors.length ? ` (the first ${t.errors.length} are shown)` : ""}
            </span>
            <a className="button secondary" href={`/admin/products/transfers/${t.id}/csv?report=errors`} download>
              Download the report
            </a>
          </div>
          <table className="data" data-testid="error-report">
            <TableHead columns={["Row", "Column", "Problem"]} />
            <tbody>
              {t.errors.map((e, i) => (
                <tr key={i}>
                  <td>{e.row}</td>
                  <td>{e.column}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}
