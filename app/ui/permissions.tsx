import { type Area, AREAS } from "~/domain/accounts/permissions";
import { useTranslation } from "~/lib/i18n-react";

/** A member's role in words, in the reader's language ("Staff: Orders, Products"). */
export function useRoleLabel() {
  const { t } = useTranslation("team");
  return (member: { role: string; permissions: readonly string[] }) => {
    if (member.role !== "staff") return member.role === "owner" ? t("role.owner") : t("role.admin");
    const areas = member.permissions.filter((p): p is Area => (AREAS as readonly string[]).includes(p));
    return areas.length ? t("role.staffAreas", { areas: areas.map((a) => t(`area.${a}`)).join(", ") }) : t("role.staffNone");
  };
}

/** Role choice and, for staff, the areas they may open. */
export function RoleFields({ role, permissions, error }: { role?: string; permissions?: readonly string[]; error?: string }) {
  const { t } = useTranslation("team");
  return (
    <>
      <fieldset className="field">
        <legend style={{ fontWeight: 600 }}>{t("role.legend")}</legend>
        <label className="radio">
          <input type="radio" name="role" value="staff" defaultChecked={role !== "admin"} /> {t("role.staff")}
        </label>
        <label className="radio">
          <input type="radio" name="role" value="admin" defaultChecked={role === "admin"} /> {t("role.adminChoice")}
        </label>
      </fieldset>
      <fieldset className="field">
        <legend style={{ fontWeight: 600 }}>{t("role.areas")}</legend>
        <div className="row">
          {AREAS.map((area) => (
            <label key={area} className="radio">
              <input type="checkbox" name="permissions" value={area} defaultChecked={permissions?.includes(area)} /> {t(`area.${area}`)}
            </label>
          ))}
        </div>
        {error ? (
          <p className="error" role="alert" data-field-error="permissions">
            {error}
          </p>
        ) : null}
      </fieldset>
    </>
  );
}
