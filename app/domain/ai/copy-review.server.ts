/**
 * Reviewing AI copy: the product's copy page, drafts applied to the product field by field, and
 * every earlier version of the product's copy kept and restorable.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";

import { audit } from "~/domain/audit/audit.server";
import { updateProductCopy } from "~/domain/catalog/products.server";
import type { ProductCopy } from "~/integrations/ai-copy.server";
import type { Coded, Refusal } from "~/lib/forms";
import { isUuid, uuidField } from "~/lib/ids";
import { schema, type Tx, withShop } from "~db/client";

import { aiProblem, changeFor, COPY_FIELDS, COPY_LANGUAGE_CODES, type CopyLanguageCode } from "./copy-rules";
import { type Actor, readSettings } from "./copy-settings.server";

export type DraftView = {
  id: string;
  jobId: string;
  tone: string;
  languages: CopyLanguageCode[];
  content: Partial<Record<CopyLanguageCode, ProductCopy>>;
  applied: Record<string, string>;
  createdAt: string;
  complete: boolean;
};

/** Everything the product's copy page shows. Undefined: no such product. */
export async function productCopyPage(shopId: string, productId: string) {
  if (!isUuid(productId)) return undefined;
  return withShop(shopId, async (tx) => {
    const [product] = await tx
      .select({
        id: schema.products.id,
        title: schema.products.title,
        handle: schema.products.handle,
        status: schema.products.status,
        descriptionMd: schema.products.descriptionMd,
        seoTitle: schema.products.seoTitle,
        seoDescription: schema.products.seoDescription,
        tags: schema.products.tags,
      })
      .from(schema.products)
      .where(eq(schema.products.id, productId));
    if (!product) return undefined;
    const jobs = await tx
      .select({
        job: schema.aiJobs,
        charged: sql<boolean>`exists (select 1 from ai_credit_usage u where u.shop_id = ai_jobs.shop_id and u.job_id = ai_jobs.id)`,
      })
      .from(schema.aiJobs)
      .where(and(eq(schema.aiJobs.productId, productId), eq(schema.aiJobs.kind, "copy")))
      .orderBy(desc(schema.aiJobs.createdAt))
      .limit(5);
    const drafts = await tx
      .select({ draft: schema.aiCopyDrafts, status: schema.aiJobs.status })
      .from(schema.aiCopyDrafts)
      .innerJoin(schema.aiJobs, and(eq(schema.aiJobs.shopId, schema.aiCopyDrafts.shopId), eq(schema.aiJobs.id, schema.aiCopyDrafts.jobId)))
      .where(and(eq(schema.aiCopyDrafts.productId, productId), eq(schema.aiJobs.status, "succeeded")))
      .orderBy(desc(schema.aiCopyDrafts.createdAt))
      .limit(5);
    const versions = await tx
      .select()
      .from(schema.aiCopyVersions)
      .where(eq(schema.aiCopyVersions.productId, productId))
      .orderBy(desc(schema.aiCopyVersions.createdAt))
      .limit(20);
    const settings = await readSettings(tx, shopId);
    return {
      product,
      settings,
      jobs: jobs.map((j) => ({ ...j.job, charged: j.charged })),
      drafts: drafts.map(({ draft: d, status }): DraftView => ({
        id: d.id,
        jobId: d.jobId,
        tone: d.tone,
        languages: d.languages as CopyLanguageCode[],
        content: d.content as DraftView["content"],
        applied: d.applied,
        createdAt: d.createdAt.toISOString(),
        complete: status === "succeeded",
      })),
      versions,
    };
  });
}

const ApplySchema = z.object({
  draftId: uuidField(),
  language: z.enum(COPY_LANGUAGE_CODES),
  field: z.enum(COPY_FIELDS),
});

/** Refusals are coded: the page words them (`ai:errors.`, or the editor's `catalog:fieldErrors.`). */
export type ApplyResult = { ok: true } | Refusal<{ form: Coded }>;

const refused = (form: Coded) => ({ ok: false as const, errors: { form } });

