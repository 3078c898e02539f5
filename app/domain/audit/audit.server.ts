import { desc, eq } from "drizzle-orm";
import { schema, withShop, type Tx } from "~db/client";

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

/** The shop's most recent audited actions, newest first. */
export async function recentActivity(shopId: string, limit = 10) {
  return withShop(shopId, (tx) =>
    tx
      .select({
        id: schema.auditLog.id,
        action: schema.auditLog.action,
        createdAt: schema.auditLog.createdAt,
        actorName: schema.users.name,
      })
      .from(schema.auditLog)
      .leftJoin(schema.users, eq(schema.users.id, schema.auditLog.actorUserId))
      .orderBy(desc(schema.auditLog.createdAt))
      .limit(limit),
  );
}
