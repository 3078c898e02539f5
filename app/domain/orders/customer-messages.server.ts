import { and, eq } from "drizzle-orm";

import { queueMessage } from "~/domain/notify/messages.server";
import { schema, type Tx } from "~db/client";

import { orderMessage, type OrderMessageKind, type OrderMessageVars } from "./customer-messages";
import { recordOrderEvent } from "./timeline.server";

/**
 * Tells the customer about their order through the outbox, in the transaction that made the
 * change: by WhatsApp when they gave a number, otherwise by email. The timeline gets a
 * "notified" entry linked to the message, whose delivery status the admin shows. Returns the
 * message id, or undefined when the order has no contact at all.
 */
export async function notifyOrderCustomer(
  tx: Tx,
  input: {
    shopId: string;
    orderId: string;
    kind: OrderMessageKind;
    vars: Omit<OrderMessageVars, "number" | "shopName"> & { shopName: string };
  },
): Promise<string | undefined> {
  const [order] = await tx
    .select({ number: schema.orders.number, email: schema.orders.email, phone: schema.orders.phone, locale: schema.orders.locale })
    .from(schema.orders)
    .where(and(eq(schema.orders.shopId, input.shopId), eq(schema.orders.id, input.orderId)));
  if (!order) throw new Error(`order ${input.orderId} not found`);
  const message = orderMessage(order.locale, input.kind, { ...input.vars, number: `#${order.number}` });
  const purpose = `order.${input.kind}`;
  let messageId: string;
  let channel: "whatsapp" | "email";
  if (order.phone) {
    channel = "whatsapp";
    messageId = await queueMessage(tx, {
      channel: "whatsapp",
      shopId: input.shopId,
      to: order.phone,
      purpose,
      body: `${message.subject}\n\n${message.text}`,
    });
  } else if (order.email) {
    channel = "email";
    messageId = await queueMessage(tx, {
      channel: "email",
      shopId: input.shopId,
      to: order.email,
      purpose,
      subject: message.subject,
      body: message.text,
    });
  } else {
    return undefined;
  }
  await recordOrderEvent(tx, {
    shopId: input.shopId,
    orderId: input.orderId,
    type: "notified",
    summary: `Customer told by ${channel === "whatsapp" ? "WhatsApp" : "email"}: ${message.subject}`,
    wording: { key: "notified", values: { kind: input.kind, channel } },
    data: { kind: input.kind, channel },
    messageId,
  });
  return messageId;
}
