/**
 * A shop's payment gateway accounts: which gateway it takes payments through and, per gateway,
 * its credentials sealed with encryptSecret (app/lib/secrets.server.ts). No row, or a row without
 * credentials, means NetShop's sandbox stand-in. Credentials are kept per gateway so a payment
 * made through one gateway can still be verified and refunded after the shop switches to another.
 */
import { sql } from "drizzle-orm";
import { boolean, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";

import { createdAt, id, tenantKey, timestamptz, updatedAt } from "./columns";
import { shops, users } from "./core";

export const paymentGatewayAccounts = pgTable(
  "payment_gateway_accounts",
  {
    shopId: uuid("shop_id")
      .notNull()
      .references(() => shops.id, { onDelete: "cascade" }),
    id: id(),
    /** payseller | billplz */
    gateway: text("gateway").notNull(),
    /** The gateway new payments go through (one per shop). */
    active: boolean("active").notNull().default(false),
    /** JSON credentials sealed with encryptSecret; null = the sandbox stand-in. */
    credentialsSealed: text("credentials_sealed"),
    /** What may be shown back: identifiers in full, secrets as their last 4 characters. */
    credentialsHint: text("credentials_hint"),
    lastTestedAt: timestamptz("last_tested_at"),
    lastTestResult: text("last_test_result"),
    updatedByUserId: uuid("updated_by_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey(t),
    uniqueIndex("payment_gateway_accounts_gateway_key").on(t.shopId, t.gateway),
    uniqueIndex("payment_gateway_accounts_active_key")
      .on(t.shopId)
      .where(sql`${t.active}`),
  ],
);
