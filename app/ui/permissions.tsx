import { AREA_LABELS, AREAS } from "~/domain/accounts/permissions";

/** Role choice and, for staff, the areas they may open. */
export function RoleFields({ role, permissions, error }: { role?: string; permissions?: readonly string[]; error?: string }) {
  return (
    <>
      <fieldset className="field">
        <legend style={{ fontWeight: 600 }}>Role</legend>
        <label className="radio">
          <input type="radio" name="role" value="staff" defaultChecked={role !== "admin"} /> Staff — only the areas ticked below
        </label>
        <label className="radio">
          <input type="radio" name="role" value="admin" defaultChecked={role === "admin"} /> Admin — every area (not the team or the audit
          log)
        </label>
      </fieldset>
      <fieldset className="field">
        <legend style={{ fontWeight: 600 }}>Areas for staff</legend>
        <div className="row">
          {AREAS.map((area) => (
            <label key={area} className="radio">
              <input type="checkbox" name="permissions" value={area} defaultChecked={permissions?.includes(area)} /> {AREA_LABELS[area]}
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
