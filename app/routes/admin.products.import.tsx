import { data, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader, requireRecentAuth } from "~/domain/accounts/access.server";
import { MAX_IMPORT_BYTES, recentTransfers, startExport, startImport } from "~/domain/catalog/transfers.server";
import { formatBytes } from "~/lib/bytes";
import { readUploadForm } from "~/lib/csrf.server";
import { metaT } from "~/lib/i18n";
import { codedText, localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { CatalogHeader } from "~/ui/catalog";
import { useFormat } from "~/ui/format";
import { FormError, PostForm } from "~/ui/forms";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "common")("titles.importExport") }];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ access }) => {
  const { shop } = access;
  const transfers = await recentTransfers(shop.shopId);
  return {
    maxSize: formatBytes(MAX_IMPORT_BYTES),
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
  if (!(file instanceof File) || file.size === 0)
    return data({ error: serverT(await localeFor(request), "catalog")("transfers.chooseFile") }, { status: 400 });
  const started = await startImport(shop.shopId, actor.userId, { name: file.name, text: await file.text() }, who);
  if (!started.ok) return data({ error: codedText(await localeFor(request), started.errors.form) }, { status: 400 });
  return redirect(`/admin/products/transfers/${started.id}`);
});

export default function ImportExport() {
  const { transfers, maxSize } = useLoaderData<typeof loader>();
  const fmt = useFormat();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation("catalog");
  return (
    <div className="stack">
      <CatalogHeader back={{ to: "/admin/products", label: t("products") }} title={t("transfers.title")} />
      <div className="grid">
        <section className="card stack">
          <h2>{t("transfers.importHeading")}</h2>
          <p className="small muted">{t("transfers.importIntro")}</p>
          <FormError message={result?.error} />
          <PostForm encType="multipart/form-data" className="stack" fields={{ intent: "import" }}>
            <div className="field">
              <label htmlFor="file">{t("transfers.file", { size: maxSize })}</label>
              <input id="file" name="file" type="file" accept=".csv,text/csv" required />
            </div>
            <button type="submit" disabled={busy}>
              {busy ? t("transfers.uploading") : t("transfers.import")}
            </button>
          </PostForm>
        </section>
        <section className="card stack">
          <h2>{t("transfers.exportHeading")}</h2>
          <p className="small muted">{t("transfers.exportIntro")}</p>
          <PostForm fields={{ intent: "export" }}>
            <button type="submit" className="secondary" disabled={busy}>
              {t("transfers.exportButton")}
            </button>
          </PostForm>
        </section>
      </div>
      {transfers.length ? (
        <section className="card flush">
          <DataTable
            className="data"
            columns={[
              t("transfers.columns.started"),
              t("transfers.columns.what"),
              t("transfers.columns.status"),
              t("transfers.columns.products"),
              t("transfers.columns.problems"),
            ]}
            rows={transfers}
            rowKey={(x) => x.id}
            cells={(x) => (
              <>
                <td className="small">
                  <Link to={`/admin/products/transfers/${x.id}`}>{fmt.dateTime(x.createdAt)}</Link>
                </td>
                <td>
                  {x.kind === "import" ? t("transfers.importOf", { file: x.filename ?? t("transfers.aFile") }) : t("transfers.export")}
                </td>
                <td>{t(`transfers.statuses.${x.status}`)}</td>
                <td>{x.productCount}</td>
                <td>{x.errorCount || "—"}</td>
              </>
            )}
          />
        </section>
      ) : null}
    </div>
  );
}
