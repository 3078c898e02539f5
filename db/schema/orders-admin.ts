/**
 * What the shop does with an order after payment: fulfilments (a parcel handed to a courier,
 * with the lines and quantities it carries) and the lines a refund covers. Tenant tables keyed
 * on (shop_id, id) with shop_id in every foreign key.
 */
import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";

import { createdAt, id, tenantKey } from "./columns";
import { users } from "./core";
import { orderLines, orders, payments } from "./orders";
import { shopFk, shopRef } from "./shop-column";

/** One parcel: the courier, its tracking number and link, and who sent it. */
export const fulfilments = pgTable(
  "fulfilments",
  {
    shopId: shopFk(),
    id: id(),
    orderId: uuid("order_id").notNull(),
    /** jnt, poslaju, ninjavan, dhl, citylink, gdex, other (app/domain/orders/carriers.ts). */
    carrier: text("carrier").notNull(),
    /** The courier's name as shown when carrier is "other". */
    carrierName: text("carrier_name"),
    trackingNumber: text("tracking_number"),
    trackingUrl: text("tracking_url"),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey(t),
    shopRef("fulfilments_order_fk", t, t.orderId, orders).onDelete("cascade"),
    index("fulfilments_order_idx").on(t.shopId, t.orderId, t.createdAt),
  ],
);

export const fulfilmentLines = pgTable(
  "fulfilment_lines",
  {
    shopId: shopFk(),
    id: id(),
    fulfilmentId: uuid("fulfilment_id").notNull(),
    orderLineId: uuid("order_line_id").notNull(),
    quantity: integer("quantity").notNull(),
  },
  (t) => [
    tenantKey(t),
    shopRef("fulfilment_lines_fulfilment_fk", t, t.fulfilmentId, fulfilments).onDelete("cascade"),
    shopRef("fulfilment_lines_order_line_fk", t, t.orderLineId, orderLines).onDelete("cascade"),
    index("fulfilment_lines_fulfilment_idx").on(t.shopId, t.fulfilmentId),
    check("fulfilment_lines_quantity_check", sql`${t.quantity} > 0`),
  ],
);

/** The lines (and quantities) a refund payment covers, and whether their stock went back. */
export const refundLines = pgTable(
  "refund_lines",
  {
    shopId: shopFk(),
    id: id(),
    paymentId: uuid("payment_id").notNull(),
    orderLineId: uuid("order_line_id").notNull(),
    quantity: integer("quantity").notNull(),
    restocked: boolean("restocked").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey(t),
    shopRef("refund_lines_payment_fk", t, t.paymentId, payments).onDelete("cascade"),
    shopRef("refund_lines_order_line_fk", t, t.orderLineId, orderLines).onDelete("cascade"),
    index("refund_lines_payment_idx").on(t.shopId, t.paymentId),
    check("refund_lines_quantity_check", sql`${t.quantity} > 0`),
  ],
);

export type FulfilmentRow = typeof fulfilments.$inferSelect;
