/**
 * Counts what a shop's committed side effects actually delivered, at the provider sandbox: every
 * WhatsApp message and email we recorded (found by our message id, the reference both carry to
 * the provider) and every AutoCount document a paid order's sync books (by document number: the
 * invoice, its receipt and their knock-off). Each must arrive exactly once: none lost, none twice.
 * Used by the Redis-loss test and by `npm run bench:faults`.
 */
import { and, eq, isNotNull } from "drizzle-orm";

import { documentNumbers } from "~/domain/accounting/sync.server";
import { asPlatform, schema } from "~db/client";

export type DeliveryKind = "whatsapp" | "email" | "autocount";
export interface DeliveryCount {
  expected: number;
  lost: number;
  duplicated: number;
}
export type DeliveryAudit = Record<DeliveryKind, DeliveryCount>;

/** What the shop's records say went out: message ids per channel, and AutoCount document numbers. */
export async function committedDeliveries(shopId: string, options: { autocount: boolean }): Promise<Record<DeliveryKind, string[]>> {
  return asPlatform(async (tx) => {
    const messages = await tx
      .select({ id: schema.messages.id, channel: schema.messages.channel })
      .from(schema.messages)
      .where(eq(schema.messages.shopId, shopId));
    const paid = options.autocount
      ? await tx
          .select({ invoiceNumber: schema.orders.invoiceNumber, totalMinor: schema.orders.totalMinor })
          .from(schema.orders)
          .where(and(eq(schema.orders.shopId, shopId), isNotNull(schema.orders.invoiceNumber)))
      : [];
    return {
      whatsapp: messages.filter((m) => m.channel === "whatsapp").map((m) => m.id),
      email: messages.filter((m) => m.channel === "email").map((m) => m.id),
      // A zero total books the invoice alone (nothing to receive).
      autocount: paid.flatMap((o) => {
        const numbers = documentNumbers(o.invoiceNumber!);
        return o.totalMinor === 0 ? [numbers.invoice] : [numbers.invoice, numbers.receipt, numbers.knockOff];
      }),
    };
  });
}

async function sandboxJson<T>(sandboxUrl: string, path: string): Promise<T> {
  const res = await fetch(`${sandboxUrl}${path}`);
  if (!res.ok) throw new Error(`sandbox ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

function count(expected: string[], delivered: Array<string | undefined>): DeliveryCount {
  const times = new Map<string, number>();
  for (const key of delivered) if (key) times.set(key, (times.get(key) ?? 0) + 1);
  return {
    expected: expected.length,
    lost: expected.filter((key) => !times.has(key)).length,
    duplicated: expected.filter((key) => (times.get(key) ?? 0) > 1).length,
  };
}

/** Counts, per kind, the expected deliveries the sandbox never received and those it received twice or more. */
export async function auditDeliveries(sandboxUrl: string, expected: Record<DeliveryKind, string[]>): Promise<DeliveryAudit> {
  const [whatsapp, email, autocount] = await Promise.all([
    sandboxJson<{ messages: Array<{ reference?: string }> }>(sandboxUrl, "/wassenger/inbox.json"),
    sandboxJson<{ messages: Array<{ reference?: string }> }>(sandboxUrl, "/mail/inbox.json"),
    sandboxJson<{ documents: Array<{ docNo: string }> }>(sandboxUrl, "/autocount/_control"),
  ]);
  return {
    whatsapp: count(
      expected.whatsapp,
      whatsapp.messages.map((m) => m.reference),
    ),
    email: count(
      expected.email,
      email.messages.map((m) => m.reference),
    ),
    autocount: count(
      expected.autocount,
      autocount.documents.map((d) => d.docNo),
    ),
  };
}

/** The audit as one line: `whatsapp=<expected>/<lost>/<duplicated> …`. */
export function formatAudit(audit: DeliveryAudit): string {
  return (Object.entries(audit) as Array<[DeliveryKind, DeliveryCount]>)
    .map(([kind, c]) => `${kind}_expected=${c.expected} ${kind}_lost=${c.lost} ${kind}_duplicated=${c.duplicated}`)
    .join(" ");
}
