import { COPY_LANGUAGE_CODES, COPY_TONE_CODES, LANGUAGE_NAMES, PROVIDER_NAMES } from "~/domain/ai/copy-rules";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { PostForm } from "~/ui/csrf";
import { useFormat } from "~/ui/format";
import { useProgressStream } from "~/ui/progress";

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

/** Re-reads the page's loader when an AI job or batch of the shop changes, pushed by server-sent events while `live` (LiveNoScript refreshes without JavaScript). */
export function useLive(live: boolean) {
  useProgressStream(live, AI_TABLES);
}
const AI_TABLES = ["ai_jobs", "ai_batches"] as const;

export function LiveNoScript({ live }: { live: boolean }) {
  return live ? (
    <noscript>
      <meta httpEquiv="refresh" content="3" />
    </noscript>
  ) : null;
}

export function JobStatusBadge({ status }: { status: JobStatus }) {
  const { t } = useTranslation("ai");
  const tone = status === "succeeded" ? "ok" : status === "failed" ? "danger" : status === "cancelled" ? "" : "warn";
  return (
    <span className={`badge ${tone}`} data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}

export function JobProgress({ value, label }: { value: number; label: string }) {
  return (
    <div className="progress-wrap">
      <progress value={value} max={100} aria-label={label} data-testid="job-progress" />
      <span className="small muted">{value}%</span>
    </div>
  );
}

/** The note that a provider runs against its sandbox (shown on the studio and the copy page). */
export function SandboxNote({ provider }: { provider: keyof typeof PROVIDER_NAMES }) {
  const { t } = useTranslation("ai");
  return (
    <Banner tone="info" role={null} small data-testid="ai-sandbox-note">
      {t("sandboxNote", { provider: PROVIDER_NAMES[provider] })}
    </Banner>
  );
}

/** A bulk run's status as shown: its own once finished, else derived from cancellation and progress. */
export function batchStatus(
  b: { status: JobStatus; finishedAt: string | Date | null; cancelledAt: string | Date | null },
  done: number,
  running = false,
): JobStatus {
  return b.finishedAt ? b.status : b.cancelledAt ? "cancelled" : running || done ? "running" : "queued";
}

export function batchPercent(done: number, total: number) {
  return total ? Math.round((done / total) * 100) : 0;
}

/** Cancels a bulk run (posts to the studio's action). */
export function CancelBatchForm({ batchId, action }: { batchId: string; action?: string }) {
  const { t } = useTranslation("ai");
  return (
    <PostForm action={action} fields={{ intent: "cancel", batchId: batchId }}>
      <button type="submit" className="secondary">
        {t("batches.cancel")}
      </button>
    </PostForm>
  );
}

/** Tone, languages and (for one product) notes: the choices of a copy request. */
export function CopyChoices({
  tone,
  languages,
  errors,
  withNotes,
  notes,
}: {
  tone: string;
  languages: string[];
  errors: Record<string, string | undefined>;
  withNotes?: boolean;
  notes?: string;
}) {
  const { t } = useTranslation("ai");
  return (
    <>
      <div className={`field${errors.tone ? " has-error" : ""}`}>
        <label htmlFor="copy-tone">{t("form.tone")}</label>
        <select id="copy-tone" name="tone" defaultValue={tone}>
          {COPY_TONE_CODES.map((code) => (
            <option key={code} value={code}>
              {t(`tones.${code}`)}
            </option>
          ))}
        </select>
        {errors.tone ? (
          <p className="error" role="alert" data-field-error="tone">
            {errors.tone}
          </p>
        ) : null}
      </div>
      <fieldset className={`field${errors.languages ? " has-error" : ""}`}>
        <legend>{t("form.languages")}</legend>
        <div className="row">
          {COPY_LANGUAGE_CODES.map((code) => (
            <label key={code} className="row" style={{ gap: "0.3rem" }}>
              <input type="checkbox" name="languages" value={code} defaultChecked={languages.includes(code)} /> {LANGUAGE_NAMES[code]}
            </label>
          ))}
        </div>
        {errors.languages ? (
          <p className="error" role="alert" data-field-error="languages">
            {errors.languages}
          </p>
        ) : null}
      </fieldset>
      {withNotes ? (
        <div className={`field${errors.notes ? " has-error" : ""}`}>
          <label htmlFor="copy-notes">{t("form.notes")}</label>
          <p className="hint">{t("form.notesHint")}</p>
          <textarea id="copy-notes" name="notes" rows={3} defaultValue={notes ?? ""} maxLength={4000} />
          {errors.notes ? (
            <p className="error" role="alert" data-field-error="notes">
              {errors.notes}
            </p>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

/** "1,234 / 567 tokens · 3 credits" */
export function JobCost({
  job,
}: {
  job: {
    kind: string;
    inputTokens: number | null;
    outputTokens: number | null;
    providerUnits?: number | null;
    credits: number;
    charged?: boolean;
  };
}) {
  const { t } = useTranslation("ai");
  const fmt = useFormat();
  const parts: string[] = [];
  if (job.inputTokens !== null || job.outputTokens !== null) {
    parts.push(t("cost.tokens", { input: fmt.number(job.inputTokens ?? 0), output: fmt.number(job.outputTokens ?? 0) }));
  }
  if (job.providerUnits) parts.push(t("cost.units", { count: job.providerUnits }));
  parts.push(job.charged ? t("cost.charged", { count: job.credits }) : t("cost.credits", { count: job.credits }));
  return <span className="small nowrap">{parts.join(" · ")}</span>;
}
