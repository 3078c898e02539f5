import { and, desc, eq, like, or, type SQL, sql } from "drizzle-orm";

import { asPlatform, schema, type Tx } from "~db/client";

export interface RequestInfo {
  ip?: string;
  userAgent?: string;
}

/** Records a sensitive action in the audit log, inside the transaction that performs it. */
export async function audit(
  tx: Tx,
  entry: {
    shopId: string | null;
    actorUserId: string | null;
    action: string;
    targetType?: string;
    targetId?: string;
    before?: unknown;
    after?: unknown;
  } & RequestInfo,
): Promise<void> {
  await tx.insert(schema.auditLog).values({
    shopId: entry.shopId,
    actorUserId: entry.actorUserId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    ip: entry.ip,
    userAgent: entry.userAgent?.slice(0, 400),
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

/**
 * Filters of the audit log page. Actions are named `<area>.<what happened>` (account.login,
 * staff.frozen, payments.settings_changed, order.refunded, report.exported, product.deleted…);
 * a category is a set of name patterns, so actions added by later features fall into place.
 */
export const AUDIT_CATEGORIES = {
  logins: { label: "Logins", patterns: ["account.login%", "account.reauthenticated", "account.2fa_failed"] },
  "two-factor": { label: "Two-factor changes", patterns: ["account.2fa_%", "account.recovery_%", "account.trusted_devices_%"] },
  passwords: { label: "Passwords", patterns: ["account.password_%"] },
  staff: { label: "Staff", patterns: ["staff.%", "shop.ownership_%"] },
  settings: { label: "Shop settings", patterns: ["shop.%"] },
  payments: { label: "Payment settings", patterns: ["payments.%", "billing.%"] },
  refunds: { label: "Refunds", patterns: ["%refund%"] },
  exports: { label: "Exports", patterns: ["%export%"] },
  deletions: { label: "Deletions", patterns: ["%delete%", "%.removed"] },
} as const;
export type AuditCategory = keyof typeof AUDIT_CATEGORIES;

export interface AuditFilters {
  category?: AuditCategory;
  actorUserId?: string;
  /** Dates (YYYY-MM-DD) in the shop's time zone, inclusive. */
  from?: string;
  to?: string;
  page?: number;
}

export const AUDIT_PAGE_SIZE = 50;

/**
 * The shop's audit log, newest first: the shop's own entries and the account entries (logins,
 * 2FA and password changes) of its current members. Platform-level because account entries
 * belong to no shop; the member filter keeps other people's entries out.
 */
export async function listAuditLog(shopId: string, timezone: string, filters: AuditFilters) {
  const a = schema.auditLog;
  const conditions: SQL[] = [
    sql`(${a.shopId} = ${shopId} or (${a.shopId} is null and ${a.actorUserId} in (select user_id from shop_memberships where shop_id = ${shopId})))`,
  ];
  if (filters.category) {
    conditions.push(or(...AUDIT_CATEGORIES[filters.category].patterns.map((p) => like(a.action, p)))!);
  }
  if (filters.actorUserId) conditions.push(eq(a.actorUserId, filters.actorUserId));
  if (filters.from) conditions.push(sql`(${a.createdAt} at time zone ${timezone})::date >= ${filters.from}::date`);
  if (filters.to) conditions.push(sql`(${a.createdAt} at time zone ${timezone})::date <= ${filters.to}::date`);
  const page = Math.max(1, filters.page ?? 1);
  const rows = await asPlatform((tx) =>
    tx
      .select({
        id: a.id,
        action: a.action,
        createdAt: a.createdAt,
        actorName: schema.users.name,
        actorEmail: schema.users.email,
        targetType: a.targetType,
        targetId: a.targetId,
        ip: a.ip,
        userAgent: a.userAgent,
        before: a.before,
        after: a.after,
      })
      .from(a)
      .leftJoin(schema.users, eq(schema.users.id, a.actorUserId))
      .where(and(...conditions))
      .orderBy(desc(a.createdAt), desc(a.id))
      .limit(AUDIT_PAGE_SIZE + 1)
      .offset((page - 1) * AUDIT_PAGE_SIZE),
  );
  return { entries: rows.slice(0, AUDIT_PAGE_SIZE), hasMore: rows.length > AUDIT_PAGE_SIZE, page };
}

/** Records an entry in a transaction of its own (for actions whose change already committed). */
export async function asPlatformAudit(entry: Parameters<typeof audit>[1]): Promise<void> {
  await asPlatform((tx) => audit(tx, entry));
}
