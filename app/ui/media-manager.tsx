import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

import { ACCEPT_ATTRIBUTE, uploadProblem } from "~/domain/media/media-rules";
import { formatBytes } from "~/lib/bytes";
import { useTranslation } from "~/lib/i18n-react";
import { useCsrfToken } from "~/root";
import { PostForm } from "~/ui/csrf";

export interface MediaItem {
  id: string;
  kind: "image" | "video";
  status: "uploading" | "processing" | "ready" | "failed" | "pending_approval";
  /** Made by AI: waits for approval (never on the storefront until approved). */
  needsApproval?: boolean;
  alt: string;
  filename: string;
  error: string | null;
  width: number | null;
  height: number | null;
  storedBytes: number;
  thumbnailUrl: string | null;
  originalUrl: string;
  posterSource: string | null;
}

interface Upload {
  name: string;
  percent: number;
  error?: string;
}

/** PUTs the file straight to the bucket with the presigned URL, reporting progress. */
function putFile(url: string, headers: Record<string, string>, file: File, onProgress: (percent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`the storage refused the upload (${xhr.status})`));
    xhr.onerror = () => reject(new Error("the upload could not reach the storage"));
    xhr.send(file);
  });
}

export function MediaManager({
  productId,
  media,
  storage,
}: {
  productId: string;
  media: MediaItem[];
  storage: { used: number; limit: number | null };
}) {
  const { t: tc } = useTranslation("catalog");
  const csrf = useCsrfToken();
  const revalidator = useRevalidator();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const input = useRef<HTMLInputElement>(null);
  const endpoint = `/admin/products/${productId}/media`;
  const busy = media.some((m) => m.status === "uploading" || m.status === "processing") || uploads.some((u) => !u.error && u.percent < 101);

  // While anything is being processed, refresh the list until it is done.
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 1500);
    return () => clearInterval(timer);
  }, [busy, revalidator]);

  const post = async (fields: Record<string, string>) => {
    const body = new FormData();
    body.set("_csrf", csrf);
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    const res = await fetch(endpoint, { method: "POST", body, headers: { Accept: "application/json" } });
    const json = await res.json().catch(() => ({ error: `The server answered ${res.status}.` }));
    if (!res.ok) throw new Error(json.error ?? `The server answered ${res.status}.`);
    return json;
  };

  const uploadOne = async (file: File, index: number) => {
    const set = (patch: Partial<Upload>) => setUploads((all) => all.map((u, i) => (i === index ? { ...u, ...patch } : u)));
    const problem = uploadProblem(file);
    if (problem) return set({ error: problem });
    try {
      const { mediaId, upload } = await post({
        intent: "request-upload",
        filename: file.name,
        contentType: file.type,
        size: String(file.size),
      });
      await putFile(upload.url, upload.headers, file, (percent) => set({ percent }));
      await post({ intent: "complete", mediaId });
      set({ percent: 101 });
    } catch (error) {
      set({ error: `${file.name}: ${(error as Error).message}` });
    }
    revalidator.revalidate();
  };

  const start = (files: FileList | null) => {
    if (!files?.length) return;
    const list = [...files];
    const offset = uploads.length;
    setUploads((all) => [...all, ...list.map((f) => ({ name: f.name, percent: 0 }))]);
    list.forEach((f, i) => void uploadOne(f, offset + i));
    if (input.current) input.current.value = "";
  };

  return (
    <section className="card stack" id="media" aria-labelledby="media-heading">
      <div className="spread">
        <h2 id="media-heading" style={{ margin: 0 }}>
          {tc("media.title")}
        </h2>
        <span className="small muted" data-testid="storage-used">
          {storage.limit
            ? tc("media.usedOf", { used: formatBytes(storage.used), limit: formatBytes(storage.limit) })
            : tc("media.used", { used: formatBytes(storage.used) })}
        </span>
      </div>
      <div
        className="dropzone"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          start(e.dataTransfer.files);
        }}
      >
        <label htmlFor="media-files" className="button secondary">
          {tc("media.add")}
        </label>
        <input
          id="media-files"
          ref={input}
          type="file"
          multiple
          accept={ACCEPT_ATTRIBUTE}
          className="sr-only"
          onChange={(e) => start(e.currentTarget.files)}
        />
        <p className="small" style={{ margin: "0.5rem 0 0" }}>
          {tc("media.accepts")}
        </p>
        <noscript>
          <p className="small">{tc("media.needsJs")}</p>
        </noscript>
      </div>
      {uploads
        .filter((u) => u.error || u.percent <= 100)
        .map((u, i) => (
          <div
            key={i}
            className={u.error ? "banner danger small" : "small"}
            role={u.error ? "alert" : "status"}
            data-testid="upload-status"
          >
            {u.error ?? (
              <span className="progress-wrap">
                <span>{tc("media.uploading", { name: u.name })}</span>
                <progress value={u.percent} max={100} aria-label={tc("media.uploading", { name: u.name })} />
                <span>{u.percent}%</span>
              </span>
            )}
          </div>
        ))}
      {media.length === 0 ? (
        <p className="muted small">{tc("media.none")}</p>
      ) : (
        <ul className="media-grid" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {media.map((m, i) => (
            <li key={m.id} className={`media-tile${i === 0 ? " cover" : ""}`} data-testid="media-tile" data-status={m.status}>
              <div className="frame">
                {(m.status === "ready" || m.status === "pending_approval") && m.thumbnailUrl ? (
                  <img src={m.thumbnailUrl} alt={m.alt} data-testid="media-thumbnail" />
                ) : m.status === "failed" ? (
                  <span className="small" role="alert">
                    {m.error ?? tc("media.failed")}
                  </span>
                ) : m.status === "ready" ? (
                  <span className="small">{m.kind === "video" ? tc("media.videoNoPoster") : tc("media.ready")}</span>
                ) : (
                  <span className="small">{m.status === "uploading" ? tc("media.uploadingShort") : tc("media.processing")}</span>
                )}
              </div>
              {m.needsApproval ? <ReviewButtons productId={productId} media={m} /> : null}
              <div className="small muted" title={m.filename}>
                {i === 0 ? <strong>{tc("media.cover")} · </strong> : null}
                {m.kind === "video" ? `${tc("media.video")} · ` : ""}
                {m.width && m.height ? `${m.width}×${m.height} · ` : ""}
                {m.storedBytes ? formatBytes(m.storedBytes) : ""}
                {m.kind === "video" && m.posterSource
                  ? ` · ${tc("media.poster", { source: m.posterSource === "frame" ? tc("media.posterFrame") : tc("media.posterCover") })}`
                  : ""}
              </div>
              <PostForm action={`/admin/products/${productId}/media`} className="row" fields={{ intent: "alt", mediaId: m.id }}>
                <input
                  name="alt"
                  defaultValue={m.alt}
                  aria-label={tc("media.altFor", { name: m.filename })}
                  placeholder={tc("media.alt")}
                  maxLength={300}
                />
                <button type="submit" className="secondary">
                  {tc("media.save")}
                </button>
              </PostForm>
              <div className="row">
                {(
                  [
                    ["move", "left", "←", tc("media.earlier", { name: m.filename }), i > 0],
                    ["move", "right", "→", tc("media.later", { name: m.filename }), i < media.length - 1],
                    ["cover", "", tc("media.cover"), tc("media.makeCover", { name: m.filename }), i > 0],
                  ] as const
                ).map(([intent, direction, label, title, show]) =>
                  show ? (
                    <PostForm
                      action={`/admin/products/${productId}/media`}
                      key={`${intent}${direction}`}
                      fields={{ intent: intent, mediaId: m.id }}
                    >
                      {direction ? <input type="hidden" name="direction" value={direction} /> : null}
                      <button type="submit" className="secondary" title={title} aria-label={title}>
                        {label}
                      </button>
                    </PostForm>
                  ) : null,
                )}
                <PostForm
                  action={`/admin/products/${productId}/media`}
                  fields={{ intent: "delete", mediaId: m.id }}
                  confirm={tc("media.deleteConfirm", { name: m.filename })}
                >
                  <button type="submit" className="secondary" aria-label={tc("media.deleteNamed", { name: m.filename })}>
                    {tc("media.delete")}
                  </button>
                </PostForm>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Approve or reject media made by AI (a try-on image, a video): until approved it is not on the storefront. */
export function ReviewButtons({
  productId,
  media,
  action,
}: {
  productId: string;
  media: Pick<MediaItem, "id" | "filename" | "status">;
  action?: string;
}) {
  const { t } = useTranslation("aiMedia");
  const to = action ?? `/admin/products/${productId}/media`;
  return (
    <div className="row" data-testid="review">
      <span className="badge" data-testid="pending-badge">
        {media.status === "pending_approval" ? t("pending.badge") : t("processing")}
      </span>
      {media.status === "pending_approval" ? (
        <>
          <PostForm action={to} fields={{ intent: "approve", mediaId: media.id }}>
            <button type="submit" aria-label={`${t("pending.approve")} ${media.filename}`}>
              {t("pending.approve")}
            </button>
          </PostForm>
          <PostForm action={to} fields={{ intent: "reject", mediaId: media.id }}>
            <button type="submit" className="secondary" aria-label={`${t("pending.reject")} ${media.filename}`}>
              {t("pending.reject")}
            </button>
          </PostForm>
        </>
      ) : null}
    </div>
  );
}
