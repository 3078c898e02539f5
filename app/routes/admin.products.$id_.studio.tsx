import { data, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect } from "react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { requestTryOn, requestVideo, retryKlingJob } from "~/domain/ai/kling-requests.server";
import { productStudio } from "~/domain/ai/kling-studio.server";
import { deleteModelPhoto, uploadModelPhoto } from "~/domain/ai/model-photos.server";
import { limitsInLanguage } from "~/domain/billing/limit-refusals.server";
import { reviewGeneratedMedia } from "~/domain/media/media.server";
import { MAX_IMAGE_BYTES } from "~/domain/media/media-rules";
import { readUploadForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { notFound } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { Banner } from "~/ui/banner";
import { CatalogHeader } from "~/ui/catalog";
import { useFormat } from "~/ui/format";
import { FormError, PostForm, SelectField } from "~/ui/forms";
import { ReviewButtons } from "~/ui/media-manager";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: metaT(matches, "common")("titles.productStudio", { title: data?.product.title ?? metaT(matches, "common")("titles.product") }) },
];

/** The product's AI studio: model photos, try-on and video forms, this product's jobs live, and approval of results. */
export const loader = /* @__PURE__ */ adminLoader("ai", async ({ params, access }) => {
  const studio = await productStudio(access.shop.shopId, params.id ?? "");
  if (!studio) throw notFound("This product does not exist in your shop.");
  return studio;
});

type Intent = "upload-model-photo" | "delete-model-photo" | "tryon" | "video" | "approve" | "reject" | "retry";

export const action = /* @__PURE__ */ adminAction("ai", async ({ request, params, access }) => {
  const shopId = access.shop.shopId;
  const productId = params.id ?? "";
  const upload = await readUploadForm(request, { field: "photo", maxFileBytes: MAX_IMAGE_BYTES });
  if (!upload.ok)
    return data(
      { intent: "upload-model-photo" as Intent, errors: upload.errors, values: {} as Record<string, string> },
      { status: upload.status },
    );
  const form = upload.form;
  const intent = String(form.get("intent") ?? "") as Intent;
  const here = `/admin/products/${productId}/studio`;
  const missing = () => notFound("This product does not exist in your shop.");

  switch (intent) {
    case "upload-model-photo": {
      const result = await limitsInLanguage(request, await uploadModelPhoto(shopId, access.user.id, form.get("photo")));
      if (!result.ok) return data({ intent, errors: result.errors, values: {} as Record<string, string> }, { status: 400 });
      return redirect(`${here}?done=photo`);
    }
    case "delete-model-photo":
      await deleteModelPhoto(shopId, String(form.get("photoId") ?? ""));
      return redirect(here);
    case "tryon":
    case "video": {
      const fields = Object.fromEntries(form);
      const result = await limitsInLanguage(
        request,
        intent === "tryon"
          ? await requestTryOn(shopId, access.user.id, productId, fields)
          : await requestVideo(shopId, access.user.id, productId, fields),
      );
      if (!result) throw missing();
      if (!result.ok) return data({ intent, errors: result.errors, values: keptValues(form) }, { status: 400 });
      return redirect(`${here}?done=queued#jobs`);
    }
    case "retry": {
      const retried = await limitsInLanguage(request, await retryKlingJob(shopId, String(form.get("jobId") ?? "")));
      if (!retried) throw notFound("This job does not exist in your shop.");
      if (!retried.ok) return data({ intent, errors: retried.errors, values: {} as Record<string, string> }, { status: 400 });
      return redirect(`${here}?done=queued#jobs`);
    }
    case "approve":
    case "reject":
      if (!(await reviewGeneratedMedia(shopId, productId, String(form.get("mediaId") ?? ""), intent)))
        throw notFound("This media is not waiting for approval.");
      return redirect(`${here}?done=${intent === "approve" ? "approved" : "rejected"}`);
    default:
      return data(
        { intent, errors: { form: "Unknown action." } as Record<string, string>, values: {} as Record<string, string> },
        { status: 400 },
      );
  }
});

const DONE_KEYS = { photo: "modelPhotos.uploaded", queued: "queued", approved: "pending.approved", rejected: "pending.rejected" } as const;

