import { data, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { accountNoticeContact } from "~/domain/notify/account-channel.server";
import { acceptedPolicies } from "~/domain/policies/versions.server";
import { confirmPhoneChange, correctUserName, ownedOpenShops, startPhoneChange } from "~/domain/privacy/account-page.server";
import { confirmUserEmailChange, startUserEmailChange } from "~/domain/privacy/corrections.server";
import { privacyIntent } from "~/domain/privacy/page-actions.server";
import { requestsOf } from "~/domain/privacy/requests.server";
import { closeShopForDeletion } from "~/flows/shop-closed.server";
import { readForm } from "~/lib/csrf.server";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { formatPhone } from "~/lib/phone";
import { redirect } from "~/lib/redirect.server";
import { Field, FormError, PostForm } from "~/ui/forms";
import { AcceptedPolicy, acceptedView, PrivacyNotice, PrivacyRequests, requestView } from "~/ui/privacy";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? ""} · NetShop` }];

/** A merchant's or staff member's own data rights (export, correct, delete), at platform level. */
export const loader = /* @__PURE__ */ adminLoader("signed-in", async ({ request, access: { user, shops } }) => {
  const requests = await requestsOf({ kind: "user", userId: user.id });
  return {
    title: serverT(await localeFor(request), "privacy")("title"),
    name: user.name,
    email: user.email,
    phone: formatPhone(user.phone),
    owner: shops.some((s) => s.role === "owner"),
    openShops: await ownedOpenShops(user.id),
    requests: requests.map(requestView),
    accepted: (await acceptedPolicies({ kind: "user", userId: user.id })).map(acceptedView),
  };
});

// Exports, deletion and contact changes need a recent sign-in (within the last 12 hours).
export const action = /* @__PURE__ */ adminAction(
  "signed-in",
  async ({ request, context, access: { user } }) => {
    const form = await readForm(request);
    const locale = await localeFor(request);
    const t = serverT(locale, "privacy");
    const who = { ip: context.ip, userAgent: context.userAgent };
    const intent = form.get("intent");
    if (intent === "close-shop") {
      const closed = await closeShopForDeletion(user, { shopId: form.get("shopId"), confirm: form.get("confirm") }, who);
      if (!closed.ok)
        return data(
          { notice: null, errors: { closeShop: t(closed.error) } as Record<string, string>, pendingPhone: null, pendingEmail: null },
          { status: closed.error === "closeShop.notOwner" ? 404 : 400 },
        );
      return { notice: t("closeShop.closed"), errors: {} as Record<string, string>, pendingPhone: null, pendingEmail: null };
    }
    if (intent === "email-code" || intent === "email-confirm") {
      const pendingEmail = String(form.get(intent === "email-code" ? "email" : "contact") ?? "");
      const result =
        intent === "email-code"
          ? await startUserEmailChange(user, form.get("email"), { ip: context.ip ?? null, locale })
          : await confirmUserEmailChange(user, { contact: pendingEmail, code: form.get("code") }, who);
      if (!result.ok)
        return data(
          {
            notice: null,
            errors: { [result.field]: t(result.error) } as Record<string, string>,
            pendingPhone: null,
            pendingEmail: intent === "email-confirm" ? pendingEmail : null,
          },
          { status: result.error === "correct.errors.tooMany" ? 429 : 400 },
        );
      return {
        notice: intent === "email-code" ? t("codeSent", { contact: result.contact }) : t("correct.saved"),
        errors: {} as Record<string, string>,
        pendingPhone: null,
        pendingEmail: intent === "email-code" ? result.contact : null,
      };
    }
    if (intent === "name" || intent === "phone-code" || intent === "phone-confirm") {
      const result =
        intent === "name"
          ? await correctUserName(user, form.get("name"), who)
          : intent === "phone-code"
            ? await startPhoneChange(user, form.get("phone"))
            : await confirmPhoneChange(user, { phone: form.get("phone"), code: form.get("code") }, who);
      if (!result.ok)
        return data(
          {
            notice: null,
            errors: Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k, t(v)])) as Record<string, string>,
            pendingPhone: intent === "phone-confirm" ? String(form.get("phone")) : null,
            pendingEmail: null,
          },
          { status: 400 },
        );
      return {
        notice: result.notice === "codeSent" ? t("codeSent", { contact: formatPhone(result.phone!) }) : t("correct.saved"),
        errors: {},
        pendingPhone: result.notice === "codeSent" ? result.phone! : null,
        pendingEmail: null,
      };
    }
    const result = await privacyIntent({ kind: "user", userId: user.id }, form, {
      // Export-ready and deletion-done notices go by the channel the person chose.
      contact: accountNoticeContact(user).to,
      locale,
      actorUserId: user.id,
    });
    if (!result.ok) {
      const errors = Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [k, t(v)]));
      return data({ notice: null, errors, pendingPhone: null, pendingEmail: null }, { status: result.status });
    }
    if (result.redirectTo) return redirect(result.redirectTo);
    return { notice: result.notice ? t(result.notice) : null, errors: {}, pendingPhone: null, pendingEmail: null };
  },
  { recentAuth: true },
);

export default function AccountPrivacy() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = result?.errors ?? {};
  const { t } = useTranslation("privacy");
  return (
    <div className="stack" data-testid="account-privacy">
      <div>
        <p className="eyebrow">{t("admin.accountTitle")}</p>
        <h1>{t("title")}</h1>
        <p>{t("intro")}</p>
      </div>
      <PrivacyNotice notice={result?.notice} />
      <FormError message={errors.form} />
      <section className="card stack" data-testid="privacy-correct">
        <h2>{t("correct.heading")}</h2>
        <p className="muted">
          {d.email} · <span data-testid="current-phone">{d.phone}</span>
        </p>
        <PostForm>
          <Field label={t("correct.name")} name="name" defaultValue={d.name} error={errors.name} autoComplete="name" />
          <button type="submit" name="intent" value="name">
            {t("correct.save")}
          </button>
        </PostForm>
        <ContactChange
          kind="email"
          pending={result?.pendingEmail}
          pendingField="contact"
          error={errors.email}
          codeError={errors.code ?? errors.email}
          testId="confirm-email"
          labels={{
            field: t("correct.email"),
            code: t("guest.code"),
            send: t("correct.sendEmailCode"),
            confirm: t("correct.confirmEmail"),
          }}
        />
        <ContactChange
          kind="phone"
          pending={result?.pendingPhone}
          pendingField="phone"
          error={errors.phone}
          codeError={errors.code ?? errors.phone}
          labels={{ field: t("correct.phone"), code: t("guest.code"), send: t("correct.sendCode"), confirm: t("correct.confirmPhone") }}
        />
      </section>
      {d.openShops.length ? (
        <section className="card stack" data-testid="close-shop">
          <h2>{t("closeShop.heading")}</h2>
          <p>{t("admin.ownerNote")}</p>
          <ul>
            <li>{t("closeShop.exportFirst")}</li>
            <li>{t("closeShop.storefront")}</li>
            <li>{t("closeShop.subscription")}</li>
            <li>{t("closeShop.retention")}</li>
          </ul>
          <FormError message={errors.closeShop} />
          {d.openShops.map((shop) => (
            <PostForm key={shop.id} fields={{ shopId: shop.id }}>
              <Field label={t("closeShop.confirm", { slug: shop.slug, name: shop.name })} name="confirm" autoComplete="off" />
              <button type="submit" name="intent" value="close-shop" className="secondary">
                {t("closeShop.button", { name: shop.name })}
              </button>
            </PostForm>
          ))}
        </section>
      ) : null}
      <PrivacyRequests requests={d.requests} errors={errors} />
      <AcceptedPolicy policies={d.accepted} />
    </div>
  );
}

/** A new email or phone: first the address (a code is sent to it), then that code to confirm it. */
function ContactChange(props: {
  kind: "email" | "phone";
  pending: string | null | undefined;
  pendingField: string;
  error: string | undefined;
  codeError: string | undefined;
  testId?: string;
  labels: { field: string; code: string; send: string; confirm: string };
}) {
  const { kind, pending, labels } = props;
  return pending ? (
    <PostForm data-testid={props.testId}>
      <input type="hidden" name={props.pendingField} value={pending} />
      <Field label={labels.code} name="code" inputMode="numeric" autoComplete="one-time-code" error={props.codeError} />
      <button type="submit" name="intent" value={`${kind}-confirm`}>
        {labels.confirm}
      </button>
    </PostForm>
  ) : (
    <PostForm>
      <Field
        label={labels.field}
        name={kind}
        type={kind === "email" ? "email" : "tel"}
        autoComplete={kind === "email" ? "email" : "tel"}
        error={props.error}
      />
      <button type="submit" name="intent" value={`${kind}-code`}>
        {labels.send}
      </button>
    </PostForm>
  );
}
