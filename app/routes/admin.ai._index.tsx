import { data, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { PROVIDER_NAMES } from "~/domain/ai/copy-rules";
import { copySettingsView, getAiSettings } from "~/domain/ai/copy-settings.server";
import { aiStudio, cancelBatch, JOB_STATUS_FILTERS, productChoices, requestBulkCopy, retryJob } from "~/domain/ai/jobs.server";
import { limitsInLanguage } from "~/domain/billing/limit-refusals.server";
import { readForm } from "~/lib/csrf.server";
import { notFound } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import {
  batchPercent,
  batchStatus,
  CancelBatchForm,
  CopyChoices,
  JobCost,
  JobProgress,
  JobStatusBadge,
  LiveNoScript,
  SandboxNote,
  useLive,
} from "~/ui/ai";
import { Banner } from "~/ui/banner";
import { PostForm } from "~/ui/csrf";
import { useFormat } from "~/ui/format";
import { useFormResult } from "~/ui/forms";
import { DataTable, TableHead } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "common")("titles.aiStudio") }];

export const loader = /* @__PURE__ */ adminLoader("ai", async ({ request, access }) => {
  const shopId = access.shop.shopId;
  const param = new URL(request.url).searchParams.get("status");
  const filter = (JOB_STATUS_FILTERS as readonly string[]).includes(param ?? "") ? (param as (typeof JOB_STATUS_FILTERS)[number]) : "all";
  const [studio, settings, products] = await Promise.all([aiStudio(shopId, filter), getAiSettings(shopId), productChoices(shopId)]);
  return {
    filter,
    settings: copySettingsView(settings),
    credits: Object.values(studio.credits),
    jobs: studio.jobs.map((j) => ({ ...j, createdAt: j.createdAt.toISOString(), finishedAt: j.finishedAt?.toISOString() ?? null })),
    batches: studio.batches.map((b) => ({ ...b, createdAt: b.createdAt.toISOString() })),
    products,
  };
});

export const action = /* @__PURE__ */ adminAction("ai", async ({ request, context, access }) => {
  const shopId = access.shop.shopId;
  const form = await readForm(request);
  const actor = { userId: access.user.id, ip: context.ip, userAgent: context.userAgent };
  const intent = String(form.get("intent") ?? "");
  if (intent === "retry") {
    const result = await limitsInLanguage(request, await retryJob(shopId, String(form.get("jobId") ?? ""), actor));
    if (!result) throw notFound("There is no such AI job in your shop.");
    if (!result.ok) return data({ errors: result.errors }, { status: 400 });
    return redirect("/admin/ai?retried=1");
  }
  if (intent === "cancel") {
    const batchId = String(form.get("batchId") ?? "");
    const n = await cancelBatch(shopId, batchId, actor);
    if (n === undefined) throw notFound("There is no such bulk run in your shop.");
    return redirect(`/admin/ai/batches/${batchId}?cancelled=${n}`);
  }
  // A bulk run: from this page's form, or from the product list's selection.
  const settings = await getAiSettings(shopId);
  const ids = form.getAll("ids").map(String);
  const languages = form.getAll("languages").map(String);
  const result = await limitsInLanguage(
    request,
    await requestBulkCopy(
      shopId,
      ids,
      {
        tone: String(form.get("tone") ?? settings.tone),
        languages: languages.length || form.get("chosen") ? languages : settings.languages,
      },
      actor,
    ),
  );
  if (!result.ok) return data({ errors: result.errors }, { status: 400 });
  return redirect(`/admin/ai/batches/${result.batchId}`);
});