async function snapshot(tx: Tx, shopId: string, productId: string, reason: string, actor: Actor, draftId: string | null) {
  const [p] = await tx.select().from(schema.products).where(eq(schema.products.id, productId)).for("update");
  if (!p) return undefined;
  await tx.insert(schema.aiCopyVersions).values({
    shopId,
    productId,
    title: p.title,
    descriptionMd: p.descriptionMd,
    seoTitle: p.seoTitle,
    seoDescription: p.seoDescription,
    tags: p.tags,
    reason,
    draftId,
    createdBy: actor.userId,
  });
  return p;
}

/**
 * Applies one field of a draft, in one language, to the product (through the catalog, which
 * renders the description safe); the product's copy just before is kept as a version.
 * Undefined: no such product or draft.
 */
export async function applyDraftField(
  shopId: string,
  productId: string,
  raw: Record<string, unknown>,
  actor: Actor,
): Promise<ApplyResult | undefined> {
  if (!isUuid(productId)) return undefined;
  const parsed = ApplySchema.safeParse(raw);
  if (!parsed.success) return refused(aiProblem("chooseField"));
  const { draftId, language, field } = parsed.data;
  return withShop(shopId, async (tx) => {
    const [draft] = await tx
      .select({ draft: schema.aiCopyDrafts, status: schema.aiJobs.status })
      .from(schema.aiCopyDrafts)
      .innerJoin(schema.aiJobs, and(eq(schema.aiJobs.shopId, schema.aiCopyDrafts.shopId), eq(schema.aiJobs.id, schema.aiCopyDrafts.jobId)))
      .where(and(eq(schema.aiCopyDrafts.id, draftId), eq(schema.aiCopyDrafts.productId, productId)));
    if (!draft) return undefined;
    const copy = (draft.draft.content as DraftView["content"])[language];
    if (!copy || draft.status !== "succeeded") return refused(aiProblem("noCopyInLanguage"));
    const before = await snapshot(tx, shopId, productId, `apply ${language}.${field}`, actor, draftId);
    if (!before) return undefined;
    const errors = await updateProductCopy(tx, productId, changeFor(field, copy, before));
    if (errors) throw new ApplyRefused(Object.values(errors)[0]);
    await tx
      .update(schema.aiCopyDrafts)
      .set({
        applied: sql`${schema.aiCopyDrafts.applied} || ${JSON.stringify({ [`${language}.${field}`]: new Date().toISOString() })}::jsonb`,
        updatedAt: new Date(),
      })
      .where(eq(schema.aiCopyDrafts.id, draftId));
    await audit(tx, {
      shopId,
      actorUserId: actor.userId,
      action: "product.copy_applied",
      targetType: "product",
      targetId: productId,
      after: { draftId, language, field },
      ...actor,
    });
    return { ok: true as const };
  }).catch((error) => {
    if (error instanceof ApplyRefused) return refused(error.problem);
    throw error;
  });
}

/** Raised to roll the apply back when the product refuses the field. */
class ApplyRefused extends Error {
  constructor(public readonly problem: Coded) {
    super(problem.key);
  }
}

/** Puts an earlier version's copy back (keeping the current copy as a version in turn). */
export async function restoreVersion(shopId: string, productId: string, versionId: string, actor: Actor): Promise<ApplyResult | undefined> {
  if (!isUuid(productId) || !isUuid(versionId)) return undefined;
  return withShop(shopId, async (tx) => {
    const [version] = await tx
      .select()
      .from(schema.aiCopyVersions)
      .where(and(eq(schema.aiCopyVersions.id, versionId), eq(schema.aiCopyVersions.productId, productId)));
    if (!version) return undefined;
    const before = await snapshot(tx, shopId, productId, "restore", actor, null);
    if (!before) return undefined;
    const errors = await updateProductCopy(tx, productId, {
      title: version.title,
      descriptionMd: version.descriptionMd,
      seoTitle: version.seoTitle,
      seoDescription: version.seoDescription,
      tags: version.tags,
    });
    if (errors) return refused(Object.values(errors)[0]);
    await tx.update(schema.aiCopyVersions).set({ restoredAt: new Date() }).where(eq(schema.aiCopyVersions.id, versionId));
    await audit(tx, {
      shopId,
      actorUserId: actor.userId,
      action: "product.copy_restored",
      targetType: "product",
      targetId: productId,
      after: { versionId },
      ...actor,
    });
    return { ok: true as const };
  });
}
