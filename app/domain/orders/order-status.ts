/**
 * The order status machine, shared by the server (which enforces it) and the admin UI (which
 * offers only the moves it allows). Payment and fulfilment have their own statuses on the order;
 * this is the order's overall state.
 */
export const ORDER_STATUSES = [
  "pending_payment",
  "paid",
  "processing",
  "shipped",
  "delivered",
  "cancelled",
  "refunded",
  "partially_refunded",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  pending_payment: "Awaiting payment",
  paid: "Paid",
  processing: "Processing",
  shipped: "Shipped",
  delivered: "Delivered",
  cancelled: "Cancelled",
  refunded: "Refunded",
  partially_refunded: "Partially refunded",
};

/**
 * Where each status may go next. Payment moves pending_payment → paid (never a person);
 * cancelling a paid order refunds it; refunded and cancelled are final.
 */
export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_payment: ["paid", "cancelled"],
  paid: ["processing", "shipped", "cancelled", "refunded", "partially_refunded"],
  processing: ["shipped", "cancelled", "refunded", "partially_refunded"],
  shipped: ["delivered", "refunded", "partially_refunded"],
  delivered: ["refunded", "partially_refunded"],
  partially_refunded: ["processing", "shipped", "delivered", "refunded"],
  cancelled: [],
  refunded: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** Why a move is refused, in words for the person who tried it. */
export function transitionRefusal(from: OrderStatus, to: OrderStatus): string {
  const label = (s: OrderStatus) => ORDER_STATUS_LABELS[s].toLowerCase();
  if (from === to) return `The order is already ${label(to)}.`;
  if (ORDER_TRANSITIONS[from].length === 0) return `The order is ${label(from)}; its status can no longer change.`;
  if (to === "paid") return "An order is marked paid only when the gateway confirms its payment.";
  const next = ORDER_TRANSITIONS[from].map(label);
  const choices = next.length > 1 ? `${next.slice(0, -1).join(", ")} or ${next.at(-1)}` : next[0];
  return `The order is ${label(from)}, so it cannot be marked ${label(to)}. It can be marked ${choices}.`;
}
