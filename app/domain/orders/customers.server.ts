/**
 * The shop's customers: a list (search by name, email or phone; keyset pages), a customer's
 * record (orders, total spent, addresses, marketing consent, the merchant's note), duplicates
 * found by the same email or phone, and merging a duplicate into the survivor (its orders and
 * addresses move; the duplicate keeps pointing at the survivor through merged_into_id).
 */
import { and, asc, desc, eq, isNull, ne, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";

import { audit } from "~/domain/audit/audit.server";
import { type CodedErrors, codedFieldErrors } from "~/lib/forms";
import { decodeCursor, encodeCursor, isUuid } from "~/lib/ids";
import { escapeLike } from "~/lib/like";
import { normalisePhone } from "~/lib/phone";
import { schema, withShop } from "~db/client";

import { type Actor, orderProblem } from "./order-admin.server";

type Refusal = { ok: false; errors: CodedErrors };
const refuse = (code: string): Refusal => ({ ok: false, errors: { form: orderProblem(code) } });

export const CUSTOMER_PAGE_SIZE = 50;
const c = schema.customers;

export const CustomerListQuerySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  after: z.string().max(200).optional().catch(undefined),
});

/**
 * A customer's order count and total spent (paid orders, less refunds), counted over all their
 * orders: the one definition the list and the customer's page both show, so they always agree.
 * The outer row's columns are spelled with the table's name: in a one-table select drizzle writes
 * `${c.id}` as a bare "id", which inside the subquery meant the order's own id (the list showed 0
 * orders and RM 0.00 for customers whose page showed their orders).
 */
const customerFigures = {
  orders: sql<number>`(select count(*)::int from ${schema.orders} o where o.shop_id = ${c}.shop_id and o.customer_id = ${c}.id)`,
  spent: sql<number>`(select coalesce(sum(o.total_minor - o.refunded_minor), 0)::bigint from ${schema.orders} o where o.shop_id = ${c}.shop_id and o.customer_id = ${c}.id and o.payment_status <> 'unpaid')`,
};

export async function listCustomers(shopId: string, query: z.infer<typeof CustomerListQuerySchema>) {
  const filters: SQL[] = [eq(c.shopId, shopId), isNull(c.mergedIntoId)];
  if (query.q) {
    const q = query.q;
    const phone = /^[+\d][\d\s-]{6,}$/.test(q) ? normalisePhone(q) : undefined;
    if (q.includes("@")) filters.push(eq(c.email, q.toLowerCase()));
    else if (phone) filters.push(eq(c.phone, phone));
    else filters.push(sql`${c.name} ilike ${`%${escapeLike(q)}%`}`);
  }
  const cursor = decodeCursor(query.after);
  return withShop(shopId, async (tx) => {
    const rows = await tx
      .select({
        id: c.id,
        name: c.name,
        email: c.email,
        phone: c.phone,
        marketingConsent: c.marketingConsent,
        createdAt: c.createdAt,
        sortValue: sql<string>`${c.createdAt}::text`,
        ...customerFigures,
      })
      .from(c)
      .where(and(...filters, cursor ? sql`(${c.createdAt}, ${c.id}) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)` : undefined))
      .orderBy(desc(c.createdAt), desc(c.id))
      .limit(CUSTOMER_PAGE_SIZE + 1);
    const page = rows.slice(0, CUSTOMER_PAGE_SIZE);
    const last = page.at(-1);
    const [shop] = await tx.select({ currency: schema.shops.currency }).from(schema.shops).where(eq(schema.shops.id, shopId));
    return {
      currency: shop?.currency ?? "MYR",
      items: page.map(({ sortValue: _s, ...r }) => ({ ...r, spent: Number(r.spent), createdAt: r.createdAt.toISOString() })),
      nextCursor: rows.length > CUSTOMER_PAGE_SIZE && last ? encodeCursor(last.sortValue, last.id) : undefined,
    };
  });
}

export async function getCustomer(shopId: string, customerId: string) {
  if (!isUuid(customerId)) return undefined;
  return withShop(shopId, async (tx) => {
    const [found] = await tx
      .select({ customer: c, ...customerFigures })
      .from(c)
      .where(and(eq(c.shopId, shopId), eq(c.id, customerId)));
    if (!found) return undefined;
    const customer = found.customer;
    const orders = await tx
      .select({
        id: schema.orders.id,
        number: schema.orders.number,
        status: schema.orders.status,
        paymentStatus: schema.orders.paymentStatus,
        totalMinor: schema.orders.totalMinor,
        refundedMinor: schema.orders.refundedMinor,
        currency: schema.orders.currency,
        createdAt: schema.orders.createdAt,
      })
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.customerId, customerId)))
      .orderBy(desc(schema.orders.createdAt))
      .limit(200);
    const addresses = await tx
      .select()
      .from(schema.customerAddresses)
      .where(and(eq(schema.customerAddresses.shopId, shopId), eq(schema.customerAddresses.customerId, customerId)))
      .orderBy(desc(schema.customerAddresses.isDefault), asc(schema.customerAddresses.createdAt));
    const same: SQL[] = [];
    if (customer.email) same.push(eq(c.email, customer.email));
    if (customer.phone) same.push(eq(c.phone, customer.phone));
    const duplicates = same.length
      ? await tx
          .select({ id: c.id, name: c.name, email: c.email, phone: c.phone, createdAt: c.createdAt })
          .from(c)
          .where(and(eq(c.shopId, shopId), ne(c.id, customerId), isNull(c.mergedIntoId), or(...same)))
          .orderBy(asc(c.createdAt))
          .limit(20)
      : [];
    const [shop] = await tx.select({ currency: schema.shops.currency }).from(schema.shops).where(eq(schema.shops.id, shopId));
    return {
      customer: {
        ...customer,
        passwordHash: undefined,
        hasAccount: customer.passwordHash !== null,
        createdAt: customer.createdAt.toISOString(),
        updatedAt: customer.updatedAt.toISOString(),
        marketingConsentAt: customer.marketingConsentAt?.toISOString() ?? null,
      },
      orders: orders.map((o) => ({ ...o, createdAt: o.createdAt.toISOString() })),
      addresses: addresses.map((a) => ({ id: a.id, address: a.address, isDefault: a.isDefault })),
      duplicates: duplicates.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })),
      // Over all the customer's orders, as the list counts them (the table shows the latest 200).
      orderCount: found.orders,
      spent: Number(found.spent),
      currency: shop?.currency ?? "MYR",
    };
  });
}

