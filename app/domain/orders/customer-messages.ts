/**
 * What we tell a customer about their order, in the language they shopped in. The merchant's
 * own content (product titles, the shop's name) stays as written.
 */
export type Locale = "en" | "ms" | "zh";
export type OrderMessageKind = "confirmed" | "processing" | "shipped" | "delivered" | "cancelled" | "refunded" | "partially_refunded";

export interface OrderMessageVars {
  shopName: string;
  /** "#1001" */
  number: string;
  /** "RM 98.00" */
  total: string;
  /** The customer's order page (a signed link). */
  statusUrl: string;
  /** Shipped: "J&T Express 630012345678" and the carrier's tracking page. */
  tracking?: string;
  trackingUrl?: string;
  /** Refunds: the amount refunded. */
  amount?: string;
}

type Template = (v: OrderMessageVars) => { subject: string; text: string };

const trackingLine = (v: OrderMessageVars, label: string) =>
  v.tracking ? `\n${label}: ${v.tracking}${v.trackingUrl ? ` ${v.trackingUrl}` : ""}` : "";

const TEMPLATES: Record<Locale, Record<OrderMessageKind, Template>> = {
  en: {
    confirmed: (v) => ({
      subject: `${v.shopName}: order ${v.number} confirmed`,
      text: `Thank you! ${v.shopName} has received your payment of ${v.total} for order ${v.number}. Follow your order: ${v.statusUrl}`,
    }),
    processing: (v) => ({
      subject: `${v.shopName}: order ${v.number} is being prepared`,
      text: `${v.shopName} is preparing your order ${v.number}. ${v.statusUrl}`,
    }),
    shipped: (v) => ({
      subject: `${v.shopName}: order ${v.number} is on its way`,
      text: `Your order ${v.number} from ${v.shopName} is on its way.${trackingLine(v, "Tracking")}\n${v.statusUrl}`,
    }),
    delivered: (v) => ({
      subject: `${v.shopName}: order ${v.number} delivered`,
      text: `Your order ${v.number} from ${v.shopName} has been delivered. Enjoy! ${v.statusUrl}`,
    }),
    cancelled: (v) => ({
      subject: `${v.shopName}: order ${v.number} cancelled`,
      text: `Your order ${v.number} from ${v.shopName} has been cancelled. ${v.statusUrl}`,
    }),
    refunded: (v) => ({
      subject: `${v.shopName}: order ${v.number} refunded`,
      text: `${v.shopName} has refunded ${v.amount ?? v.total} for order ${v.number}. ${v.statusUrl}`,
    }),
    partially_refunded: (v) => ({
      subject: `${v.shopName}: partial refund for order ${v.number}`,
      text: `${v.shopName} has refunded ${v.amount ?? ""} of order ${v.number}. ${v.statusUrl}`,
    }),
  },
  ms: {
    confirmed: (v) => ({
      subject: `${v.shopName}: pesanan ${v.number} disahkan`,
      text: `Terima kasih! ${v.shopName} telah menerima bayaran ${v.total} anda untuk pesanan ${v.number}. Jejak pesanan anda: ${v.statusUrl}`,
    }),
    processing: (v) => ({
      subject: `${v.shopName}: pesanan ${v.number} sedang disediakan`,
      text: `${v.shopName} sedang menyediakan pesanan ${v.number} anda. ${v.statusUrl}`,
    }),
    shipped: (v) => ({
      subject: `${v.shopName}: pesanan ${v.number} sedang dihantar`,
      text: `Pesanan ${v.number} anda dari ${v.shopName} sedang dalam perjalanan.${trackingLine(v, "Penjejakan")}\n${v.statusUrl}`,
    }),
    delivered: (v) => ({
      subject: `${v.shopName}: pesanan ${v.number} telah diterima`,
      text: `Pesanan ${v.number} anda dari ${v.shopName} telah dihantar. ${v.statusUrl}`,
    }),
    cancelled: (v) => ({
      subject: `${v.shopName}: pesanan ${v.number} dibatalkan`,
      text: `Pesanan ${v.number} anda dari ${v.shopName} telah dibatalkan. ${v.statusUrl}`,
    }),
    refunded: (v) => ({
      subject: `${v.shopName}: bayaran balik pesanan ${v.number}`,
      text: `${v.shopName} telah membuat bayaran balik ${v.amount ?? v.total} untuk pesanan ${v.number}. ${v.statusUrl}`,
    }),
    partially_refunded: (v) => ({
      subject: `${v.shopName}: bayaran balik separa pesanan ${v.number}`,
      text: `${v.shopName} telah membuat bayaran balik ${v.amount ?? ""} bagi pesanan ${v.number}. ${v.statusUrl}`,
    }),
  },
  zh: {
    confirmed: (v) => ({
      subject: `${v.shopName}：订单 ${v.number} 已确认`,
      text: `谢谢！${v.shopName} 已收到您订单 ${v.number} 的付款 ${v.total}。查看订单：${v.statusUrl}`,
    }),
    processing: (v) => ({
      subject: `${v.shopName}：订单 ${v.number} 正在备货`,
      text: `${v.shopName} 正在为您的订单 ${v.number} 备货。${v.statusUrl}`,
    }),
    shipped: (v) => ({
      subject: `${v.shopName}：订单 ${v.number} 已发货`,
      text: `您在 ${v.shopName} 的订单 ${v.number} 已发货。${trackingLine(v, "物流单号")}\n${v.statusUrl}`,
    }),
    delivered: (v) => ({
      subject: `${v.shopName}：订单 ${v.number} 已送达`,
      text: `您在 ${v.shopName} 的订单 ${v.number} 已送达。${v.statusUrl}`,
    }),
    cancelled: (v) => ({
      subject: `${v.shopName}：订单 ${v.number} 已取消`,
      text: `您在 ${v.shopName} 的订单 ${v.number} 已取消。${v.statusUrl}`,
    }),
    refunded: (v) => ({
      subject: `${v.shopName}：订单 ${v.number} 已退款`,
      text: `${v.shopName} 已为订单 ${v.number} 退款 ${v.amount ?? v.total}。${v.statusUrl}`,
    }),
    partially_refunded: (v) => ({
      subject: `${v.shopName}：订单 ${v.number} 部分退款`,
      text: `${v.shopName} 已为订单 ${v.number} 部分退款 ${v.amount ?? ""}。${v.statusUrl}`,
    }),
  },
};

export function orderMessage(locale: Locale, kind: OrderMessageKind, vars: OrderMessageVars): { subject: string; text: string } {
  return TEMPLATES[locale][kind](vars);
}
