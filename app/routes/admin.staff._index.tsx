import { data, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { describeRole } from "~/domain/accounts/permissions";
import { actorOf, inviteStaff, listMembers, listPendingInvites, resendInvite, revokeInvite } from "~/domain/accounts/staff.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { formatPhone } from "~/lib/phone";
import { Banner } from "~/ui/banner";
import { CsrfInput, Field, FormError, useFormResult } from "~/ui/forms";
import { RoleFields } from "~/ui/permissions";
import { TableHead } from "~/ui/table";

export const meta: MetaFunction = () => [{ title: "Staff · NetShop" }];

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
      label: describeRole(m),
    })),
    invites: invites.map((i) => ({
      id: i.id,
      to: i.channel === "whatsapp" ? formatPhone(i.recipient) : i.recipient,
      channel: i.channel,
      label: describeRole(i),
      expiresAt: i.expiresAt.toISOString(),
    })),
  };
});

type ActionData = { errors: Record<string, string>; values: Record<string, string>; notice?: string };

export const action = /* @__PURE__ */ adminAction(
  "owner",
  async ({ request, context, access }) => {
    const form = await readForm(request);
    const who = { ip: context.ip, userAgent: context.userAgent };
    const actor = actorOf(access);
    const reply = (status: number, body: Partial<ActionData>) => data({ errors: {}, values: {}, ...body } as ActionData, { status });
    switch (form.get("intent")) {
      case "invite": {
        const result = await inviteStaff(actor, { ...Object.fromEntries(form), permissions: form.getAll("permissions") }, who);
        if (!result.ok) return reply(400, { errors: result.errors, values: keptValues(form) });
        return reply(200, { notice: result.sendProblem ?? "Invitation sent." });
      }
      case "resend": {
        const result = await resendInvite(actor, String(form.get("inviteId")), who);
        return result.ok
          ? reply(200, { notice: result.sendProblem ?? "Invitation sent again with a new link." })
          : reply(400, { errors: result.errors });
      }
      case "withdraw": {
        const result = await revokeInvite(actor, String(form.get("inviteId")), who);
        return result.ok
          ? reply(200, { notice: "Invitation withdrawn: its link no longer works." })
          : reply(400, { errors: result.errors });
      }
      default:
        return reply(400, { errors: { form: "Choose an action." } });
    }
  },
  { recentAuth: true },
);

export default function Staff() {
  const { members, invites, me } = useLoaderData<typeof loader>();
  const { result, errors, values } = useFormResult<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <p className="eyebrow">Team</p>
          <h1>Staff</h1>
        </div>
      </div>
      <FormError message={errors.form} />
      {result?.notice ? (
        <Banner tone="ok" data-testid="notice">
          {result.notice}
        </Banner>
      ) : null}
      <table className="data" data-testid="members">
        <TableHead columns={["Name", "Role", "Status", null]} />
        <tbody>
          {members.map((m) => (
            <tr key={m.userId}>
              <td>
                {m.name}
                <br />
                <span className="muted small">{m.email}</span>
              </td>
              <td>{m.label}</td>
              <td>{m.frozen ? <span className="badge danger">Frozen</span> : <span className="badge ok">Active</span>}</td>
              <td>{m.userId === me || m.role === "owner" ? null : <Link to={`/admin/staff/${m.userId}`}>Manage</Link>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {invites.length > 0 ? (
        <section className="card">
          <h2>Invitations waiting</h2>
          <table className="data" data-testid="invites">
            <tbody>
              {invites.map((i) => (
                <tr key={i.id}>
                  <td>
                    {i.to} <span className="muted small">by {i.channel === "email" ? "email" : "WhatsApp"}</span>
                  </td>
                  <td>{i.label}</td>
                  <td className="small">until {new Date(i.expiresAt).toLocaleDateString("en-MY", { dateStyle: "medium" })}</td>
                  <td>
                    <Form method="post" className="row">
                      <CsrfInput />
                      <input type="hidden" name="inviteId" value={i.id} />
                      <button name="intent" value="resend" className="link">
                        Send again
                      </button>
                      <button name="intent" value="withdraw" className="link">
                        Withdraw
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <section className="card medium">
        <h2>Invite someone</h2>
        <Form method="post" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="invite" />
          <fieldset className="field">
            <legend style={{ fontWeight: 600 }}>Send the invitation by</legend>
            <label className="radio">
              <input type="radio" name="channel" value="email" defaultChecked={(values.channel ?? "email") === "email"} /> Email
            </label>
            <label className="radio">
              <input type="radio" name="channel" value="whatsapp" defaultChecked={values.channel === "whatsapp"} /> WhatsApp
            </label>
          </fieldset>
          <Field
            label="Email address or WhatsApp number"
            name="recipient"
            defaultValue={values.recipient}
            error={errors.recipient ?? errors.channel}
            required
          />
          <RoleFields role={values.role} error={errors.permissions ?? errors.role} />
          <button type="submit" disabled={busy}>
            {busy ? "Sending…" : "Send invitation"}
          </button>
        </Form>
      </section>
    </div>
  );
}
