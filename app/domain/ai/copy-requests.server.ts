/** Queueing AI copy for a product: the job row and its outbox entry in one transaction, credits held. */
import { eq } from "drizzle-orm";
import { z } from "zod";

import { audit } from "~/domain/audit/audit.server";
import { type LimitRefusal, limitRefusal } from "~/domain/billing/limit-refusals.server";
import { PlanLimitReached } from "~/domain/billing/plans.server";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { type CodedErrors, codedFieldErrors, listField } from "~/lib/forms";
import { isUuid } from "~/lib/ids";
import { schema, withShop } from "~db/client";

import { COPY_LANGUAGE_CODES, COPY_TONE_CODES, creditsForCopy } from "./copy-rules";
import { type Actor, type AiSettings, readSettings } from "./copy-settings.server";
import { assertAiCredits } from "./credits.server";

export const CopyRequestSchema = z.object({
  tone: z.enum(COPY_TONE_CODES, { error: "toneChoice" }),
  languages: listField(z.array(z.enum(COPY_LANGUAGE_CODES)).min(1, { error: "languagesMin" })),
  notes: z.string().trim().max(4000, { error: "notesMax" }).optional().default(""),
});
export type CopyOptions = z.infer<typeof CopyRequestSchema>;

/** Reads the copy form (languages may come as repeated fields); refusals are coded (`ai:errors.`). */
export function parseCopyRequest(raw: Record<string, unknown>): { ok: true; options: CopyOptions } | { ok: false; errors: CodedErrors } {
  const parsed = CopyRequestSchema.safeParse(raw);
  return parsed.success ? { ok: true, options: parsed.data } : { ok: false, errors: codedFieldErrors(parsed.error, "ai:errors.") };
}

/** The ai_jobs row of one copy job, ready to insert. */
export function copyJobRow(
  shopId: string,
  productId: string,
  options: CopyOptions,
  settings: AiSettings,
  actor: Actor,
  batchId: string | null = null,
) {
  return {
    shopId,
    kind: "copy" as const,
    provider: settings.provider,
    model: settings.effectiveModel,
    productId,
    batchId,
    input: { tone: options.tone, languages: options.languages, notes: options.notes || undefined },
    credits: creditsForCopy(options.languages.length),
    createdBy: actor.userId,
  };
}

export type QueueResult = { ok: true; jobId: string } | { ok: false; errors: CodedErrors } | LimitRefusal;

/**
 * Queues copy for one product: the job row and its outbox entry in one transaction, with the
 * credits checked (and so held) under the shop's credit lock. Undefined: no such product.
 */
export async function requestCopy(
  shopId: string,
  productId: string,
  raw: Record<string, unknown>,
  actor: Actor,
): Promise<QueueResult | undefined> {
  if (!isUuid(productId)) return undefined;
  const parsed = parseCopyRequest(raw);
  if (!parsed.ok) return parsed;
  try {
    return await withShop(shopId, async (tx) => {
      const [product] = await tx.select({ id: schema.products.id }).from(schema.products).where(eq(schema.products.id, productId));
      if (!product) return undefined;
      const settings = await readSettings(tx, shopId);
      const row = copyJobRow(shopId, productId, parsed.options, settings, actor);
      await assertAiCredits(tx, shopId, "copy", row.credits);
      const [job] = await tx.insert(schema.aiJobs).values(row).returning({ id: schema.aiJobs.id });
      await enqueueAfterCommit(tx, { queue: "ai-copy", name: "generate", payload: { shopId, jobId: job.id }, shopId });
      await audit(tx, {
        shopId,
        actorUserId: actor.userId,
        action: "ai.copy_requested",
        targetType: "product",
        targetId: productId,
        after: row.input,
        ...actor,
      });
      return { ok: true as const, jobId: job.id };
    });
  } catch (error) {
    if (error instanceof PlanLimitReached) return limitRefusal(error);
    throw error;
  }
}
