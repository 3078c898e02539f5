import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { adminLoader } from "~/domain/accounts/access.server";
import { getTransfer } from "~/domain/catalog/transfers.server";
import { notFound } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { CatalogHeader, ProgressBar } from "~/ui/catalog";
import { useErrorText } from "~/ui/forms";
import { useProgressStream } from "~/ui/progress";
import { TableHead } from "~/ui/table";

const TRANSFER_TABLES = ["catalog_transfers"] as const;

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "common")("titles.transfer") }];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ request, params, access }) => {
  const { shop } = access;
  const t = await getTransfer(shop.shopId, params.id ?? "");
  if (!t) throw notFound(serverT(await localeFor(request), "catalog")("transfers.notFound"));
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
  const { t: tr } = useTranslation("catalog");
  const text = useErrorText();
  // What the job did, worded here in the reader's language; a stopped job keeps its stored reason.
  const outcome =
    t.status !== "succeeded"
      ? t.message
      : t.kind === "export"
        ? tr("transfers.exported", { count: t.productCount })
        : tr(t.errorCount ? "transfers.importedWithProblems" : "transfers.imported", { count: t.productCount });
  return (
    <div className="stack">
      {live ? (
        <noscript>
          <meta httpEquiv="refresh" content="2" />
        </noscript>
      ) : null}
      <CatalogHeader
        back={{ to: "/admin/products/import", label: tr("transfers.title") }}
        title={t.kind === "import" ? tr("transfers.importOf", { file: t.filename ?? tr("transfers.aFile") }) : tr("transfers.exportOfAll")}
      />
      <section className="card stack" aria-live="polite">
        <p data-testid="transfer-status">
          {t.status === "queued"
            ? tr("transfers.waiting")
            : t.status === "running"
              ? tr(t.kind === "import" ? "transfers.workingRows" : "transfers.workingProducts")
              : t.status === "succeeded"
                ? tr("transfers.done")
                : tr("transfers.stopped")}
        </p>
        <ProgressBar
          value={t.processedRows}
          max={t.totalRows}
          label={tr(t.kind === "import" ? "transfers.importProgress" : "transfers.exportProgress")}
        />
        <Banner tone={t.status === "failed" ? "danger" : t.errorCount ? "warn" : "ok"} role={null} data-testid="transfer-message">
          {outcome}
        </Banner>
        {t.kind === "export" && t.status === "succeeded" ? (
          <p>
            <a className="button" href={`/admin/products/transfers/${t.id}/csv`} download>
              {tr("transfers.download", { file: t.filename })}
            </a>
          </p>
        ) : null}
      </section>
      {t.errorCount > 0 ? (
        <section className="card flush">
          <div className="toolbar">
            <span>
              {tr("transfers.problems", { count: t.errorCount })}
              {t.errorCount > t.errors.length ? tr("transfers.firstShown", { count: t.errors.length }) : ""}
            </span>
            <a className="button secondary" href={`/admin/products/transfers/${t.id}/csv?report=errors`} download>
              {tr("transfers.downloadReport")}
            </a>
          </div>
          <table className="data" data-testid="error-report">
            <TableHead
              columns={[tr("transfers.reportColumns.row"), tr("transfers.reportColumns.column"), tr("transfers.reportColumns.problem")]}
            />
            <tbody>
              {t.errors.map((e, i) => (
                <tr key={i}>
                  <td>{e.row}</td>
                  <td>{e.column}</td>
                  <td>{"key" in e ? text(e) : e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}