const NoteSchema = z.object({ note: z.string().trim().max(2000, "tooLong") });

export async function saveCustomerNote(
  shopId: string,
  customerId: string,
  actor: Actor,
  form: Record<string, unknown>,
): Promise<{ ok: true } | Refusal | undefined> {
  if (!isUuid(customerId)) return undefined;
  const parsed = NoteSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: codedFieldErrors(parsed.error, "orders:problems.") };
  return withShop(shopId, async (tx) => {
    const updated = await tx
      .update(c)
      .set({ note: parsed.data.note, updatedAt: new Date() })
      .where(and(eq(c.shopId, shopId), eq(c.id, customerId)))
      .returning({ id: c.id });
    if (updated.length === 0) return undefined;
    await audit(tx, {
      shopId,
      actorUserId: actor.userId,
      action: "customer.note_changed",
      targetType: "customer",
      targetId: customerId,
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
    return { ok: true as const };
  });
}

/**
 * Merges `duplicateId` into `survivorId`: the duplicate's orders and addresses move to the
 * survivor, its missing contact details and marketing consent carry over, its note is appended,
 * and it is left pointing at the survivor (merged_into_id). Only customers sharing an email or a
 * phone number are merged. Undefined when either is not this shop's.
 */
export async function mergeCustomers(
  shopId: string,
  survivorId: string,
  duplicateId: string,
  actor: Actor,
): Promise<{ ok: true; movedOrders: number } | Refusal | undefined> {
  if (!isUuid(survivorId) || !isUuid(duplicateId)) return undefined;
  if (survivorId === duplicateId) return refuse("mergeSelf");
  return withShop(shopId, async (tx) => {
    // Lock both in id order so two merges of the same pair cannot deadlock.
    const rows = await tx
      .select()
      .from(c)
      .where(and(eq(c.shopId, shopId), or(eq(c.id, survivorId), eq(c.id, duplicateId))))
      .orderBy(asc(c.id))
      .for("update");
    const survivor = rows.find((r) => r.id === survivorId);
    const duplicate = rows.find((r) => r.id === duplicateId);
    if (!survivor || !duplicate) return undefined;
    if (survivor.mergedIntoId || duplicate.mergedIntoId) return refuse("mergedAlready");
    const shares = (survivor.email && survivor.email === duplicate.email) || (survivor.phone && survivor.phone === duplicate.phone);
    if (!shares) return refuse("mergeUnrelated");
    if (survivor.passwordHash && duplicate.passwordHash) return refuse("mergeAccounts");

    const moved = await tx
      .update(schema.orders)
      .set({ customerId: survivorId })
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.customerId, duplicateId)))
      .returning({ id: schema.orders.id });
    await tx
      .update(schema.customerAddresses)
      .set({ customerId: survivorId, isDefault: false })
      .where(and(eq(schema.customerAddresses.shopId, shopId), eq(schema.customerAddresses.customerId, duplicateId)));
    await tx
      .update(c)
      .set({ mergedIntoId: survivorId, passwordHash: null, updatedAt: new Date() })
      .where(and(eq(c.shopId, shopId), eq(c.id, duplicateId)));
    await tx
      .update(c)
      .set({
        email: survivor.email ?? duplicate.email,
        phone: survivor.phone ?? duplicate.phone,
        name: survivor.name || duplicate.name,
        passwordHash: survivor.passwordHash ?? duplicate.passwordHash,
        marketingConsent: survivor.marketingConsent || duplicate.marketingConsent,
        marketingConsentAt: survivor.marketingConsent ? survivor.marketingConsentAt : duplicate.marketingConsentAt,
        note: [survivor.note, duplicate.note].filter(Boolean).join("\n\n"),
        updatedAt: new Date(),
      })
      .where(and(eq(c.shopId, shopId), eq(c.id, survivorId)));
    await audit(tx, {
      shopId,
      actorUserId: actor.userId,
      action: "customer.merged",
      targetType: "customer",
      targetId: survivorId,
      before: { duplicateId, duplicate: { name: duplicate.name, email: duplicate.email, phone: duplicate.phone } },
      after: { movedOrders: moved.length },
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
    return { ok: true as const, movedOrders: moved.length };
  });
}
