import { data, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { listSessions, revokeSession } from "~/domain/accounts/sessions.server";
import { asPlatformAudit } from "~/domain/audit/audit.server";
import { readForm } from "~/lib/csrf.server";
import { describeDevice } from "~/lib/user-agent.server";
import { Banner } from "~/ui/banner";
import { CsrfInput, FormError } from "~/ui/forms";
import { TableHead } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Where you're logged in · NetShop" }];

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
  const fmt = (iso: string) => new Date(iso).toLocaleString("en-MY", { dateStyle: "medium", timeStyle: "short" });
  return (
    <div className="stack">
      <div>
        <p className="eyebrow">
          <Link to="/admin/account">Your account</Link>
        </p>
        <h1>Where you're logged in</h1>
        <p className="muted">Sessions without "remember me" end after 30 minutes without use and at most 12 hours after login.</p>
      </div>
      <FormError message={result?.error} />
      {result?.ended ? (
        <Banner tone="ok">
          Logged out {result.ended} session{result.ended === 1 ? "" : "s"}.
        </Banner>
      ) : null}
      <table className="data" data-testid="sessions">
        <TableHead columns={["Device", "Address", "Logged in", "Last seen", null]} />
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id}>
              <td>
                {s.device} {s.current ? <span className="badge ok">this device</span> : null}
                {s.remember ? <span className="badge">remembered</span> : null}
              </td>
              <td>{s.ip}</td>
              <td>{fmt(s.createdAt)}</td>
              <td>{fmt(s.lastSeenAt)}</td>
              <td>
                {s.current ? null : (
                  <Form method="post">
                    <CsrfInput />
                    <input type="hidden" name="sessionId" value={s.id} />
                    <button type="submit" className="link">
                      Log out
                    </button>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {sessions.length > 1 ? (
        <Form method="post">
          <CsrfInput />
          <button name="intent" value="revoke-others" className="secondary">
            Log out everywhere else
          </button>
        </Form>
      ) : null}
    </div>
  );
}
