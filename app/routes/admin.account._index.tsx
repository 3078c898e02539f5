import { data, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import {
  forgetTrustedDevices,
  maskPhone,
  regenerateRecoveryCodes,
  setTwoFactorMethod,
  twoFactorStatus,
} from "~/domain/accounts/two-factor.server";
import { setNoticeChannel } from "~/domain/notify/account-channel.server";
import { readForm } from "~/lib/csrf.server";
import { metaT } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";
import { Trans, useTranslation } from "~/lib/i18n-react";
import { describeDevice } from "~/lib/user-agent.server";
import { Banner } from "~/ui/banner";
import { useFormat } from "~/ui/format";
import { FormError, PostForm } from "~/ui/forms";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "account")("security.meta") }];

export const loader = /* @__PURE__ */ adminLoader("signed-in", async ({ access: { user } }) => {
  const status = await twoFactorStatus(user);
  return {
    name: user.name,
    email: user.email,
    phone: maskPhone(user.phone),
    chosen: user.twoFactorMethod,
    method: status.method,
    recoveryCodesLeft: status.recoveryCodesLeft,
    requiredBy: status.requiredBy,
    trustedDevices: status.trustedDevices.map((d) => ({
      id: d.id.slice(0, 12),
      device: describeDevice(d.userAgent),
      ip: d.ip,
      lastUsedAt: d.lastUsedAt.toISOString(),
      expiresAt: d.expiresAt.toISOString(),
    })),
    passwordChangedAt: user.passwordChangedAt?.toISOString() ?? null,
    noticeChannel: user.noticeChannel,
    phoneVerified: Boolean(user.phoneVerifiedAt),
  };
});

// Changes to how one logs in are sensitive: they need a login or password check in the last 12 hours.
export const action = /* @__PURE__ */ adminAction(
  "signed-in",
  async ({ request, context, access: { user } }) => {
    const form = await readForm(request);
    const who = { ip: context.ip, userAgent: context.userAgent };
    switch (form.get("intent")) {
      case "use-whatsapp":
      case "turn-off": {
        const result = await setTwoFactorMethod(user, form.get("intent") === "turn-off" ? "none" : "whatsapp", who);
        return result.ok
          ? data({ notice: "Saved.", error: undefined, codes: undefined })
          : data({ error: result.errors.form, notice: undefined, codes: undefined }, { status: 400 });
      }
      case "notice-channel": {
        const t = serverT(await localeFor(request), "account");
        const chosen = await setNoticeChannel(user, form.get("channel"), who);
        return chosen.ok
          ? data({
              notice: t("notices.saved", { channel: t(`notices.channel.${form.get("channel") as "email" | "whatsapp"}`) }),
              error: undefined,
              codes: undefined,
            })
          : data({ error: t(chosen.error), notice: undefined, codes: undefined }, { status: 400 });
      }
      case "recovery-codes":
        return data({ codes: await regenerateRecoveryCodes(user, who), notice: undefined, error: undefined });
      case "forget-devices": {
        const count = await forgetTrustedDevices(user, who);
        return data({
          notice: `${count} trusted device${count === 1 ? "" : "s"} forgotten: they will ask for a code at the next login.`,
          error: undefined,
          codes: undefined,
        });
      }
      default:
        return data({ error: "Choose an action.", notice: undefined, codes: undefined }, { status: 400 });
    }
  },
  { recentAuth: true },
);

