import { useTranslation } from "~/lib/i18n-react";
import { useFormat } from "~/ui/format";
import { Field, PostForm } from "~/ui/forms";
import { useProgressStream } from "~/ui/progress";
import { DataTable } from "~/ui/table";

/** The outcome of a privacy page's last action, when there is one. */
export function PrivacyNotice({ notice }: { notice?: string | null }) {
  return notice ? (
    <p className="notice" role="status" data-testid="privacy-notice">
      {notice}
    </p>
  ) : null;
}

/** A privacy request as pages receive it (dates as strings). */
export interface RequestView {
  id: string;
  kind: "export" | "deletion";
  status: "queued" | "processing" | "cooling_off" | "ready" | "done" | "cancelled" | "failed" | "expired";
  progress: number;
  dueOn: string;
  createdAt: string;
  coolingOffUntil: string | null;
  exportExpiresAt: string | null;
  minor: boolean;
}

type Stamp = Date | string | null;
export function requestView(
  r: Omit<RequestView, "createdAt" | "coolingOffUntil" | "exportExpiresAt"> & {
    createdAt: Stamp;
    coolingOffUntil: Stamp;
    exportExpiresAt: Stamp;
  },
): RequestView {
  const iso = (d: Stamp) => (d === null ? null : typeof d === "string" ? d : d.toISOString());
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    progress: r.progress,
    dueOn: r.dueOn,
    createdAt: iso(r.createdAt)!,
    coolingOffUntil: iso(r.coolingOffUntil),
    exportExpiresAt: iso(r.exportExpiresAt),
    minor: r.minor,
  };
}

/** Reloads the page's data when a request changes, pushed by server-sent events while an export is being built (live progress). */
export function useLiveProgress(requests: RequestView[]): boolean {
  const live = requests.some((r) => r.status === "queued" || r.status === "processing");
  useProgressStream(live, PRIVACY_TABLES);
  return live;
}
const PRIVACY_TABLES = ["privacy_requests"] as const;

/** Export, deletion and the list of requests, for any person's privacy page (the action handles the intents). */
export function PrivacyRequests({ requests, errors }: { requests: RequestView[]; errors: Record<string, string | undefined> }) {
  const { t } = useTranslation("privacy");
  const fmt = useFormat();
  const live = useLiveProgress(requests);
  const date = fmt.date;
  const exporting = requests.find((r) => r.kind === "export" && (r.status === "queued" || r.status === "processing"));
  const ready = requests.find((r) => r.kind === "export" && r.status === "ready");
  const deleting = requests.find((r) => r.kind === "deletion" && r.status === "cooling_off");
  return (
    <>
      {live ? (
        // Without JavaScript (no event stream), the page re-reads itself while an export is built.
        <noscript>
          <meta httpEquiv="refresh" content="5" />
        </noscript>
      ) : null}
      <section className="card stack" data-testid="privacy-export">
        <h2>{t("export.heading")}</h2>
        <p>{t("export.body")}</p>
        {exporting ? (
          <div>
            <p data-testid="export-progress">{t("export.progress", { progress: exporting.progress })}</p>
            <progress max={100} value={exporting.progress} />
          </div>
        ) : (
          <PostForm>
            <button type="submit" name="intent" value="export">
              {t("export.button")}
            </button>
          </PostForm>
        )}
        {/* Not reloadDocument: the answer redirects to the bucket, which a native form post may not
            follow (CSP form-action 'self'); Remix follows it as a plain navigation. */}
        {ready ? (
          <PostForm fields={{ requestId: ready.id }}>
            <button type="submit" name="intent" value="download" data-testid="export-download">
              {t("export.download")}
            </button>{" "}
            <span className="muted small">{t("export.expires", { date: date(ready.exportExpiresAt!) })}</span>
          </PostForm>
        ) : null}
      </section>
      <section className="card stack" data-testid="privacy-delete">
        <h2>{t("delete.heading")}</h2>
        <p>{t("delete.body")}</p>
        {deleting ? (
          <PostForm>
            <p data-testid="deletion-requested">
              {t("delete.requested", { date: date(deleting.coolingOffUntil!), due: fmt.day(deleting.dueOn) })}
            </p>
            <input type="hidden" name="requestId" value={deleting.id} />
            {deleting.minor ? null : (
              <button type="submit" name="intent" value="cancel-deletion" className="secondary">
                {t("delete.cancel")}
              </button>
            )}
          </PostForm>
        ) : (
          <PostForm>
            <Field label={t("delete.confirm")} name="confirm" autoComplete="off" error={errors.confirm} />
            <button type="submit" name="intent" value="delete" className="danger">
              {t("delete.button")}
            </button>
          </PostForm>
        )}
      </section>
      <section className="stack">
        <h2>{t("requests.heading")}</h2>
        {requests.length === 0 ? (
          <p className="muted">{t("requests.none")}</p>
        ) : (
          <DataTable
            data-testid="privacy-requests"
            columns={[t("admin.kind"), t("requests.requested"), t("requests.due"), t("requests.state")]}
            rows={requests}
            rowKey={(r) => r.id}
            cells={(r) => (
              <>
                <td>{t(`kind.${r.kind}`)}</td>
                <td>{date(r.createdAt)}</td>
                <td>{fmt.day(r.dueOn)}</td>
                <td>{t(`status.${r.status}`)}</td>
              </>
            )}
          />
        )}
      </section>
    </>
  );
}

