import { data, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { listSessions, revokeSession } from "~/domain/accounts/sessions.server";
import { asPlatformAudit } from "~/domain/audit/audit.server";
import { readForm } from "~/lib/csrf.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { describeDevice } from "~/lib/user-agent.server";
import { Banner } from "~/ui/banner";
import { useFormat } from "~/ui/format";
import { FormError, PostForm } from "~/ui/forms";
import { PageTitle } from "~/ui/page-title";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "account")("sessions.meta") }];

export const loader = /* @__PURE__ */ adminLoader("signed-in", async ({ access: { user, session } }) => {
  const sessions = await listSessions(user.id, session.id);
  return {
    sessions: sessions.map((s) => ({
      id: s.id,
      device: describeDevice(s.userAgent),
      ip: s.ip,
      remember: s.remember,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
      current: s.current,
    })),
  };
});

export const action = /* @__PURE__ */ adminAction("signed-in", async ({ request, context, access: { user, session } }) => {
  const form = await readForm(request);
  const who = { ip: context.ip, userAgent: context.userAgent };
  const target = form.get("sessionId");
  const targets =
    form.get("intent") === "revoke-others"
      ? (await listSessions(user.id, session.id)).filter((s) => !s.current).map((s) => s.id)
      : typeof target === "string" && target
        ? [target]
        : [];
  if (targets.length === 0) return data({ error: "Choose a session to log out.", ended: 0 }, { status: 400 });
  let ended = 0;
  for (const id of targets) if (await revokeSession(user.id, id)) ended++;
  await asPlatformAudit({
    shopId: null,
    actorUserId: user.id,
    action: "account.session_revoked",
    targetType: "user",
    targetId: user.id,
    after: { sessions: ended },
    ...who,
  });
  return data({ error: undefined, ended });
});

export default function Sessions() {
  const { sessions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation("account");
  const format = useFormat();
  const fmt = (iso: string) => format.dateTime(iso);
  return (
    <div className="stack">
      <div>
        <PageTitle back={{ to: "/admin/account", label: t("yours") }}>{t("sessions.heading")}</PageTitle>
        <p className="muted">{t("sessions.hint")}</p>
      </div>
      <FormError message={result?.error} />
      {result?.ended ? <Banner tone="ok">{t("sessions.ended", { count: result.ended })}</Banner> : null}
      <DataTable
        className="data"
        data-testid="sessions"
        columns={[t("sessions.device"), t("sessions.address"), t("sessions.loggedIn"), t("sessions.lastSeen"), null]}
        rows={sessions}
        rowKey={(s) => s.id}
        cells={(s) => (
          <>
            <td>
              {s.device} {s.current ? <span className="badge ok">{t("sessions.thisDevice")}</span> : null}
              {s.remember ? <span className="badge">{t("sessions.remembered")}</span> : null}
            </td>
            <td>{s.ip}</td>
            <td>{fmt(s.createdAt)}</td>
            <td>{fmt(s.lastSeenAt)}</td>
            <td>
              {s.current ? null : (
                <PostForm fields={{ sessionId: s.id }}>
                  <button type="submit" className="link">
                    {t("sessions.logOut")}
                  </button>
                </PostForm>
              )}
            </td>
          </>
        )}
      />
      {sessions.length > 1 ? (
        <PostForm>
          <button name="intent" value="revoke-others" className="secondary">
            {t("sessions.everywhereElse")}
          </button>
        </PostForm>
      ) : null}
    </div>
  );
}
