import { data, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { actorOf, getMember, removeMember, setMemberFrozen, transferOwnership, updateMemberRole } from "~/domain/accounts/staff.server";
import { readForm } from "~/lib/csrf.server";
import { type Coded, type CodedErrors } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { Banner } from "~/ui/banner";
import { FormError, PostForm, useFormResult } from "~/ui/forms";
import { PageTitle } from "~/ui/page-title";
import { RoleFields, useRoleLabel } from "~/ui/permissions";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "team")("member.meta") }];

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
    const t = serverT(await localeFor(request), "team");
    const fail = (error: string | Coded) =>
      data({ errors: { form: error } as CodedErrors | Record<string, string>, notice: undefined }, { status: 400 });
    switch (form.get("intent")) {
      case "role": {
        const result = await updateMemberRole(
          actor,
          userId,
          { role: form.get("role") ?? undefined, permissions: form.getAll("permissions") },
          who,
        );
        return result.ok
          ? data({ errors: {} as CodedErrors, notice: t("member.roleSaved") })
          : data({ errors: result.errors, notice: undefined }, { status: 400 });
      }
      case "freeze":
      case "unfreeze": {
        const result = await setMemberFrozen(actor, userId, form.get("intent") === "freeze", who);
        if (!result.ok) return fail(result.errors.form);
        return data({
          errors: {} as CodedErrors,
          notice:
            form.get("intent") === "freeze" ? t("member.frozenNotice", { count: result.sessionsEnded ?? 0 }) : t("member.unfrozenNotice"),
        });
      }
      case "remove": {
        const result = await removeMember(actor, userId, who);
        return result.ok ? redirect("/admin/staff") : fail(result.errors.form);
      }
      case "transfer": {
        if (form.get("confirm") !== "on") return fail(t("member.confirmNeeded"));
        const result = await transferOwnership(actor, userId, who);
        return result.ok ? redirect("/admin") : fail(result.errors.form);
      }
      default:
        return fail(t("staff.chooseAction"));
    }
  },
  { recentAuth: true },
);

export default function ManageMember() {
  const { member } = useLoaderData<typeof loader>();
  const { result, errors } = useFormResult<typeof action>();
  const { t } = useTranslation("team");
  const roleLabel = useRoleLabel();
  const first = member.name.split(/\s+/)[0];
  return (
    <div className="stack">
      <div>
        <PageTitle back={{ to: "/admin/staff", label: t("staff.heading") }}>{member.name}</PageTitle>
        <p className="muted">
          {member.email} · {roleLabel(member)} ·{" "}
          {member.frozen ? (
            <span className="badge danger">{t("staff.frozen")}</span>
          ) : (
            <span className="badge ok">{t("staff.active")}</span>
          )}
        </p>
      </div>
      <FormError message={errors.form} />
      {result?.notice ? (
        <Banner tone="ok" data-testid="notice">
          {result.notice}
        </Banner>
      ) : null}
      <section className="card medium">
        <h2>{t("member.roleAndAreas")}</h2>
        <PostForm fields={{ intent: "role" }}>
          <RoleFields role={member.role} permissions={member.permissions} error={errors.permissions ?? errors.role} />
          <button type="submit">{t("member.saveRole")}</button>
        </PostForm>
      </section>
      <section className="card medium">
        <h2>{member.frozen ? t("member.unfreeze") : t("member.freeze")}</h2>
        <p>{member.frozen ? t("member.unfreezeHint") : t("member.freezeHint")}</p>
        <PostForm>
          <button name="intent" value={member.frozen ? "unfreeze" : "freeze"} className={member.frozen ? "" : "secondary"}>
            {member.frozen ? t("member.unfreezeName", { name: first }) : t("member.freezeName", { name: first })}
          </button>
        </PostForm>
      </section>
      <section className="card medium">
        <h2>{t("member.makeOwner")}</h2>
        <p>{t("member.makeOwnerHint")}</p>
        <PostForm fields={{ intent: "transfer" }}>
          <label className="radio">
            <input type="checkbox" name="confirm" /> {t("member.confirm")}
          </label>
          <button type="submit" className="secondary">
            {t("member.transfer")}
          </button>
        </PostForm>
      </section>
      <section className="card medium">
        <h2>{t("member.remove")}</h2>
        <PostForm>
          <button name="intent" value="remove" className="secondary">
            {t("member.removeName", { name: first })}
          </button>
        </PostForm>
      </section>
    </div>
  );
}
