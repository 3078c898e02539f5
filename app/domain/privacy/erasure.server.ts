import { and, type AnyColumn, eq, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";

import { asPlatform, schema, type Tx } from "~db/client";

import type { CustomerScope } from "./export.server";

/**
 * Deletion and anonymisation, exactly as the privacy map says (privacy-map.server.ts): what is
 * deleted goes, what is anonymised loses every personal value, and what is retained for a legal
 * reason (the name on a tax invoice, 7 years) stays on those rows only. Each function works inside
 * the caller's transaction; the data-deleted flow puts them together.
 */

export const ERASED = "Erased";

/** Erases a shop's customer (account or guest buyer). Returns the dropship forwards whose supplier copies must follow. */
export async function eraseCustomer(tx: Tx, scope: CustomerScope, now: Date): Promise<{ forwardedOrderIds: string[] }> {
  const s = schema;
  const { shopId, customerIds, orderIds, contacts } = scope;
  // Locked first, like eraseUser's account row: a policy notice being queued to them commits first.
  const names = (
    await tx
      .select({ name: s.customers.name })
      .from(s.customers)
      .where(and(eq(s.customers.shopId, shopId), customerIds.length ? inArray(s.customers.id, customerIds) : sql`false`))
      .for("update")
  ).map((r) => r.name);
  const ids = (column: AnyColumn, list: string[]) => (list.length ? inArray(column, list) : sql`false`);

  // Orders: contact, address and notes go; an invoiced order keeps its number, amounts and the
  // addressee's name (retained: tax invoice, 7 years); an uninvoiced one loses the name too.
  await tx
    .update(s.orders)
    .set({
      email: null,
      phone: null,
      shippingAddress: null,
      note: "",
      customerName: sql`case when ${s.orders.invoiceNumber} is not null then ${s.orders.customerName} else '' end`,
      updatedAt: now,
    })
    .where(and(eq(s.orders.shopId, shopId), ids(s.orders.id, orderIds)));
  // Analytics events of their orders, their flash-sale counters, the messages we sent them.
  await tx.delete(s.storefrontEvents).where(and(eq(s.storefrontEvents.shopId, shopId), ids(s.storefrontEvents.orderId, orderIds)));
  await tx
    .delete(s.flashSaleCustomers)
    .where(and(eq(s.flashSaleCustomers.shopId, shopId), ids(s.flashSaleCustomers.customerKey, [...customerIds, ...contacts])));
  await tx.delete(s.messages).where(and(eq(s.messages.shopId, shopId), ids(s.messages.recipient, contacts)));
  // Messages to others that mention them (the owner's "new paid order from …") lose their text.
  const mentions = [...names.filter((n) => n.trim().length >= 3), ...contacts];
  if (mentions.length) {
    await tx
      .update(s.messages)
      .set({ body: "", subject: null })
      .where(and(eq(s.messages.shopId, shopId), or(...mentions.map((m) => sql`strpos(${s.messages.body}, ${m}) > 0`))));
  }
  // The order timeline keeps what happened, not to whom: a notification's text may name them.
  await tx
    .update(s.orderEvents)
    .set({
      summary: sql`case when ${s.orderEvents.type} = 'notified' then 'Customer notified' else ${s.orderEvents.summary} end`,
      data: sql`'{}'::jsonb`,
    })
    .where(
      and(
        eq(s.orderEvents.shopId, shopId),
        ids(s.orderEvents.orderId, orderIds),
        or(eq(s.orderEvents.type, "notified"), eq(s.orderEvents.type, "note")),
      ),
    );
  // Their account: addresses, cart and wishlist, sessions (signed out everywhere), consent history.
  await tx.delete(s.customerAddresses).where(and(eq(s.customerAddresses.shopId, shopId), ids(s.customerAddresses.customerId, customerIds)));
  await tx.delete(s.carts).where(and(eq(s.carts.shopId, shopId), ids(s.carts.customerId, customerIds)));
  await tx.delete(s.customerSessions).where(and(eq(s.customerSessions.shopId, shopId), ids(s.customerSessions.customerId, customerIds)));
  await tx.delete(s.consentEvents).where(and(eq(s.consentEvents.shopId, shopId), ids(s.consentEvents.customerId, customerIds)));
  // The customer rows stay (orders point at them) with nothing personal left.
  await tx
    .update(s.customers)
    .set({
      email: null,
      phone: null,
      name: "",
      note: "",
      passwordHash: null,
      marketingConsent: false,
      marketingConsentAt: null,
      marketingWhatsappConsent: false,
      anonymisedAt: now,
      updatedAt: now,
    })
    .where(and(eq(s.customers.shopId, shopId), ids(s.customers.id, customerIds)));
  const forwarded = await tx
    .select({ orderId: s.orders.id })
    .from(s.orders)
    .where(and(eq(s.orders.shopId, shopId), ids(s.orders.id, orderIds), eq(s.orders.hasDropship, true)));
  return { forwardedOrderIds: forwarded.map((r) => r.orderId) };
}

/**
 * The suppliers' copies of the recipient of forwarded orders (their own tenants, so a platform
 * write: the only privacy write across shops). Shipment details and amounts stay.
 */
export async function anonymiseSupplierCopies(merchantShopId: string, orderIds: string[]): Promise<number> {
  if (orderIds.length === 0) return 0;
  return asPlatform(async (tx) => {
    const rows = await tx
      .update(schema.supplierOrders)
      .set({ recipientName: ERASED, recipientPhone: null, addressLine1: ERASED, addressLine2: null, updatedAt: new Date() })
      .where(and(eq(schema.supplierOrders.merchantShopId, merchantShopId), inArray(schema.supplierOrders.merchantOrderId, orderIds)))
      .returning({ id: schema.supplierOrders.id });
    return rows.length;
  });
}

/**
 * Erases a NetShop account (merchant or staff) at platform level: profile anonymised, signed out
 * everywhere, second factors and codes gone, memberships ended. Audit entries keep the action but
 * lose the address and browser. Refuses while they own an open shop (they close it first).
 */
export async function eraseUser(tx: Tx, userId: string, now: Date): Promise<void> {
  const s = schema;
  // The account row first: a job that is queueing messages to this person (policy notices read
  // accounts FOR SHARE) commits before we delete their messages, or sees them erased after.
  await tx.select({ id: s.users.id }).from(s.users).where(eq(s.users.id, userId)).for("update");
  await tx.delete(s.sessions).where(eq(s.sessions.userId, userId));
  await tx.delete(s.loginChallenges).where(eq(s.loginChallenges.userId, userId));
  await tx.delete(s.trustedDevices).where(eq(s.trustedDevices.userId, userId));
  await tx.delete(s.verificationCodes).where(eq(s.verificationCodes.userId, userId));
  await tx.delete(s.passwordResets).where(eq(s.passwordResets.userId, userId));
  await tx.delete(s.totpAuthenticators).where(eq(s.totpAuthenticators.userId, userId));
  await tx.delete(s.recoveryCodes).where(eq(s.recoveryCodes.userId, userId));
  await tx.delete(s.messages).where(eq(s.messages.userId, userId));
  await tx.update(s.auditLog).set({ ip: null, userAgent: null }).where(eq(s.auditLog.actorUserId, userId));
  await tx.delete(s.shopMemberships).where(and(eq(s.shopMemberships.userId, userId), sql`${s.shopMemberships.role} <> 'owner'`));
  await tx
    .update(s.users)
    .set({
      email: `erased-${userId}@erased.invalid`,
      name: ERASED,
      phone: "+0",
      phoneVerifiedAt: null,
      noticeChannel: "email",
      // Not a bcrypt hash of anything: nobody can sign in as an erased account.
      passwordHash: "!erased",
      twoFactorMethod: "none",
      updatedAt: now,
    })
    .where(eq(s.users.id, userId));
}

/** Shops a user still owns that are not closed: their deletion waits until these are closed. */
export async function openShopsOwnedBy(tx: Tx, userId: string): Promise<Array<{ id: string; name: string }>> {
  return tx
    .select({ id: schema.shops.id, name: schema.shops.name })
    .from(schema.shopMemberships)
    .innerJoin(schema.shops, eq(schema.shops.id, schema.shopMemberships.shopId))
    .where(
      and(eq(schema.shopMemberships.userId, userId), eq(schema.shopMemberships.role, "owner"), sql`${schema.shops.status} <> 'closed'`),
    );
}

/** Export files of the subject's earlier requests (deleted from the bucket with the data). */
export async function exportKeysOf(tx: Tx, shopId: string | null, subjectKind: string, subjectId: string): Promise<string[]> {
  const rows = await tx
    .select({ key: schema.privacyRequests.exportKey })
    .from(schema.privacyRequests)
    .where(
      and(
        shopId ? eq(schema.privacyRequests.shopId, shopId) : isNull(schema.privacyRequests.shopId),
        eq(schema.privacyRequests.subjectKind, subjectKind as never),
        eq(schema.privacyRequests.subjectId, subjectId),
        isNotNull(schema.privacyRequests.exportKey),
      ),
    );
  return rows.map((r) => r.key!).filter(Boolean);
}