export default function AccountSecurity() {
  const { t: tp } = useTranslation("privacy");
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation("account");
  const format = useFormat();
  const fmt = (iso: string) => format.dateTime(iso);
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <p className="eyebrow">{t("yours")}</p>
          <h1>{t("security.heading")}</h1>
        </div>
        <div className="row">
          <Link className="button secondary" to="/admin/account/password">
            {t("security.changePassword")}
          </Link>
          <Link className="button secondary" to="/admin/account/sessions">
            {t("security.sessions")}
          </Link>
          <Link className="button secondary" to="/admin/account/privacy" data-testid="account-privacy-link">
            {tp("title")}
          </Link>
        </div>
      </div>
      <FormError message={result?.error} />
      <Banner tone="ok">{result?.notice}</Banner>
      {result?.codes ? (
        <section className="card" data-testid="recovery-codes">
          <h2>{t("security.newCodes")}</h2>
          <p>{t("security.newCodesHint")}</p>
          <ul className="codes">
            {result.codes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="card">
        <h2>{t("security.twoFactor")}</h2>
        <p>
          {t("security.now")} <strong data-testid="two-factor-method">{t(`security.method.${d.method ?? "none"}`)}</strong>
          {d.method === "whatsapp" ? t("security.codesGoTo", { phone: d.phone }) : null}
          {d.chosen === "none" && d.method === "whatsapp" ? t("security.requiredBy", { shops: d.requiredBy.join(", ") }) : null}
        </p>
        <div className="row">
          {d.method !== "totp" ? (
            <Link className="button" to="/admin/account/totp">
              {t("security.useApp")}
            </Link>
          ) : (
            <Link className="button secondary" to="/admin/account/totp">
              {t("security.moveApp")}
            </Link>
          )}
          {d.chosen !== "whatsapp" ? (
            <PostForm className="inline-form">
              <button name="intent" value="use-whatsapp" className="secondary">
                {t("security.useWhatsApp")}
              </button>
            </PostForm>
          ) : null}
          {d.chosen !== "none" && d.requiredBy.length === 0 ? (
            <PostForm className="inline-form">
              <button name="intent" value="turn-off" className="secondary">
                {t("security.turnOff")}
              </button>
            </PostForm>
          ) : null}
        </div>
        {d.requiredBy.length > 0 ? <p className="muted small">{t("security.shopsRequire", { shops: d.requiredBy.join(", ") })}</p> : null}
      </section>
      <section className="card" data-testid="notice-channel">
        <h2>{t("notices.heading")}</h2>
        <p className="muted">{t("notices.intro")}</p>
        <PostForm className="stack">
          <label>
            <input type="radio" name="channel" value="email" defaultChecked={d.noticeChannel === "email"} />{" "}
            {t("notices.email", { email: d.email })}
          </label>
          <label>
            <input
              type="radio"
              name="channel"
              value="whatsapp"
              defaultChecked={d.noticeChannel === "whatsapp"}
              disabled={!d.phoneVerified}
            />{" "}
            {t("notices.whatsapp", { phone: d.phone })}
          </label>
          {d.phoneVerified ? null : <p className="muted small">{t("notices.unverifiedHint")}</p>}
          <div>
            <button name="intent" value="notice-channel" className="secondary">
              {t("notices.save")}
            </button>
          </div>
        </PostForm>
      </section>
      <section className="card">
        <h2>{t("security.recovery")}</h2>
        <p>
          <Trans
            t={t}
            i18nKey="security.recoveryLeft"
            count={d.recoveryCodesLeft}
            components={{ strong: <strong data-testid="recovery-codes-left" /> }}
          />
        </p>
        <PostForm>
          <button name="intent" value="recovery-codes" className="secondary">
            {d.recoveryCodesLeft ? t("security.replaceCodes") : t("security.createCodes")}
          </button>
        </PostForm>
      </section>
      <section className="card">
        <h2>{t("security.trusted")}</h2>
        {d.trustedDevices.length === 0 ? (
          <p className="muted">{t("security.noTrusted")}</p>
        ) : (
          <>
            <DataTable
              className="data"
              columns={[t("security.device"), t("security.address"), t("security.lastUsed"), t("security.trustedUntil")]}
              rows={d.trustedDevices}
              rowKey={(td) => td.id}
              cells={(td) => (
                <>
                  <td>{td.device}</td>
                  <td>{td.ip}</td>
                  <td>{fmt(td.lastUsedAt)}</td>
                  <td>{fmt(td.expiresAt)}</td>
                </>
              )}
            />
            <PostForm style={{ marginTop: "0.75rem" }}>
              <button name="intent" value="forget-devices" className="secondary">
                {t("security.forget")}
              </button>
            </PostForm>
          </>
        )}
      </section>
    </div>
  );
}
