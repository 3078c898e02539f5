import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";

import { adminLoader } from "~/domain/accounts/access.server";
import { getBatch } from "~/domain/ai/jobs.server";
import { notFound } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { batchPercent, batchStatus, CancelBatchForm, JobProgress, JobStatusBadge, LiveNoScript, useLive } from "~/ui/ai";
import { Banner } from "~/ui/banner";
import { PageTitle } from "~/ui/page-title";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "common")("titles.bulkCopy") }];

export const loader = /* @__PURE__ */ adminLoader("ai", async ({ params, access }) => {
  const found = await getBatch(access.shop.shopId, params.id ?? "");
  if (!found) throw notFound("There is no such bulk run in your shop.");
  const { batch, jobs } = found;
  return {
    batch: {
      id: batch.id,
      status: batch.status,
      total: batch.total,
      cancelledAt: batch.cancelledAt?.toISOString() ?? null,
      finishedAt: batch.finishedAt?.toISOString() ?? null,
    },
    jobs,
  };
});

export default function BatchProgress() {
  const { batch, jobs } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation("ai");
  const live = !batch.finishedAt;
  useLive(live);
  const count = (s: string) => jobs.filter((j) => j.status === s).length;
  const done = count("succeeded") + count("failed") + count("cancelled");
  const cancelled = params.get("cancelled");
  return (
    <div className="stack">
      <LiveNoScript live={live} />
      <div className="admin-top">
        <div>
          <PageTitle back={{ to: "/admin/ai", label: t("studio.title") }}>{t("batches.heading", { total: batch.total })}</PageTitle>
        </div>
        {!batch.finishedAt && !batch.cancelledAt ? <CancelBatchForm batchId={batch.id} action="/admin/ai" /> : null}
      </div>
      {cancelled !== null ? (
        <Banner tone="ok" data-testid="batch-cancelled">
          {t("batches.cancelled", { count: Number(cancelled) })}
        </Banner>
      ) : null}
      <section className="card stack" aria-live="polite">
        <p data-testid="batch-status">
          <JobStatusBadge status={batchStatus(batch, done)} /> {t("batches.counts", { done, total: batch.total, failed: count("failed") })}
        </p>
        <JobProgress value={batchPercent(done, batch.total)} label={t("batches.progress")} />
      </section>
      <section className="card flush">
        <DataTable
          className="data"
          data-testid="batch-jobs"
          columns={[t("jobs.what"), t("jobs.status"), t("jobs.progress")]}
          rows={jobs}
          rowKey={(j) => j.id}
          rowProps={(j) => ({ "data-testid": "batch-job", "data-status": j.status })}
          cells={(j) => (
            <>
              <td>
                {j.productId && j.productTitle ? (
                  <Link to={`/admin/products/${j.productId}/copy`}>{j.productTitle}</Link>
                ) : (
                  t("jobs.noProduct")
                )}
              </td>
              <td>
                <JobStatusBadge status={j.status} />
                {j.error ? <div className="small error">{j.error}</div> : null}
              </td>
              <td>
                <JobProgress value={j.progress} label={t("jobs.progress")} />
              </td>
            </>
          )}
        />
      </section>
    </div>
  );
}
