import { schema, type Tx } from "~db/client";

import type { TimelineWording } from "./timeline-wording";

export interface OrderEventInput {
  shopId: string;
  orderId: string;
  type: string;
  /** English, for logs, the audit trail and exports; pages word the event from `wording`. */
  summary: string;
  /** What the page says, in its reader's language (app/ui/timeline.tsx); kept in `data.wording`. */
  wording?: TimelineWording;
  data?: Record<string, unknown>;
  actorUserId?: string | null;
  messageId?: string | null;
}

/** Adds an entry to an order's timeline, in the transaction that makes the change it records. */
export async function recordOrderEvent(tx: Tx, event: OrderEventInput): Promise<void> {
  await tx.insert(schema.orderEvents).values({
    shopId: event.shopId,
    orderId: event.orderId,
    type: event.type,
    summary: event.summary,
    data: { ...(event.data ?? {}), ...(event.wording ? { wording: event.wording } : {}) },
    actorUserId: event.actorUserId ?? null,
    messageId: event.messageId ?? null,
  });
}
