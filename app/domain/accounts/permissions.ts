// Roles and permissions, shared by the server (checks) and the browser (what the admin shows).

export const ROLES = ["owner", "admin", "staff"] as const;
export type Role = (typeof ROLES)[number];

/** The admin's areas. Owners and admins have every area; staff have the ones they are given. */
export const AREAS = ["products", "orders", "customers", "reports", "settings", "billing", "ai"] as const;
export type Area = (typeof AREAS)[number];

/**
 * What an admin route needs, declared once per loader and action (adminLoader / adminAction):
 * - an area: owners, admins, and staff given that area;
 * - "owner": the shop's owner only (staff, ownership, shop security, the audit log);
 * - "member": any active member of the current shop;
 * - "signed-in": any signed-in person, with or without a shop (their own account).
 */
export type Permission = Area | "owner" | "member" | "signed-in";
export const PERMISSIONS: readonly Permission[] = [...AREAS, "owner", "member", "signed-in"];

export interface Membership {
  role: Role;
  permissions: readonly string[];
}

/** Whether a member of the current shop may do what `permission` guards. */
export function allows(member: Membership, permission: Permission): boolean {
  if (permission === "signed-in" || permission === "member") return true;
  if (permission === "owner") return member.role === "owner";
  if (member.role === "owner" || member.role === "admin") return true;
  return member.permissions.includes(permission);
}
