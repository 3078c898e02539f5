/**
 * How an order's timeline entry is worded for whoever reads it: a key of the `timeline` texts
 * (locales: orders.timeline.merchant.* for the shop's staff, orders.timeline.customer.* for the
 * customer) and its values, stored with the event. Values are names and amounts as they are in
 * every language (a courier, "RM 12.00", a product title); order statuses, channels and message
 * kinds are codes the page words itself.
 */
type TimelineKey =
  | "created"
  | "statusChanged"
  | "notified"
  | "ownerNotified"
  | "paymentStarted"
  | "paymentFailed"
  | "paymentMismatch"
  | "paymentUnconfirmed"
  | "latePayment"
  | "extraPayment"
  | "refunded"
  | "refundRefused"
  | "refundDropped"
  | "stockReleased"
  | "fulfilled"
  | "fulfilledDropship"
  | "dropshipAfterCancel"
  | "dropshipForwarded"
  | "dropshipHeld"
  | "dropshipRejected"
  | "dropshipRecipientCorrected"
  | "guestCorrectedName"
  | "guestCorrectedEmail"
  | "guestCorrectedPhone"
  | "guestCorrectedAddress"
  | "accountingSynced";

export interface TimelineWording {
  key: TimelineKey;
  values?: Record<string, string | number | boolean | null>;
}

/** The entries a customer sees on their order page (the rest is the shop's business). */
export const CUSTOMER_TIMELINE: readonly TimelineKey[] = [
  "created",
  "statusChanged",
  "notified",
  "refunded",
  "fulfilled",
  "fulfilledDropship",
];
