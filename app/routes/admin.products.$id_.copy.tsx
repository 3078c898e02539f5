import { data, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { allows } from "~/domain/accounts/permissions";
import { requestCopy } from "~/domain/ai/copy-requests.server";
import { applyDraftField, productCopyPage, restoreVersion } from "~/domain/ai/copy-review.server";
import { aiProblem, COPY_FIELDS, type CopyField, type CopyLanguageCode, LANGUAGE_NAMES, PROVIDER_NAMES } from "~/domain/ai/copy-rules";
import { copySettingsView } from "~/domain/ai/copy-settings.server";
import { creditsLeft } from "~/domain/ai/jobs.server";
import { limitsInLanguage } from "~/domain/billing/limit-refusals.server";
import { readForm } from "~/lib/csrf.server";
import { formFields, keptValues } from "~/lib/forms";
import { notFound } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { CopyChoices, JobCost, JobProgress, JobStatusBadge, LiveNoScript, SandboxNote, useLive } from "~/ui/ai";
import { Banner } from "~/ui/banner";
import { PostForm } from "~/ui/csrf";
import { useFormat } from "~/ui/format";
import { useFormResult } from "~/ui/forms";
import { PageTitle } from "~/ui/page-title";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: metaT(matches, "common")("titles.aiCopy", { title: data?.product.title ?? metaT(matches, "common")("titles.product") }) },
];

export const loader = /* @__PURE__ */ adminLoader("ai", async ({ params, access }) => {
  const shopId = access.shop.shopId;
  const page = await productCopyPage(shopId, params.id ?? "");
  if (!page) throw notFound("This product does not exist in your shop.");
  const { product, settings, jobs, drafts, versions } = page;
  return {
    product,
    settings: copySettingsView(settings),
    creditsLeft: await creditsLeft(shopId, "copy"),
    jobs: jobs.map((j) => ({
      id: j.id,
      kind: j.kind,
      status: j.status,
      progress: j.progress,
      provider: j.provider,
      model: j.model,
      providerStatus: j.providerStatus,
      error: j.error,
      inputTokens: j.inputTokens,
      outputTokens: j.outputTokens,
      credits: j.credits,
      charged: j.charged,
      createdAt: j.createdAt.toISOString(),
    })),
    drafts,
    versions: versions.map((v) => ({
      id: v.id,
      title: v.title,
      reason: v.reason,
      createdAt: v.createdAt.toISOString(),
      restoredAt: v.restoredAt?.toISOString() ?? null,
    })),
  };
});

export const action = /* @__PURE__ */ adminAction("ai", async ({ request, params, context, access }) => {
  const shopId = access.shop.shopId;
  const productId = params.id ?? "";
  const form = await readForm(request);
  const actor = { userId: access.user.id, ip: context.ip, userAgent: context.userAgent };
  const intent = String(form.get("intent") ?? "");
  const fields = formFields(form);
  if (intent === "apply" || intent === "restore") {
    // Changing the product's words also needs the Products area (a 400 with words, not a 403:
    // the page itself is the AI studio's).
    if (!allows(access.shop, "products")) {
      return data({ intent, errors: { form: aiProblem("needsProducts") }, values: {} }, { status: 400 });
    }
    const result =
      intent === "apply"
        ? await applyDraftField(shopId, productId, fields, actor)
        : await restoreVersion(shopId, productId, String(form.get("versionId") ?? ""), actor);
    if (!result) throw notFound("This product or draft does not exist in your shop.");
    if (!result.ok) return data({ intent, errors: result.errors, values: {} }, { status: 400 });
    const done = intent === "apply" ? `applied=${form.get("language")}.${form.get("field")}` : "restored=1";
    return redirect(`/admin/products/${productId}/copy?${done}${form.get("draftId") ? `&draft=${form.get("draftId")}` : ""}`);
  }
  const queued = await limitsInLanguage(request, await requestCopy(shopId, productId, fields, actor));
  if (!queued) throw notFound("This product does not exist in your shop.");
  if (!queued.ok) return data({ intent: "generate", errors: queued.errors, values: keptValues(form) }, { status: 400 });
  return redirect(`/admin/products/${productId}/copy?queued=1`);
});

