import { schema, type Tx } from "~db/client";

export interface OrderEventInput {
  shopId: string;
  orderId: string;
  type: string;
  summary: string;
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
    data: event.data ?? {},
    actorUserId: event.actorUserId ?? null,
    messageId: event.messageId ?? null,
  });
}
