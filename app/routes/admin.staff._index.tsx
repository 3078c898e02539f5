import { data, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { actorOf, inviteStaff, listMembers, listPendingInvites, resendInvite, revokeInvite } from "~/domain/accounts/staff.server";
import { readForm } from "~/lib/csrf.server";
import { type CodedErrors, keptValues } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { codedText, localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { formatPhone } from "~/lib/phone";
import { Banner } from "~/ui/banner";
import { useFormat } from "~/ui/format";
import { Field, FormError, PostForm, useFormResult } from "~/ui/forms";
import { RoleFields, useRoleLabel } from "~/ui/permissions";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "team")("staff.meta") }];

export const loader = /* @__PURE__ */ adminLoader("owner", async ({ access }) => {
  const [members, invites] = await Promise.all([listMembers(access.shop.shopId), listPendingInvites(access.shop.shopId)]);
  return {
    me: access.user.id,
    members: members.map((m) => ({
      userId: m.userId,
      name: m.name,
      email: m.email,
      role: m.role,
      frozen: m.frozen,
      permissions: m.permissions,
    })),
    invites: invites.map((i) => ({
      id: i.id,
      to: i.channel === "whatsapp" ? formatPhone(i.recipient) : i.recipient,
      channel: i.channel,
      role: i.role,
      permissions: i.permissions,
      expiresAt: i.expiresAt.toISOString(),
    })),
  };
});

type ActionData = { errors: CodedErrors | Record<string, string>; values: Record<string, string>; notice?: string; upgrade?: boolean };

export const action = /* @__PURE__ */ adminAction(
  "owner",
  async ({ request, context, access }) => {
    const form = await readForm(request);
    const who = { ip: context.ip, userAgent: context.userAgent };
    const actor = actorOf(access);
    const locale = await localeFor(request);
    const t = serverT(locale, "team");
    const reply = (status: number, body: Partial<ActionData>) => data({ errors: {}, values: {}, ...body } as ActionData, { status });
    switch (form.get("intent")) {
      case "invite": {
        const result = await inviteStaff(actor, { ...Object.fromEntries(form), permissions: form.getAll("permissions") }, who);
        if (!result.ok)
          return reply(result.seatsFull ? 409 : 400, { errors: result.errors, values: keptValues(form), upgrade: !!result.seatsFull });
        return reply(200, { notice: result.sendProblem ? codedText(locale, result.sendProblem) : t("staff.sent") });
      }
      case "resend": {
        const result = await resendInvite(actor, String(form.get("inviteId")), who);
        if (!result.ok) return reply(400, { errors: result.errors });
        return reply(200, { notice: result.sendProblem ? codedText(locale, result.sendProblem) : t("staff.sentAgain") });
      }
      case "withdraw": {
        const result = await revokeInvite(actor, String(form.get("inviteId")), who);
        return result.ok ? reply(200, { notice: t("staff.withdrawn") }) : reply(400, { errors: result.errors });
      }
      default:
        return reply(400, { errors: { form: t("staff.chooseAction") } });
    }
  },
  { recentAuth: true },
);

export default function Staff() {
  const { members, invites, me } = useLoaderData<typeof loader>();
  const { result, errors, values } = useFormResult<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation("team");
  const roleLabel = useRoleLabel();
  const fmt = useFormat();
  const { t: tb } = useTranslation("billing");
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <p className="eyebrow">{t("staff.team")}</p>
          <h1>{t("staff.heading")}</h1>
        </div>
      </div>
      <FormError message={errors.form} />
      {result?.upgrade ? (
        <p>
          <Link to="/admin/billing" data-testid="seats-upgrade">
            {tb("limits.upgrade")}
          </Link>
        </p>
      ) : null}
      {result?.notice ? (
        <Banner tone="ok" data-testid="notice">
          {result.notice}
        </Banner>
      ) : null}
      <DataTable
        className="data"
        data-testid="members"
        columns={[t("staff.name"), t("staff.role"), t("staff.status"), null]}
        rows={members}
        rowKey={(m) => m.userId}
        cells={(m) => (
          <>
            <td>
              {m.name}
              <br />
              <span className="muted small">{m.email}</span>
            </td>
            <td>{roleLabel(m)}</td>
            <td>
              {m.frozen ? <span className="badge danger">{t("staff.frozen")}</span> : <span className="badge ok">{t("staff.active")}</span>}
            </td>
            <td>{m.userId === me || m.role === "owner" ? null : <Link to={`/admin/staff/${m.userId}`}>{t("staff.manage")}</Link>}</td>
          </>
        )}
      />
      {invites.length > 0 ? (
        <section className="card">
          <h2>{t("staff.waiting")}</h2>
          <table className="data" data-testid="invites">
            <tbody>
              {invites.map((i) => (
                <tr key={i.id}>
                  <td>
                    {i.to} <span className="muted small">{i.channel === "email" ? t("staff.byEmail") : t("staff.byWhatsApp")}</span>
                  </td>
                  <td>{roleLabel(i)}</td>
                  <td className="small">{t("staff.until", { date: fmt.date(i.expiresAt) })}</td>
                  <td>
                    <PostForm className="row" fields={{ inviteId: i.id }}>
                      <button name="intent" value="resend" className="link">
                        {t("staff.sendAgain")}
                      </button>
                      <button name="intent" value="withdraw" className="link">
                        {t("staff.withdraw")}
                      </button>
                    </PostForm>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <section className="card medium">
        <h2>{t("staff.invite")}</h2>
        <PostForm noValidate fields={{ intent: "invite" }}>
          <fieldset className="field">
            <legend style={{ fontWeight: 600 }}>{t("staff.sendBy")}</legend>
            <label className="radio">
              <input type="radio" name="channel" value="email" defaultChecked={(values.channel ?? "email") === "email"} />{" "}
              {t("staff.email")}
            </label>
            <label className="radio">
              <input type="radio" name="channel" value="whatsapp" defaultChecked={values.channel === "whatsapp"} /> WhatsApp
            </label>
          </fieldset>
          <Field
            label={t("staff.recipient")}
            name="recipient"
            defaultValue={values.recipient}
            error={errors.recipient ?? errors.channel}
            required
          />
          <RoleFields role={values.role} error={errors.permissions ?? errors.role} />
          <button type="submit" disabled={busy}>
            {busy ? t("staff.sending") : t("staff.send")}
          </button>
        </PostForm>
      </section>
    </div>
  );
}
