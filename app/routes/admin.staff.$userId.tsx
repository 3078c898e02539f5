import { data, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { describeRole } from "~/domain/accounts/permissions";
import { actorOf, getMember, removeMember, setMemberFrozen, transferOwnership, updateMemberRole } from "~/domain/accounts/staff.server";
import { readForm } from "~/lib/csrf.server";
import { Banner } from "~/ui/banner";
import { CsrfInput, FormError, useFormResult } from "~/ui/forms";
import { RoleFields } from "~/ui/permissions";

export const meta: MetaFunction = () => [{ title: "Manage a member · NetShop" }];

export const loader = /* @__PURE__ */ adminLoader("owner", async ({ params, access }) => {
  const member = await getMember(access.shop.shopId, params.userId ?? "");
  if (!member || member.role === "owner") throw new Response("This person is not a member of the shop's staff.", { status: 404 });
  return {
    member: {
      userId: member.userId,
      name: member.name,
      email: member.email,
      role: member.role,
      permissions: member.permissions,
      frozen: member.frozen,
      label: describeRole(member),
    },
  };
});

export const action = /* @__PURE__ */ adminAction(
  "owner",
  async ({ request, context, params, access }) => {
    const form = await readForm(request);
    const who = { ip: context.ip, userAgent: context.userAgent };
    const actor = actorOf(access);
    const userId = params.userId ?? "";
    const fail = (error: string) => data({ errors: { form: error } as Record<string, string>, notice: undefined }, { status: 400 });
    switch (form.get("intent")) {
      case "role": {
        const result = await updateMemberRole(
          actor,
          userId,
          { role: form.get("role") ?? undefined, permissions: form.getAll("permissions") },
          who,
        );
        return result.ok
          ? data({ errors: {} as Record<string, string>, notice: "Role saved." })
          : data({ errors: result.errors, notice: undefined }, { status: 400 });
      }
      case "freeze":
      case "unfreeze": {
        const result = await setMemberFrozen(actor, userId, form.get("intent") === "freeze", who);
        if (!result.ok) return fail(result.errors.form);
        return data({
          errors: {} as Record<string, string>,
          notice:
            form.get("intent") === "freeze" ? `Frozen. ${result.sessionsEnded ?? 0} session(s) ended.` : "Unfrozen: they can log in again.",
        });
      }
      case "remove": {
        const result = await removeMember(actor, userId, who);
        return result.ok ? redirect("/admin/staff") : fail(result.errors.form);
      }
      case "transfer": {
        if (form.get("confirm") !== "on") return fail("Tick the box to confirm that you want to hand over ownership.");
        const result = await transferOwnership(actor, userId, who);
        return result.ok ? redirect("/admin") : fail(result.errors.form);
      }
      default:
        return fail("Choose an action.");
    }
  },
  { recentAuth: true },
);

export default function ManageMember() {
  const { member } = useLoaderData<typeof loader>();
  const { result, errors } = useFormResult<typeof action>();
  return (
    <div className="stack">
      <div>
        <p className="eyebrow">
          <Link to="/admin/staff">Staff</Link>
        </p>
        <h1>{member.name}</h1>
        <p className="muted">
          {member.email} · {member.label} ·{" "}
          {member.frozen ? <span className="badge danger">Frozen</span> : <span className="badge ok">Active</span>}
        </p>
      </div>
      <FormError message={errors.form} />
      {result?.notice ? (
        <Banner tone="ok" data-testid="notice">
          {result.notice}
        </Banner>
      ) : null}
      <section className="card medium">
        <h2>Role and areas</h2>
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="role" />
          <RoleFields role={member.role} permissions={member.permissions} error={errors.permissions ?? errors.role} />
          <button type="submit">Save role</button>
        </Form>
      </section>
      <section className="card medium">
        <h2>{member.frozen ? "Unfreeze" : "Freeze"}</h2>
        <p>
          {member.frozen
            ? "They can log in and work in the shop again."
            : "They are logged out everywhere at once and cannot log in to this shop until you unfreeze them."}
        </p>
        <Form method="post">
          <CsrfInput />
          <button name="intent" value={member.frozen ? "unfreeze" : "freeze"} className={member.frozen ? "" : "secondary"}>
            {member.frozen ? "Unfreeze" : "Freeze"} {member.name.split(/\s+/)[0]}
          </button>
        </Form>
      </section>
      <section className="card medium">
        <h2>Make owner</h2>
        <p>They become the shop's owner; you stay on as an admin. Only the owner manages the team, billing and the audit log.</p>
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="transfer" />
          <label className="radio">
            <input type="checkbox" name="confirm" /> I want to hand over ownership of the shop.
          </label>
          <button type="submit" className="secondary">
            Transfer ownership
          </button>
        </Form>
      </section>
      <section className="card medium">
        <h2>Remove from the shop</h2>
        <Form method="post">
          <CsrfInput />
          <button name="intent" value="remove" className="secondary">
            Remove {member.name.split(/\s+/)[0]}
          </button>
        </Form>
      </section>
    </div>
  );
}
