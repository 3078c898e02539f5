import type { OrderStatus } from "./order-status";

/** The moves a person makes from the order page without a parcel or a refund (shared with the admin UI). */
export const MANUAL_MOVES = ["processing", "shipped", "delivered"] as const satisfies readonly OrderStatus[];
export type ManualMove = (typeof MANUAL_MOVES)[number];
