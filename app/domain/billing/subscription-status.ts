/**
 * The subscription's status machine (shared by the server and the pages):
 *
 *   trialing ─paid─▶ active ─period ends unpaid─▶ past_due ─14 days─▶ suspended
 *      │                ▲                              │                  │
 *      │                └────────── paid ──────────────┴──────────────────┘
 *      └─ trial ends unpaid ─▶ active on Free (no payment details were asked for: nothing is owed)
 *   active / past_due ─ the owner cancels ─▶ (at the period's end; at once when past due) cancelled, on Free
 *   any but cancelled ─ an operator cancels (reason) ─▶ cancelled, on Free at once
 *   cancelled ─ a plan paid (or Free chosen again) ─▶ active
 *   trialing / active / past_due ─ an operator suspends (reason) ─▶ suspended ─ an operator lifts it ─▶ where it was
 *
 * Suspended: the admin is read-only (billing stays open), the storefront can be browsed but not
 * checked out. Cancelled: the shop carries on with the Free plan's limits. Nothing is ever deleted.
 */
import type { SubscriptionStatus } from "~db/schema/billing";

export type { SubscriptionStatus };

export const SUBSCRIPTION_TRANSITIONS: Record<SubscriptionStatus, readonly SubscriptionStatus[]> = {
  trialing: ["active", "suspended", "cancelled"],
  active: ["active", "past_due", "suspended", "cancelled"],
  past_due: ["active", "suspended", "cancelled"],
  suspended: ["active", "past_due", "trialing", "cancelled"],
  cancelled: ["active"],
};

export function canMove(from: SubscriptionStatus, to: SubscriptionStatus): boolean {
  return SUBSCRIPTION_TRANSITIONS[from].includes(to);
}

/** Whether the shop's admin may change anything (billing itself always may). */
export const isWritable = (status: SubscriptionStatus) => status !== "suspended";
/** Whether the storefront takes orders. */
export const takesOrders = (status: SubscriptionStatus) => status !== "suspended";

/** Every status, in the machine's order (for filters). */
export const SUBSCRIPTION_STATUSES = Object.keys(SUBSCRIPTION_TRANSITIONS) as SubscriptionStatus[];
