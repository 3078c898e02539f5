/**
 * AI credit top-up packs: one-off purchases, used after the month's plan credits, never expiring
 * while the shop is open. Buying one issues a `credits` invoice; paying it adds the credits
 * (settle.server.ts). An operator may also grant credits (operators.server.ts).
 */
import { randomUUID } from "node:crypto";

import { z } from "zod";

import type { Locale } from "~/lib/i18n";
import { withShop } from "~db/client";

import { invoiceLine } from "./invoice-lines.server";
import { issueInvoice } from "./invoices.server";
import { parseErrors } from "./refusals.server";

export const CREDIT_PACKS = [
  { id: "copy-500", name: "500 AI copy credits", kind: "copy", credits: 500, priceMinor: 2_900 },
  { id: "tryon-100", name: "100 AI try-on credits", kind: "tryon", credits: 100, priceMinor: 4_900 },
  { id: "video-20", name: "20 AI video credits", kind: "video", credits: 20, priceMinor: 5_900 },
] as const;

/** A fresh token per rendering of the buy form: a double submission issues one invoice. */
export const newPackToken = () => randomUUID();

const BuySchema = z.object({
  // Keys of the billing namespace's errors (refusals.server.ts).
  packId: z.enum(CREDIT_PACKS.map((p) => p.id) as [string, ...string[]], { error: "choosePack" }),
  token: z.string().uuid({ error: "reload" }),
});

export async function buyCreditPack(
  shopId: string,
  form: Record<string, unknown>,
  locale?: Locale,
  now: Date = new Date(),
): Promise<{ ok: true; invoiceId: string } | { ok: false; errors: { form: string } }> {
  const parsed = BuySchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: { form: Object.values(parseErrors(locale, parsed.error))[0] } };
  const pack = CREDIT_PACKS.find((p) => p.id === parsed.data.packId)!;
  const { invoice } = await withShop(shopId, (tx) =>
    issueInvoice(tx, shopId, {
      kind: "credits",
      idempotencyKey: `credits:${pack.id}:${parsed.data.token}`,
      lines: [
        invoiceLine({ kind: "pack", packId: pack.id, creditKind: pack.kind, credits: pack.credits }, pack.priceMinor, {
          credits: { kind: pack.kind, credits: pack.credits },
        }),
      ],
      dueAt: now,
      now,
    }),
  );
  return { ok: true, invoiceId: invoice.id };
}
