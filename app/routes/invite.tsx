import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";

import { readSession, setActiveShop } from "~/domain/accounts/sessions.server";
import { acceptInvite, findInvite } from "~/domain/accounts/staff.server";
import { readForm } from "~/lib/csrf.server";
import { metaT } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";
import { Trans, useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { BrandCardPage } from "~/ui/brand";
import { FormError, PostForm } from "~/ui/forms";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "common")("titles.invitation") }];

// The invitation link: /invite?token=… (in the query string: the HTTP log records paths only).
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const token = url.searchParams.get("token") ?? "";
  const invite = token ? await findInvite(token) : undefined;
  const current = await readSession(request);
  const here = `${url.pathname}${url.search}`;
  return {
    token,
    invite: invite
      ? {
          state: invite.state,
          shopName: invite.shopName,
          inviterName: invite.inviterName,
          role: invite.role,
          channel: invite.channel,
          recipient: invite.channel === "email" ? invite.recipient : undefined,
        }
      : null,
    signedInAs: current ? current.user.email : null,
    loginUrl: `/login?redirectTo=${encodeURIComponent(here)}`,
    signupUrl: `/signup?redirectTo=${encodeURIComponent(here)}${invite?.channel === "email" ? `&email=${encodeURIComponent(invite.recipient)}` : ""}`,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const current = await readSession(request);
  if (!current) throw redirect(`/login?redirectTo=${encodeURIComponent(new URL(request.url).pathname + new URL(request.url).search)}`);
  const locale = await localeFor(request);
  const result = await acceptInvite(
    current.user,
    String(form.get("token") ?? ""),
    { ip: context.ip, userAgent: context.userAgent },
    locale,
  );
  if (!result.ok) {
    if (!result.seatsFull) return data({ error: result.errors.form }, { status: 400 });
    const t = serverT(locale, "billing");
    return data({ error: t("limits.seatsAtAccept", result.seatsFull) }, { status: 409 });
  }
  await setActiveShop(current.session.id, result.shopId);
  return redirect("/admin");
}

export default function Invite() {
  const { token, invite, signedInAs, loginUrl, signupUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation("team");
  return (
    <BrandCardPage>
      {!invite || invite.state !== "open" ? (
        <>
          <h1 style={{ marginTop: "1rem" }}>{t("invitePage.unusable")}</h1>
          <p>
            {!invite
              ? t("invitePage.invalid")
              : invite.state === "used"
                ? t("invitePage.used")
                : invite.state === "expired"
                  ? t("invitePage.expired")
                  : t("invitePage.withdrawn")}{" "}
            {t("invitePage.askAgain")}
          </p>
        </>
      ) : (
        <>
          <h1 style={{ marginTop: "1rem" }}>{t("invitePage.join", { shop: invite.shopName })}</h1>
          <p>
            <Trans
              t={t}
              i18nKey="invitePage.invitedYou"
              values={{
                inviter: invite.inviterName ?? t("invitePage.theOwner"),
                shop: invite.shopName,
                role: invite.role === "admin" ? t("invitePage.asAdmin") : t("invitePage.asStaff"),
              }}
              components={{ strong: <strong /> }}
            />
          </p>
          <FormError message={result?.error} />
          {signedInAs ? (
            <PostForm fields={{ token: token }}>
              <p className="muted small">{t("invitePage.signedInAs", { email: signedInAs })}</p>
              <button type="submit" className="block" disabled={busy}>
                {busy ? t("invitePage.joining") : t("invitePage.accept", { shop: invite.shopName })}
              </button>
            </PostForm>
          ) : (
            <div className="stack">
              <Link className="button block" to={signupUrl}>
                {t("invitePage.create")}
              </Link>
              <Link className="button secondary block" to={loginUrl}>
                {t("invitePage.logIn")}
              </Link>
            </div>
          )}
        </>
      )}
    </BrandCardPage>
  );
}