export default function ProductStudio() {
  const studio = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation("aiMedia");
  const fmt = useFormat();
  const [params] = useSearchParams();
  const revalidator = useRevalidator();
  const errorsFor = (intent: Intent) => (result?.intent === intent ? result.errors : {}) as Record<string, string | undefined>;
  const valuesFor = (intent: Intent) => (result?.intent === intent ? result.values : {}) as Record<string, string | undefined>;
  const done = params.get("done") as keyof typeof DONE_KEYS | null;
  const live =
    studio.jobs.some((j) => j.status === "queued" || j.status === "running") || studio.pending.some((m) => m.status === "processing");

  // Live progress: refresh while anything is queued, running or being processed.
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 1500);
    return () => clearInterval(timer);
  }, [live, revalidator]);

  const imageOptions = [
    { value: "", label: t("choose") },
    ...studio.images.map((m) => ({ value: m.id, label: `${m.filename} (${m.width}×${m.height})` })),
  ];
  const photoOptions = [
    { value: "", label: t("choose") },
    ...studio.modelPhotos.map((p) => ({ value: p.id, label: `${p.filename} (${p.width}×${p.height})` })),
  ];
  const tryonErrors = errorsFor("tryon");
  const videoErrors = errorsFor("video");
  const videoValues = valuesFor("video");
  const tryonValues = valuesFor("tryon");

  return (
    <div className="stack">
      <CatalogHeader back={{ to: `/admin/products/${studio.product.id}`, label: t("backToProduct") }} title={t("title")} />
      <p className="muted">{t("intro", { product: studio.product.title })}</p>
      {studio.sandbox ? (
        <Banner tone="warn" small>
          {t("sandbox")}
        </Banner>
      ) : null}
      {done && DONE_KEYS[done] && !result ? <Banner tone="ok">{t(DONE_KEYS[done])}</Banner> : null}
      <p className="small muted" data-testid="credits">
        {(["tryon", "video"] as const)
          .map((k) => t("credits", { left: studio.credits[k].left, allowance: studio.credits[k].allowance, kind: t(`kinds.${k}`) }))
          .join(" · ")}
      </p>

      <section className="card stack" aria-labelledby="pending-heading">
        <h2 id="pending-heading">{t("pending.heading")}</h2>
        <p className="small muted">{t("pending.help")}</p>
        {studio.pending.length === 0 ? (
          <p className="small muted">{t("pending.none")}</p>
        ) : (
          <ul className="media-grid" style={{ listStyle: "none", padding: 0, margin: 0 }}>
            {studio.pending.map((m) => (
              <li key={m.id} className="media-tile" data-testid="pending-result" data-status={m.status}>
                <div className="frame">
                  {m.kind === "video" && m.status === "pending_approval" ? (
                    <video src={m.originalUrl} poster={m.thumbnailUrl ?? undefined} controls muted preload="metadata" width={160} />
                  ) : m.thumbnailUrl ? (
                    <img src={m.thumbnailUrl} alt={m.filename} />
                  ) : (
                    <span className="small">{m.status === "failed" ? m.error : t("processing")}</span>
                  )}
                </div>
                <ReviewButtons productId={studio.product.id} media={m} action={`/admin/products/${studio.product.id}/studio`} />
              </li>
            ))}
          </ul>
        )}
      </section>

      <div className="two-cols">
        <section className="card stack" aria-labelledby="tryon-heading">
          <h2 id="tryon-heading">{t("tryon.heading")}</h2>
          <p className="small muted">{t("tryon.help")}</p>
          <PostForm className="stack" data-testid="tryon-form" fields={{ intent: "tryon" }}>
            <FormError message={tryonErrors.form} />
            {studio.modelPhotos.length === 0 ? <p className="small">{t("noModelPhotos")}</p> : null}
            {studio.images.length === 0 ? <p className="small">{t("noImages")}</p> : null}
            <SelectField
              label={t("tryon.modelPhoto")}
              name="modelPhotoId"
              options={photoOptions}
              defaultValue={tryonValues.modelPhotoId ?? studio.modelPhotos[0]?.id ?? ""}
              error={tryonErrors.modelPhotoId}
            />
            <SelectField
              label={t("tryon.garment")}
              name="garmentMediaId"
              options={imageOptions}
              defaultValue={tryonValues.garmentMediaId ?? studio.images[0]?.id ?? ""}
              error={tryonErrors.garmentMediaId}
            />
            <p className="small muted">{t("tryon.cost", { credits: 1 })}</p>
            <button type="submit">{t("tryon.submit")}</button>
          </PostForm>
          <h3>{t("modelPhotos.heading")}</h3>
          <p className="small muted">{t("modelPhotos.help")}</p>
          <PostForm
            encType="multipart/form-data"
            className="stack"
            data-testid="model-photo-form"
            fields={{ intent: "upload-model-photo" }}
          >
            <div className={`field${errorsFor("upload-model-photo").photo ? " has-error" : ""}`}>
              <label htmlFor="model-photo">{t("modelPhotos.file")}</label>
              <input
                id="model-photo"
                type="file"
                name="photo"
                accept="image/jpeg,image/png"
                required
                aria-invalid={errorsFor("upload-model-photo").photo ? true : undefined}
              />
              {errorsFor("upload-model-photo").photo ? (
                <p className="error" role="alert">
                  {errorsFor("upload-model-photo").photo}
                </p>
              ) : null}
            </div>
            <button type="submit" className="secondary">
              {t("modelPhotos.upload")}
            </button>
          </PostForm>
          {studio.modelPhotos.length === 0 ? (
            <p className="small muted">{t("modelPhotos.none")}</p>
          ) : (
            <ul className="media-grid" style={{ listStyle: "none", padding: 0, margin: 0 }}>
              {studio.modelPhotos.map((p) => (
                <li key={p.id} className="media-tile" data-testid="model-photo">
                  <div className="frame">
                    <img src={p.url} alt={p.filename} />
                  </div>
                  <PostForm fields={{ intent: "delete-model-photo", photoId: p.id }}>
                    <button type="submit" className="secondary small" aria-label={`${t("modelPhotos.remove")} ${p.filename}`}>
                      {t("modelPhotos.remove")}
                    </button>
                  </PostForm>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="card stack" aria-labelledby="video-heading">
          <h2 id="video-heading">{t("video.heading")}</h2>
          <p className="small muted">{t("video.help")}</p>
          <PostForm className="stack" data-testid="video-form" fields={{ intent: "video" }}>
            <FormError message={videoErrors.form} />
            <SelectField
              label={t("video.image")}
              name="mediaId"
              options={imageOptions}
              defaultValue={videoValues.mediaId ?? studio.images[0]?.id ?? ""}
              error={videoErrors.mediaId}
            />
            <div className={`field${videoErrors.prompt ? " has-error" : ""}`}>
              <label htmlFor="video-prompt">{t("video.prompt")}</label>
              <textarea
                id="video-prompt"
                name="prompt"
                rows={3}
                maxLength={2500}
                defaultValue={videoValues.prompt ?? ""}
                placeholder={t("video.promptPlaceholder")}
                aria-invalid={videoErrors.prompt ? true : undefined}
              />
              {videoErrors.prompt ? (
                <p className="error" role="alert">
                  {videoErrors.prompt}
                </p>
              ) : null}
            </div>
            <SelectField
              label={t("video.duration")}
              name="duration"
              options={[5, 10].map((n) => ({ value: String(n), label: t("video.seconds", { count: n }) }))}
              defaultValue={videoValues.duration ?? "5"}
              error={videoErrors.duration}
            />
            <SelectField
              label={t("video.mode")}
              name="mode"
              options={[
                { value: "std", label: t("video.std") },
                { value: "pro", label: t("video.pro") },
              ]}
              defaultValue={videoValues.mode ?? "std"}
              error={videoErrors.mode}
            />
            <p className="small muted">{t("video.cost")}</p>
            <button type="submit">{t("video.submit")}</button>
          </PostForm>
        </section>
      </div>

      <section className="card stack" id="jobs" aria-labelledby="jobs-heading">
        <h2 id="jobs-heading">{t("jobs.heading")}</h2>
        <FormError message={errorsFor("retry").form} />
        {studio.jobs.length === 0 ? (
          <p className="small muted">{t("jobs.none")}</p>
        ) : (
          <DataTable
            className="data"
            columns={[t("jobs.kind"), t("jobs.status"), t("jobs.progress"), t("jobs.cost"), t("jobs.created")]}
            rows={studio.jobs}
            rowKey={(j) => j.id}
            rowProps={(j) => ({ "data-testid": "ai-job", "data-status": j.status, "data-kind": j.kind })}
            cells={(j) => (
              <>
                <td>
                  {t(`kinds.${j.kind}`)}
                  {j.prompt ? <div className="small muted">{j.prompt}</div> : null}
                </td>
                <td>
                  <span className={`badge${j.status === "failed" ? " danger" : j.status === "succeeded" ? " ok" : ""}`}>
                    {t(`status.${j.status}`)}
                  </span>
                  {j.status === "failed" && j.error ? (
                    <div className="small" role="alert" data-testid="job-error">
                      {j.error}
                    </div>
                  ) : null}
                  {j.status === "failed" ? (
                    <PostForm fields={{ intent: "retry", jobId: j.id }}>
                      <button type="submit" className="secondary small">
                        {t("jobs.retry")}
                      </button>
                    </PostForm>
                  ) : null}
                  {j.status === "queued" && j.providerStatus?.startsWith("waiting") ? (
                    <div className="small muted">{t("waiting")}</div>
                  ) : null}
                </td>
                <td>
                  <progress value={j.progress} max={100} aria-label={`${t("jobs.progress")} ${j.progress}%`} />{" "}
                  <span className="small">{j.progress}%</span>
                </td>
                <td className="small">
                  {j.providerUnits === null
                    ? t("jobs.creditsOnly", { credits: j.credits })
                    : t("jobs.units", { credits: j.credits, units: j.providerUnits })}
                </td>
                <td className="small nowrap">{fmt.dateTime(j.createdAt, { style: "short" })}</td>
              </>
            )}
          />
        )}
        <p className="small">
          <Link to={`/admin/products/${studio.product.id}`}>{t("backToProduct")}</Link>
        </p>
      </section>
    </div>
  );
}