export default function AiStudio() {
  const { filter, settings, credits, jobs, batches, products } = useLoaderData<typeof loader>();
  // Refusals are coded (or a plan limit already worded): useFormResult words them in the page's language.
  const { result, errors } = useFormResult<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation("ai");
  const fmt = useFormat();
  const live = jobs.some((j) => j.status === "queued" || j.status === "running") || batches.some((b) => !b.finishedAt);
  useLive(live);
  return (
    <div className="stack">
      <LiveNoScript live={live} />
      <div className="admin-top">
        <div>
          <p className="eyebrow">{t("studio.eyebrow")}</p>
          <h1>{t("studio.title")}</h1>
        </div>
        <Link className="button secondary" to="/admin/settings/ai">
          {t("settings.link")}
        </Link>
      </div>
      {settings.sandbox ? <SandboxNote provider={settings.provider} /> : null}
      {params.get("retried") && !result ? <Banner tone="ok">{t("studio.retried")}</Banner> : null}
      {errors.form || errors.ids ? (
        <Banner tone="danger" data-testid="ai-error">
          {errors.form ?? errors.ids}
        </Banner>
      ) : null}

      <section className="card" aria-labelledby="credits-heading">
        <h2 id="credits-heading">{t("credits.title")}</h2>
        <div className="grid" data-testid="ai-credits">
          {credits.map((c) => (
            <div key={c.kind} data-kind={c.kind}>
              <strong>{t(`kinds.${c.kind}`)}</strong>
              <progress
                value={c.used + c.held}
                max={Math.max(1, c.allowance)}
                aria-label={t(`kinds.${c.kind}`)}
                style={{ display: "block", width: "100%" }}
              />
              <div className="small muted">{t("credits.line", { used: c.used, held: c.held, allowance: c.allowance, left: c.left })}</div>
            </div>
          ))}
        </div>
      </section>

      {batches.length ? (
        <section className="card flush" aria-labelledby="batches-heading">
          <div className="toolbar">
            <span id="batches-heading">{t("batches.title")}</span>
          </div>
          <table className="data" data-testid="ai-batches">
            <TableHead columns={[t("batches.started"), t("jobs.status"), t("jobs.progress"), null]} />
            <tbody>
              {batches.map((b) => {
                const done = b.succeeded + b.failed + b.cancelled;
                return (
                  <tr key={b.id}>
                    <td className="small">
                      <Link to={`/admin/ai/batches/${b.id}`}>{fmt.dateTime(b.createdAt)}</Link>
                    </td>
                    <td>
                      <JobStatusBadge status={batchStatus(b, done, b.running > 0)} />
                    </td>
                    <td>
                      <JobProgress value={batchPercent(done, b.total)} label={t("batches.progress")} />
                      <span className="small muted">{t("batches.counts", { done, total: b.total, failed: b.failed })}</span>
                    </td>
                    <td>{!b.finishedAt && !b.cancelledAt ? <CancelBatchForm batchId={b.id} /> : null}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="card flush" aria-labelledby="jobs-heading">
        <div className="toolbar">
          <span id="jobs-heading">{t("jobs.title")}</span>
          {JOB_FILTERS.map((f) => (
            <Link
              key={f}
              to={f === "all" ? "/admin/ai" : `/admin/ai?status=${f}`}
              className={f === filter ? "badge ok" : "badge"}
              aria-current={f === filter ? "page" : undefined}
            >
              {t(`filters.${f}`)}
            </Link>
          ))}
        </div>
        {jobs.length === 0 ? (
          <p className="empty-state muted" data-testid="no-ai-jobs">
            {t("jobs.none")}
          </p>
        ) : (
          <DataTable
            className="data"
            data-testid="ai-jobs"
            columns={[t("jobs.what"), t("jobs.status"), t("jobs.progress"), t("jobs.provider"), t("jobs.cost")]}
            rows={jobs}
            rowKey={(j) => j.id}
            rowProps={(j) => ({ "data-testid": "ai-job", "data-job-id": j.id, "data-status": j.status })}
            cells={(j) => (
              <>
                <td>
                  <strong>{t(`kinds.${j.kind}`)}</strong>
                  <div className="small">
                    {j.productId && j.productTitle ? (
                      <Link to={j.kind === "copy" ? `/admin/products/${j.productId}/copy` : `/admin/products/${j.productId}`}>
                        {j.productTitle}
                      </Link>
                    ) : (
                      <span className="muted">{t("jobs.noProduct")}</span>
                    )}
                  </div>
                </td>
                <td>
                  <JobStatusBadge status={j.status} />
                  {j.providerStatus && (j.status === "running" || j.status === "queued") ? (
                    <div className="small muted">{j.providerStatus}</div>
                  ) : null}
                  {j.status === "failed" ? (
                    <div className="stack">
                      <p className="small error" data-testid="ai-job-error">
                        {j.error ?? t("jobs.failedNoReason")}
                      </p>
                      <PostForm fields={{ intent: "retry", jobId: j.id }}>
                        <button type="submit" className="secondary" disabled={busy}>
                          {t("jobs.retry")}
                        </button>
                      </PostForm>
                    </div>
                  ) : null}
                </td>
                <td>
                  <JobProgress value={j.progress} label={t("jobs.progress")} />
                </td>
                <td className="small">
                  {j.provider in settings.sandboxed && settings.sandboxed[j.provider as keyof typeof settings.sandboxed] ? (
                    <span data-testid="sandbox-job">{t("sandboxWriter", { provider: PROVIDER_NAMES[j.provider] ?? j.provider })}</span>
                  ) : (
                    (PROVIDER_NAMES[j.provider] ?? j.provider)
                  )}
                  {j.model ? <div className="muted">{j.model}</div> : null}
                </td>
                <td>
                  <JobCost job={j} />
                </td>
              </>
            )}
          />
        )}
      </section>

      <section className="card" aria-labelledby="bulk-heading">
        <h2 id="bulk-heading">{t("bulk.title")}</h2>
        <p className="small muted">
          {t("bulk.intro", {
            provider: settings.sandbox
              ? t("sandboxWriter", { provider: PROVIDER_NAMES[settings.provider] })
              : PROVIDER_NAMES[settings.provider],
            model: settings.model,
          })}
        </p>
        {products.length === 0 ? (
          <p className="muted">{t("bulk.noProducts")}</p>
        ) : (
          <PostForm className="stack" fields={{ intent: "bulk", chosen: "1" }}>
            <fieldset className={`field${errors.ids ? " has-error" : ""}`}>
              <legend>{t("bulk.products")}</legend>
              <div className="grid" style={{ maxHeight: "16rem", overflowY: "auto" }}>
                {products.map((p) => (
                  <label key={p.id} className="row" style={{ gap: "0.3rem" }}>
                    <input type="checkbox" name="ids" value={p.id} /> <span>{p.title}</span>
                  </label>
                ))}
              </div>
              {errors.ids ? (
                <p className="error" role="alert" data-field-error="ids">
                  {errors.ids}
                </p>
              ) : null}
            </fieldset>
            <CopyChoices tone={settings.tone} languages={settings.languages} errors={errors} />
            <button type="submit" disabled={busy}>
              {t("bulk.submit")}
            </button>
          </PostForm>
        )}
      </section>
    </div>
  );
}

const JOB_FILTERS = ["all", "active", "failed", "succeeded"] as const;