export default function ProductCopy() {
  const { product, settings, creditsLeft, jobs, drafts, versions } = useLoaderData<typeof loader>();
  // Refusals are coded (or a plan limit already worded): useFormResult words them in the page's language.
  const { result, errors: worded, values: kept } = useFormResult<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation("ai");
  const fmt = useFormat();
  const latest = jobs[0];
  const live = jobs.some((j) => j.status === "queued" || j.status === "running");
  useLive(live);
  const draft = drafts.find((d) => d.id === params.get("draft")) ?? drafts[0];
  const errors = result?.intent === "generate" ? worded : {};
  const values = result?.intent === "generate" ? kept : {};
  const applied = params.get("applied");
  const current: Record<CopyField, string | string[]> = {
    title: product.title,
    description: product.descriptionMd,
    bulletPoints: [],
    seoTitle: product.seoTitle ?? "",
    metaDescription: product.seoDescription ?? "",
    tags: product.tags,
  };
  return (
    <div className="stack">
      <LiveNoScript live={live} />
      <div className="admin-top">
        <div>
          <PageTitle back={{ to: `/admin/products/${product.id}`, label: product.title }}>{t("copy.title")}</PageTitle>
        </div>
        <Link className="button secondary" to={`/admin/products/${product.id}`}>
          {t("copy.backToProduct")}
        </Link>
      </div>
      {settings.sandbox ? <SandboxNote provider={settings.provider} /> : null}
      {applied && !result ? (
        <Banner tone="ok" data-testid="copy-applied">
          {t("copy.applied")}
        </Banner>
      ) : null}
      {params.get("restored") && !result ? <Banner tone="ok">{t("copy.restored")}</Banner> : null}
      {worded.form ? (
        <Banner tone="danger" data-testid="copy-error">
          {worded.form}
        </Banner>
      ) : null}

      <section className="card stack" aria-labelledby="generate-heading">
        <h2 id="generate-heading">{t("copy.generate")}</h2>
        <p className="small muted">
          {t("copy.generateIntro", {
            provider: settings.sandbox
              ? t("sandboxWriter", { provider: PROVIDER_NAMES[settings.provider] })
              : PROVIDER_NAMES[settings.provider],
            model: settings.model,
            left: creditsLeft,
          })}
        </p>
        <PostForm className="stack" noValidate fields={{ intent: "generate" }}>
          <CopyChoices tone={values.tone ?? settings.tone} languages={settings.languages} errors={errors} withNotes notes={values.notes} />
          <button type="submit" disabled={busy || live}>
            {live ? t("copy.writing") : t("copy.submit")}
          </button>
        </PostForm>
        {latest ? (
          <div className="stack" data-testid="copy-job" data-status={latest.status} aria-live="polite">
            <div className="row">
              <JobStatusBadge status={latest.status} />
              <JobCost job={latest} />
              {latest.providerStatus && live ? <span className="small muted">{latest.providerStatus}</span> : null}
            </div>
            {latest.status === "queued" || latest.status === "running" ? (
              <JobProgress value={latest.progress} label={t("jobs.progress")} />
            ) : null}
            {latest.status === "failed" ? (
              <Banner tone="danger" role={null} data-testid="copy-job-error">
                {latest.error} <Link to="/admin/ai?status=failed">{t("copy.retryInStudio")}</Link>
              </Banner>
            ) : null}
          </div>
        ) : null}
      </section>

      {draft ? (
        <section className="card flush" aria-labelledby="review-heading">
          <div className="toolbar">
            <span id="review-heading">
              <strong>{t("copy.review")}</strong> · {t(`tones.${draft.tone}` as "tones.friendly")} · {fmt.dateTime(draft.createdAt)}
              {settings.sandboxed[
                (jobs.find((j) => j.id === draft.jobId)?.provider ?? settings.provider) as keyof typeof settings.sandboxed
              ] ? (
                <>
                  {" "}
                  <span className="badge warn" data-testid="sandbox-copy">
                    {t("sandboxBadge")}
                  </span>
                </>
              ) : null}
            </span>
            {drafts.length > 1
              ? drafts.map((d, i) => (
                  <Link key={d.id} to={`?draft=${d.id}`} className={d.id === draft.id ? "badge ok" : "badge"}>
                    {t("copy.draftN", { n: drafts.length - i })}
                  </Link>
                ))
              : null}
          </div>
          <p className="small muted" style={{ padding: "0 0.8rem" }}>
            {t("copy.reviewIntro")}
          </p>
          <div className="grid-scroll">
            <table className="data" data-testid="copy-review">
              <thead>
                <tr>
                  <th>{t("copy.field")}</th>
                  <th>{t("copy.now")}</th>
                  {draft.languages.map((l) => (
                    <th key={l}>{LANGUAGE_NAMES[l]}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {COPY_FIELDS.map((field) => (
                  <tr key={field} data-field={field}>
                    <th scope="row">{t(`fields.${field}`)}</th>
                    <td className="small">
                      <Value field={field} value={current[field]} />
                    </td>
                    {draft.languages.map((language: CopyLanguageCode) => {
                      const copy = draft.content[language];
                      const when = draft.applied[`${language}.${field}`];
                      return (
                        <td key={language} lang={language === "zh" ? "zh-Hans" : language} data-language={language}>
                          {copy ? (
                            <div className="stack">
                              <Value field={field} value={copy[field]} />
                              <PostForm fields={{ intent: "apply", draftId: draft.id, language: language, field: field }}>
                                <button
                                  type="submit"
                                  className="secondary"
                                  disabled={busy}
                                  aria-label={t("copy.applyLabel", { field: t(`fields.${field}`), language: LANGUAGE_NAMES[language] })}
                                >
                                  {when ? t("copy.applyAgain") : t("copy.apply")}
                                </button>
                                {when ? <span className="badge ok">{t("copy.appliedBadge")}</span> : null}
                              </PostForm>
                            </div>
                          ) : (
                            <span className="muted">—</span>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {versions.length ? (
        <section className="card flush" aria-labelledby="versions-heading">
          <div className="toolbar">
            <span id="versions-heading">
              <strong>{t("versions.title")}</strong> · {t("versions.intro")}
            </span>
          </div>
          <DataTable
            className="data"
            data-testid="copy-versions"
            columns={[t("versions.when"), t("versions.replacedBy"), t("fields.title"), null]}
            rows={versions}
            rowKey={(v) => v.id}
            rowProps={() => ({ "data-testid": "copy-version" })}
            cells={(v) => (
              <>
                <td className="small nowrap">{fmt.dateTime(v.createdAt)}</td>
                <td className="small">
                  {v.reason === "restore" ? t("versions.restore") : t("versions.apply", { what: v.reason.replace(/^apply /, "") })}
                </td>
                <td>{v.title}</td>
                <td>
                  <PostForm fields={{ intent: "restore", versionId: v.id }}>
                    <button type="submit" className="secondary" disabled={busy}>
                      {t("versions.restoreButton")}
                    </button>
                  </PostForm>
                </td>
              </>
            )}
          />
        </section>
      ) : null}
    </div>
  );
}

function Value({ field, value }: { field: CopyField; value: string | string[] }) {
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">—</span>;
    return field === "tags" ? (
      <span>{value.join(", ")}</span>
    ) : (
      <ul style={{ margin: 0, paddingLeft: "1.1rem" }}>
        {value.map((v, i) => (
          <li key={i}>{v}</li>
        ))}
      </ul>
    );
  }
  if (!value) return <span className="muted">—</span>;
  return <div style={{ whiteSpace: "pre-wrap", maxWidth: "28rem" }}>{value}</div>;
}