/** A policy version someone accepted (acceptedAt), or one a sign-up accepts (no date yet). */
export interface AcceptedPolicyView {
  document: "privacy" | "terms";
  version: string;
  acceptedAt?: string;
}

export const acceptedView = (a: { document: "privacy" | "terms"; version: string; acceptedAt: Date }): AcceptedPolicyView => ({
  document: a.document,
  version: a.version,
  acceptedAt: a.acceptedAt.toISOString(),
});

/**
 * Which versions of the privacy policy and the terms a person accepted and when (their privacy
 * page), or, on a sign-up form, which versions creating the account accepts.
 */
export function AcceptedPolicy({ policies }: { policies: AcceptedPolicyView[] }) {
  const { t, i18n } = useTranslation("privacy");
  if (!policies.length) return null;
  const date = (iso: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium" }).format(new Date(iso));
  const signingUp = policies.every((p) => !p.acceptedAt);
  const link = (p: AcceptedPolicyView) => (
    <a href={p.document === "privacy" ? "/legal/privacy" : "/legal/terms"}>{t(`policyChange.documents.${p.document}`)}</a>
  );
  return signingUp ? (
    <p className="muted small" data-testid="accepted-policy">
      {t("accepted.signingUp")}{" "}
      {policies.map((p, i) => (
        <span key={p.document} data-document={p.document} data-version={p.version}>
          {i ? ", " : ""}
          {link(p)} {t("accepted.version", { version: p.version })}
        </span>
      ))}
    </p>
  ) : (
    <section className="card stack" data-testid="accepted-policy">
      <h2>{t("accepted.heading")}</h2>
      <ul>
        {policies.map((p) => (
          <li key={`${p.document}-${p.version}`} data-document={p.document} data-version={p.version}>
            {link(p)} {t("accepted.version", { version: p.version })} · {t("accepted.on", { date: date(p.acceptedAt!) })}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** "Correct your details": the name (intent `correct`), then the email and number forms. */
export function OwnDetailsForms({
  name,
  pending,
  errors,
}: {
  name: string;
  pending: PendingContact;
  errors: Record<string, string | undefined>;
}) {
  const { t } = useTranslation("privacy");
  return (
    <>
      <PostForm>
        <Field label={t("correct.name")} name="name" defaultValue={name} error={errors.name} autoComplete="name" />
        <button type="submit" name="intent" value="correct">
          {t("correct.save")}
        </button>
      </PostForm>
      <ContactChangeForms pending={pending} errors={errors} />
    </>
  );
}

/** A new email or WhatsApp number waiting for its code. */
export type PendingContact = { field: "email" | "phone"; contact: string } | null;

/**
 * "Correct your email / number": a form per contact sending a code to the new one, replaced by
 * the code's form while that one is pending (intents `<field>-code`, `<field>-confirm`).
 */
function ContactChangeForms({ pending, errors }: { pending: PendingContact; errors: Record<string, string | undefined> }) {
  const { t } = useTranslation("privacy");
  return (["email", "phone"] as const).map((field) =>
    pending?.field === field ? (
      <PostForm key={field} data-testid={`confirm-${field}`} fields={{ contact: pending.contact }}>
        <Field label={t("guest.code")} name="code" inputMode="numeric" autoComplete="one-time-code" error={errors.code ?? errors[field]} />
        <button type="submit" name="intent" value={`${field}-confirm`}>
          {t(field === "email" ? "correct.confirmEmail" : "correct.confirmPhone")}
        </button>
      </PostForm>
    ) : (
      <PostForm key={field}>
        <Field
          label={t(field === "email" ? "correct.email" : "correct.phone")}
          name={field}
          type={field === "email" ? "email" : "tel"}
          autoComplete={field === "email" ? "email" : "tel"}
          error={errors[field]}
        />
        <button type="submit" name="intent" value={`${field}-code`}>
          {t(field === "email" ? "correct.sendEmailCode" : "correct.sendCode")}
        </button>
      </PostForm>
    ),
  );
}

const ADDRESS_FIELDS = ["name", "line1", "line2", "city", "state", "postcode", "country"] as const;

/** The fields of an address being corrected; errors are keyed `<id>.<field>`. */
export function AddressCorrectionFields({
  id,
  address,
  errors,
}: {
  id: string;
  address: Partial<Record<(typeof ADDRESS_FIELDS)[number], string | null>>;
  errors: Record<string, string | undefined>;
}) {
  const { t } = useTranslation("privacy");
  return ADDRESS_FIELDS.map((k) => (
    <Field key={k} label={t(`correct.address.${k}`)} name={k} defaultValue={address[k] ?? ""} error={errors[`${id}.${k}`]} />
  ));
}
