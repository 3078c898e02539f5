/**
 * Who is told when an order is paid, inside the paid path's transaction (through the outbox, so
 * exactly once): the customer ("confirmed", WhatsApp when they gave a number, else email) and the
 * shop's owner (WhatsApp to their number, else email). Also the owner's alerts about money that
 * needs a refund (a payment after the order was cancelled, a second payment).
 */
import { and, eq } from "drizzle-orm";

import { formatMoney } from "~/domain/catalog/catalog-rules";
import { queueMessage } from "~/domain/notify/messages.server";
import { schema, type Tx } from "~db/client";

import { notifyOrderCustomer } from "./customer-messages.server";
import { orderStatusUrl } from "./order-links.server";
import { recordOrderEvent } from "./timeline.server";

type Locale = "en" | "ms" | "zh";
type OwnerKind = "paid" | "refund_needed";

const OWNER_TEMPLATES: Record<
  Locale,
  Record<
    OwnerKind,
    (v: { shop: string; number: string; total: string; customer: string; reason: string }) => { subject: string; text: string }
  >
> = {
  en: {
    paid: (v) => ({
      subject: `${v.shop}: new paid order ${v.number}`,
      text: `Order ${v.number} from ${v.customer} is paid (${v.total}). Open it in NetShop to fulfil it.`,
    }),
    refund_needed: (v) => ({
      subject: `${v.shop}: refund needed for order ${v.number}`,
      text: `A payment of ${v.total} for order ${v.number} (${v.customer}) arrived but ${v.reason}. Please refund the customer from the order page in NetShop.`,
    }),
  },
  ms: {
    paid: (v) => ({
      subject: `${v.shop}: pesanan berbayar baharu ${v.number}`,
      text: `Pesanan ${v.number} daripada ${v.customer} telah dibayar (${v.total}). Buka di NetShop untuk memprosesnya.`,
    }),
    refund_needed: (v) => ({
      subject: `${v.shop}: bayaran balik diperlukan untuk pesanan ${v.number}`,
      text: `Bayaran ${v.total} untuk pesanan ${v.number} (${v.customer}) telah diterima tetapi ${v.reason}. Sila buat bayaran balik kepada pelanggan dari halaman pesanan di NetShop.`,
    }),
  },
  zh: {
    paid: (v) => ({
      subject: `${v.shop}：新的已付款订单 ${v.number}`,
      text: `${v.customer} 的订单 ${v.number} 已付款（${v.total}）。请在 NetShop 中打开并处理。`,
    }),
    refund_needed: (v) => ({
      subject: `${v.shop}：订单 ${v.number} 需要退款`,
      text: `订单 ${v.number}（${v.customer}）收到一笔 ${v.total} 的付款，但${v.reason}。请在 NetShop 的订单页面为顾客退款。`,
    }),
  },
};

const REASONS: Record<Locale, Record<"cancelled" | "already_paid", string>> = {
  en: { cancelled: "the order had already been cancelled", already_paid: "the order had already been paid by another payment" },
  ms: { cancelled: "pesanan itu telah pun dibatalkan", already_paid: "pesanan itu telah pun dibayar melalui bayaran lain" },
  zh: { cancelled: "该订单已被取消", already_paid: "该订单已通过另一笔付款支付" },
};

async function orderAndShop(tx: Tx, shopId: string, orderId: string) {
  const [row] = await tx
    .select({ order: schema.orders, shopName: schema.shops.name, shopSlug: schema.shops.slug })
    .from(schema.orders)
    .innerJoin(schema.shops, eq(schema.shops.id, schema.orders.shopId))
    .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, orderId)));
  if (!row) throw new Error(`order ${orderId} not found`);
  return row;
}

async function tellOwner(
  tx: Tx,
  shopId: string,
  orderId: string,
  kind: OwnerKind,
  vars: { total: string; reason?: "cancelled" | "already_paid" },
) {
  const { order, shopName } = await orderAndShop(tx, shopId, orderId);
  const [owner] = await tx
    .select({ id: schema.users.id, phone: schema.users.phone, email: schema.users.email, language: schema.users.preferredLanguage })
    .from(schema.shopMemberships)
    .innerJoin(schema.users, eq(schema.users.id, schema.shopMemberships.userId))
    .where(and(eq(schema.shopMemberships.shopId, shopId), eq(schema.shopMemberships.role, "owner")));
  if (!owner) return null;
  const locale = owner.language as Locale;
  const message = OWNER_TEMPLATES[locale][kind]({
    shop: shopName,
    number: `#${order.number}`,
    total: vars.total,
    customer: order.customerName || order.email || order.phone || "—",
    reason: vars.reason ? REASONS[locale][vars.reason] : "",
  });
  const purpose = kind === "paid" ? "order.paid_owner" : "order.refund_needed_owner";
  const messageId = owner.phone
    ? await queueMessage(tx, {
        channel: "whatsapp",
        shopId,
        userId: owner.id,
        to: owner.phone,
        purpose,
        body: `${message.subject}\n\n${message.text}`,
      })
    : await queueMessage(tx, {
        channel: "email",
        shopId,
        userId: owner.id,
        to: owner.email,
        purpose,
        subject: message.subject,
        body: message.text,
      });
  await recordOrderEvent(tx, {
    shopId,
    orderId,
    type: "owner_notified",
    summary: `Owner told by ${owner.phone ? "WhatsApp" : "email"}: ${message.subject}`,
    wording: { key: "ownerNotified", values: { channel: owner.phone ? "whatsapp" : "email" } },
    data: { kind, channel: owner.phone ? "whatsapp" : "email" },
    messageId,
  });
  return messageId;
}

/** Called once by the order-paid flow (markOrderPaid), in its transaction. */
export async function notifyOrderPaid(tx: Tx, shopId: string, orderId: string): Promise<void> {
  const { order, shopName, shopSlug } = await orderAndShop(tx, shopId, orderId);
  const total = formatMoney(order.totalMinor, order.currency);
  await notifyOrderCustomer(tx, {
    shopId,
    orderId,
    kind: "confirmed",
    vars: { shopName, total, statusUrl: orderStatusUrl(shopSlug, orderId) },
  });
  await tellOwner(tx, shopId, orderId, "paid", { total });
}

/** Money arrived that the order cannot take: the owner is asked to refund it. */
export async function notifyOwnerRefundNeeded(
  tx: Tx,
  shopId: string,
  orderId: string,
  amount: { minor: number; currency: string },
  reason: "cancelled" | "already_paid",
) {
  return tellOwner(tx, shopId, orderId, "refund_needed", { total: formatMoney(amount.minor, amount.currency), reason });
}
