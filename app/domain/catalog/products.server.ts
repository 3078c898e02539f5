/**
 * Products and their variants: validation of the editor's draft, create and update in one
 * transaction each (a product is saved with all its variants or not at all), bulk actions.
 *
 * Over ~400 lines because draft validation, create/update and the bulk actions share the draft
 * schema and the variant writing; bulk actions could move out next.
 */
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { planLimitCoded } from "~/domain/billing/limit-refusals.server";
import { assertProductAllowance, PlanLimitReached } from "~/domain/billing/plans.server";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { type Coded, coded, type CodedErrors } from "~/lib/forms";
import { isUuid } from "~/lib/ids";
import { pgConstraint, schema, type Tx, withShop } from "~db/client";

import {
  combinationKey,
  combinations,
  HANDLE_PATTERN,
  handleize,
  MAX_OPTION_VALUES,
  MAX_VARIANTS,
  minorToDecimal,
  type OptionInput,
  parseMoney,
  parseTags,
  PRODUCT_STATUSES,
  type ProductStatus,
  variantTitle,
} from "./catalog-rules";
import { renderDescription } from "./description.server";
import { adjustInventory, recomputeProductStock } from "./inventory.server";
import { type ProductDraft, syncVariants, usableOptions, type VariantDraft } from "./product-draft";

export type Product = typeof schema.products.$inferSelect;
export type Variant = typeof schema.variants.$inferSelect;

export interface VariantInput {
  id: string | null;
  values: string[];
  sku: string | null;
  barcode: string | null;
  priceMinor: number;
  compareAtPriceMinor: number | null;
  costMinor: number | null;
  weightGrams: number | null;
  trackInventory: boolean;
  allowBackorder: boolean;
  initialStock: number;
}

export interface ProductInput {
  title: string;
  /** null: derive from the title. */
  handle: string | null;
  descriptionMd: string;
  status: ProductStatus;
  brand: string | null;
  productType: string | null;
  tags: string[];
  seoTitle: string | null;
  seoDescription: string | null;
  categoryId: string | null;
  collectionIds: string[];
  options: OptionInput[];
  variants: VariantInput[];
}

export type Validated = { ok: true; input: ProductInput; draft: ProductDraft } | { ok: false; errors: CodedErrors; draft: ProductDraft };

/** A refusal of the product editor (and the CSV import), worded by the page: `catalog:fieldErrors.<key>`. */
export const problem = (key: string, values?: Record<string, string | number>): Coded => coded(`catalog:fieldErrors.${key}`, values);

const text = (s: string) => {
  const t = s.trim();
  return t === "" ? null : t;
};

/** The copy fields' limits, kept by the editor and by AI copy applied to a product (a field left out is not checked). */
function copyProblems(
  errors: CodedErrors,
  copy: Partial<Record<"title" | "descriptionMd" | "seoTitle" | "seoDescription", string | null>>,
) {
  const title = copy.title?.trim();
  if (copy.title !== undefined && !title) errors.title = problem("titleRequired");
  else if (title && title.length > 255) errors.title = problem("maxChars", { max: 255 });
  if (copy.descriptionMd && copy.descriptionMd.length > 50_000) errors.descriptionMd = problem("maxChars", { max: 50_000 });
  if (copy.seoTitle && copy.seoTitle.length > 70) errors.seoTitle = problem("seoTitleMax");
  if (copy.seoDescription && copy.seoDescription.length > 320) errors.seoDescription = problem("maxChars", { max: 320 });
}

/**
 * Checks a draft and turns it into input, or says what to fix next to each field.
 *
 * Variants are any subset of the options' combinations (a merchant may remove a combination
 * they do not sell). With `regenerate` (the options were changed), every combination gets a
 * variant, keeping what was set on the ones that already existed.
 */
export function validateDraft(raw: ProductDraft, currency: string, { regenerate }: { regenerate: boolean }): Validated {
  const errors: CodedErrors = {};
  const draft: ProductDraft = { ...raw, options: raw.options.slice(0, 3) };
  const title = draft.title.trim();
  copyProblems(errors, draft);
  const handle = draft.handle.trim().toLowerCase();
  if (handle && !HANDLE_PATTERN.test(handle)) errors.handle = problem("handlePattern");
  if (!PRODUCT_STATUSES.includes(draft.status)) errors.status = problem("statusChoice");
  if (draft.brand.length > 120) errors.brand = problem("maxChars", { max: 120 });
  if (draft.productType.length > 120) errors.productType = problem("maxChars", { max: 120 });
  if (draft.categoryId && !isUuid(draft.categoryId)) errors.categoryId = problem("categoryChoice");
  if (draft.collectionIds.some((id) => !isUuid(id))) errors.collectionIds = problem("collectionsChoice");

  const names = new Set<string>();
  draft.options.forEach((option, i) => {
    const name = option.name.trim();
    const values = usableOptions([{ name: name || "x", values: option.values }])[0]?.values ?? [];
    if (!name && values.length) errors[`options.${i}.name`] = problem("optionName");
    if (name && values.length === 0) errors[`options.${i}.values`] = problem("optionValues");
    if (name.length > 60) errors[`options.${i}.name`] = problem("maxChars", { max: 60 });
    if (name && names.has(name.toLowerCase())) errors[`options.${i}.name`] = problem("optionNameTwice");
    names.add(name.toLowerCase());
    if (values.length > MAX_OPTION_VALUES) errors[`options.${i}.values`] = problem("optionValuesMax", { max: MAX_OPTION_VALUES });
    if (values.some((v) => v.length > 100)) errors[`options.${i}.values`] = problem("optionValueLength");
  });
  const options = usableOptions(draft.options);
  const count = combinations(options).length;
  if (count > MAX_VARIANTS) {
    errors[`options.${Math.max(0, options.length - 1)}.values`] = problem("tooManyVariants", { variants: count, max: MAX_VARIANTS });
  }
  if (count <= MAX_VARIANTS && (regenerate || draft.variants.length === 0)) draft.variants = syncVariants(draft);
  const valid = new Set(combinations(options).map(combinationKey));
  const seen = new Set<string>();
  draft.variants.forEach((v, i) => {
    const key = combinationKey(v.values);
    if (v.values.length !== options.length || !valid.has(key)) {
      errors[`variants.${i}.values`] ??= problem("notACombination", { variant: variantTitle(v.values) });
    } else if (seen.has(key)) {
      errors[`variants.${i}.values`] ??= problem("combinationTwice", { variant: variantTitle(v.values) });
    }
    seen.add(key);
  });

  const skus = new Map<string, number>();
  const variants: VariantInput[] = draft.variants.map((v: VariantDraft, i) => {
    const at = (field: string, message: Coded) => (errors[`variants.${i}.${field}`] ??= message);
    const price = parseMoney(v.price, currency);
    if (!v.price.trim()) at("price", problem("priceRequired"));
    else if (price === undefined) at("price", problem("priceFormat"));
    const compareAt = v.compareAt.trim() ? parseMoney(v.compareAt, currency) : null;
    if (compareAt === undefined) at("compareAt", problem("compareAtFormat"));
    else if (compareAt !== null && price !== undefined && compareAt <= price) at("compareAt", problem("compareAtLower"));
    const cost = v.cost.trim() ? parseMoney(v.cost, currency) : null;
    if (cost === undefined) at("cost", problem("costFormat"));
    const weight = v.weight.trim() ? Number(v.weight.trim()) : null;
    if (weight !== null && (!Number.isInteger(weight) || weight < 0 || weight > 1_000_000)) at("weight", problem("weight"));
    const initial = v.initialStock.trim() ? Number(v.initialStock.trim()) : 0;
    if (!Number.isInteger(initial) || initial < 0 || initial > 1_000_000) at("initialStock", problem("wholeNumber"));
    const sku = text(v.sku);
    if (sku && sku.length > 100) at("sku", problem("maxChars", { max: 100 }));
    if (sku) {
      const key = sku.toUpperCase();
      if (skus.has(key)) at("sku", problem("skuTwice"));
      skus.set(key, i);
    }
    const barcode = text(v.barcode);
    if (barcode && barcode.length > 64) at("barcode", problem("maxChars", { max: 64 }));
    return {
      id: isUuid(v.id) ? v.id : null,
      values: v.values,
      sku,
      barcode,
      priceMinor: price ?? 0,
      compareAtPriceMinor: compareAt ?? null,
      costMinor: cost ?? null,
      weightGrams: weight,
      trackInventory: v.track,
      allowBackorder: v.backorder,
      initialStock: Number.isInteger(initial) && initial > 0 ? initial : 0,
    };
  });

  if (Object.keys(errors).length) return { ok: false, errors, draft };
  return {
    ok: true,
    draft,
    input: {
      title,
      handle: handle || null,
      descriptionMd: draft.descriptionMd.replace(/\r\n/g, "\n"),
      status: draft.status,
      brand: text(draft.brand),
      productType: text(draft.productType),
      tags: parseTags(draft.tags),
      seoTitle: text(draft.seoTitle),
      seoDescription: text(draft.seoDescription),
      categoryId: draft.categoryId || null,
      collectionIds: [...new Set(draft.collectionIds)],
      options,
      variants,
    },
  };
}

/** Raised inside a save transaction to roll it back and show field errors. */
export class SaveRefused extends Error {
  constructor(public readonly errors: CodedErrors) {
    super("save refused");
  }
}

export interface Actor extends RequestInfo {
  userId: string | null;
}

export type SaveResult = { ok: true; productId: string; handle: string } | { ok: false; errors: CodedErrors };

/** Creates a product with its variants, stock and collections, all or nothing. */
export async function createProduct(shopId: string, input: ProductInput, actor: Actor): Promise<SaveResult> {
  return saving(() =>
    withShop(shopId, async (tx) => {
      await assertProductAllowance(tx, shopId, 1);
      const productId = await insertAuditedProduct(tx, shopId, input, actor);
      return { ok: true as const, productId, handle: await handleOf(tx, productId) };
    }),
  );
}

/** Inserts a product (see insertProduct) and audits its creation, inside the caller's transaction: the editor's and the supplier portal's new product. */
export async function insertAuditedProduct(tx: Tx, shopId: string, input: ProductInput, actor: Actor): Promise<string> {
  const { productId } = await insertProduct(tx, shopId, input, actor);
  await audit(tx, {
    shopId,
    actorUserId: actor.userId,
    action: "product.created",
    targetType: "product",
    targetId: productId,
    after: { title: input.title },
    ...actor,
  });
  return productId;
}

async function handleOf(tx: Tx, productId: string): Promise<string> {
  const [{ handle }] = await tx.select({ handle: schema.products.handle }).from(schema.products).where(eq(schema.products.id, productId));
  return handle;
}

/** The product row's columns that come straight from the input (the description rendered safe). */
function productColumns(input: ProductInput, handle: string) {
  return {
    title: input.title,
    handle,
    descriptionMd: input.descriptionMd,
    descriptionHtml: renderDescription(input.descriptionMd),
    status: input.status,
    brand: input.brand,
    productType: input.productType,
    tags: input.tags,
    seoTitle: input.seoTitle,
    seoDescription: input.seoDescription,
    categoryId: input.categoryId,
    options: input.options,
  };
}

/** Inserts one product inside the caller's transaction (the CSV import uses it too). */
export async function insertProduct(
  tx: Tx,
  shopId: string,
  input: ProductInput,
  actor: Actor,
  reason: "initial" | "import" = "initial",
): Promise<{ productId: string; variantIds: string[] }> {
  await checkReferences(tx, input);
  await checkSkusFree(tx, input.variants, null);
  const handle = await resolveHandle(tx, input, null);
  const [shop] = await tx.select({ currency: schema.shops.currency }).from(schema.shops).where(eq(schema.shops.id, shopId));
  const [product] = await tx
    .insert(schema.products)
    .values({
      shopId,
      ...productColumns(input, handle),
      publishedAt: input.status === "active" ? new Date() : null,
    })
    .returning({ id: schema.products.id });
  const variantIds = await insertVariants(tx, shopId, product.id, shop.currency, input.variants, 0, actor, reason);
  await recomputeProductStock(tx, product.id);
  await addToCollections(tx, shopId, [product.id], input.collectionIds);
  return { productId: product.id, variantIds };
}

/** Saves the editor's changes to an existing product, all or nothing. Undefined: no such product. */
export async function updateProduct(shopId: string, productId: string, input: ProductInput, actor: Actor): Promise<SaveResult | undefined> {
  if (!isUuid(productId)) return undefined;
  return saving(() =>
    withShop(shopId, async (tx) => {
      const [current] = await tx.select().from(schema.products).where(eq(schema.products.id, productId)).for("update");
      if (!current) return undefined;
      await replaceProduct(tx, shopId, current, input, actor);
      await audit(tx, {
        shopId,
        actorUserId: actor.userId,
        action: "product.updated",
        targetType: "product",
        targetId: productId,
        before: { title: current.title, status: current.status },
        after: { title: input.title, status: input.status },
        ...actor,
      });
      return { ok: true as const, productId, handle: await handleOf(tx, productId) };
    }),
  );
}

/**
 * Replaces a locked product's fields, options and variants with `input`: variants are matched
 * by id, then by option values; unmatched saved variants are deleted (with their stock), new
 * combinations are created.
 */
export async function replaceProduct(
  tx: Tx,
  shopId: string,
  current: Product,
  input: ProductInput,
  actor: Actor,
  reason: "initial" | "import" = "initial",
): Promise<{ variantIds: string[]; kept: boolean[] }> {
  await checkReferences(tx, input);
  await checkSkusFree(tx, input.variants, current.id);
  const handle = await resolveHandle(tx, input, current);
  await tx
    .update(schema.products)
    .set({
      ...productColumns(input, handle),
      publishedAt: input.status === "active" ? (current.publishedAt ?? new Date()) : current.publishedAt,
      updatedAt: new Date(),
    })
    .where(eq(schema.products.id, current.id));

  const saved = await tx.select().from(schema.variants).where(eq(schema.variants.productId, current.id));
  const byId = new Map(saved.map((v) => [v.id, v]));
  const byKey = new Map(saved.map((v) => [combinationKey([v.option1, v.option2, v.option3]), v]));
  const matched = new Map<VariantInput, Variant>();
  for (const v of input.variants) {
    const hit = (v.id && byId.get(v.id)) || byKey.get(combinationKey(v.values));
    if (hit && ![...matched.values()].includes(hit)) matched.set(v, hit);
  }
  const keep = new Set([...matched.values()].map((v) => v.id));
  const gone = saved.filter((v) => !keep.has(v.id)).map((v) => v.id);
  if (gone.length) await tx.delete(schema.variants).where(inArray(schema.variants.id, gone));
  // Clear changed SKUs first so two variants can swap theirs within one save.
  const skuChanged = [...matched.entries()].filter(([v, s]) => v.sku !== s.sku).map(([, s]) => s.id);
  if (skuChanged.length) await tx.update(schema.variants).set({ sku: null }).where(inArray(schema.variants.id, skuChanged));
  for (const [position, v] of input.variants.entries()) {
    const s = matched.get(v);
    if (!s) continue;
    await tx
      .update(schema.variants)
      .set({ position, ...variantColumns(v), updatedAt: new Date() })
      .where(eq(schema.variants.id, s.id));
  }
  const fresh = input.variants.map((v, position) => ({ v, position })).filter(({ v }) => !matched.has(v));
  const [shop] = await tx.select({ currency: schema.shops.currency }).from(schema.shops).where(eq(schema.shops.id, shopId));
  const freshIds = new Map<VariantInput, string>();
  for (const { v, position } of fresh) {
    const [id] = await insertVariants(tx, shopId, current.id, shop.currency, [v], position, actor, reason);
    freshIds.set(v, id);
  }
  await recomputeProductStock(tx, current.id);
  await syncCollections(tx, shopId, current.id, input.collectionIds);
  return {
    variantIds: input.variants.map((v) => matched.get(v)?.id ?? freshIds.get(v)!),
    kept: input.variants.map((v) => matched.has(v)),
  };
}

/** The variant row's columns that come straight from the input. */
function variantColumns(v: VariantInput) {
  return {
    title: variantTitle(v.values),
    option1: v.values[0] ?? null,
    option2: v.values[1] ?? null,
    option3: v.values[2] ?? null,
    sku: v.sku,
    barcode: v.barcode,
    priceMinor: v.priceMinor,
    compareAtPriceMinor: v.compareAtPriceMinor,
    costMinor: v.costMinor,
    weightGrams: v.weightGrams,
    trackInventory: v.trackInventory,
    allowBackorder: v.allowBackorder,
  };
}

async function insertVariants(
  tx: Tx,
  shopId: string,
  productId: string,
  currency: string,
  variants: VariantInput[],
  firstPosition: number,
  actor: Actor,
  reason: "initial" | "import",
): Promise<string[]> {
  if (variants.length === 0) return [];
  const rows = await tx
    .insert(schema.variants)
    .values(variants.map((v, i) => ({ shopId, productId, position: firstPosition + i, currency, ...variantColumns(v) })))
    .returning({ id: schema.variants.id });
  await tx.insert(schema.inventoryLevels).values(rows.map((r) => ({ shopId, variantId: r.id })));
  for (const [i, row] of rows.entries()) {
    const v = variants[i];
    if (v.initialStock > 0 && v.trackInventory) {
      await adjustInventory(tx, shopId, { variantId: row.id, delta: v.initialStock, reason, actorUserId: actor.userId });
    }
  }
  return rows.map((r) => r.id);
}

async function checkReferences(tx: Tx, input: ProductInput) {
  const errors: CodedErrors = {};
  if (input.categoryId) {
    const [found] = await tx.select({ id: schema.categories.id }).from(schema.categories).where(eq(schema.categories.id, input.categoryId));
    if (!found) errors.categoryId = problem("categoryChoice");
  }
  if (input.collectionIds.length) {
    const found = await tx
      .select({ id: schema.collections.id })
      .from(schema.collections)
      .where(inArray(schema.collections.id, input.collectionIds));
    if (found.length !== input.collectionIds.length) errors.collectionIds = problem("collectionsChoice");
  }
  if (Object.keys(errors).length) throw new SaveRefused(errors);
}

async function checkSkusFree(tx: Tx, variants: VariantInput[], productId: string | null) {
  const skus = variants.map((v) => v.sku).filter((s): s is string => !!s);
  if (!skus.length) return;
  const taken = await tx
    .select({ sku: schema.variants.sku, title: schema.products.title })
    .from(schema.variants)
    .innerJoin(schema.products, and(eq(schema.products.shopId, schema.variants.shopId), eq(schema.products.id, schema.variants.productId)))
    .where(and(inArray(schema.variants.sku, skus), productId ? ne(schema.variants.productId, productId) : undefined));
  if (!taken.length) return;
  const errors: CodedErrors = {};
  variants.forEach((v, i) => {
    const hit = taken.find((t) => t.sku === v.sku);
    if (hit) errors[`variants.${i}.sku`] = problem("skuTaken", { sku: v.sku ?? "", title: hit.title });
  });
  throw new SaveRefused(errors);
}

async function resolveHandle(tx: Tx, input: ProductInput, current: Product | null): Promise<string> {
  if (input.handle) {
    const [taken] = await tx
      .select({ id: schema.products.id })
      .from(schema.products)
      .where(and(eq(schema.products.handle, input.handle), current ? ne(schema.products.id, current.id) : undefined));
    if (taken) throw new SaveRefused({ handle: problem("handleTaken") });
    return input.handle;
  }
  if (current) return current.handle;
  return freeHandle(tx, handleize(input.title) || "product");
}

/** `base`, or `base-2`, `base-3`… whichever is free in this shop. */
export async function freeHandle(tx: Tx, base: string, table: "products" | "collections" = "products"): Promise<string> {
  const t = table === "products" ? schema.products : schema.collections;
  const rows = await tx
    .select({ handle: t.handle })
    .from(t)
    .where(sql`${t.handle} = ${base} or ${t.handle} ~ ${`^${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-[0-9]+$`}`);
  const used = new Set(rows.map((r) => r.handle));
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Runs a save, turning refusals (validation inside the transaction, plan limits, races on unique keys) into field errors. */
async function saving<T>(run: () => Promise<T>): Promise<T | { ok: false; errors: CodedErrors }> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SaveRefused) return { ok: false, errors: error.errors };
    if (error instanceof PlanLimitReached && error.limit.limit !== "credits")
      return { ok: false, errors: { form: planLimitCoded(error.limit) } };
    const constraint = pgConstraint(error);
    if (constraint === "products_handle_key") return { ok: false, errors: { handle: problem("handleTaken") } };
    if (constraint === "variants_sku_key") return { ok: false, errors: { form: problem("skuRace") } };
    throw error;
  }
}

async function addToCollections(tx: Tx, shopId: string, productIds: string[], collectionIds: string[]) {
  for (const collectionId of collectionIds) {
    // One insert per product keeps positions in order; products already there keep theirs.
    let [{ next }] = await tx
      .select({ next: sql<number>`coalesce(max(${schema.collectionProducts.position}), -1)::int + 1` })
      .from(schema.collectionProducts)
      .where(eq(schema.collectionProducts.collectionId, collectionId));
    for (const productId of productIds) {
      const inserted = await tx
        .insert(schema.collectionProducts)
        .values({ shopId, collectionId, productId, position: next })
        .onConflictDoNothing()
        .returning({ position: schema.collectionProducts.position });
      if (inserted.length) next++;
    }
  }
}

async function syncCollections(tx: Tx, shopId: string, productId: string, collectionIds: string[]) {
  await tx
    .delete(schema.collectionProducts)
    .where(
      and(
        eq(schema.collectionProducts.productId, productId),
        collectionIds.length ? sql`${schema.collectionProducts.collectionId} not in ${collectionIds}` : undefined,
      ),
    );
  await addToCollections(tx, shopId, [productId], collectionIds);
}

// --- Reading ---------------------------------------------------------------------------------

/** A product with everything its editor shows, or undefined. */
export async function getProduct(shopId: string, productId: string) {
  if (!isUuid(productId)) return undefined;
  return withShop(shopId, async (tx) => {
    const [product] = await tx.select().from(schema.products).where(eq(schema.products.id, productId));
    if (!product) return undefined;
    const variants = await tx
      .select({ variant: schema.variants, onHand: schema.inventoryLevels.onHand, reserved: schema.inventoryLevels.reserved })
      .from(schema.variants)
      .leftJoin(
        schema.inventoryLevels,
        and(eq(schema.inventoryLevels.shopId, schema.variants.shopId), eq(schema.inventoryLevels.variantId, schema.variants.id)),
      )
      .where(eq(schema.variants.productId, productId))
      .orderBy(asc(schema.variants.position));
    const collections = await tx
      .select({ collectionId: schema.collectionProducts.collectionId })
      .from(schema.collectionProducts)
      .where(eq(schema.collectionProducts.productId, productId));
    return {
      product,
      variants: variants.map((v) => ({ ...v.variant, onHand: v.onHand ?? 0, reserved: v.reserved ?? 0 })),
      collectionIds: collections.map((c) => c.collectionId),
    };
  });
}

// --- Bulk actions ----------------------------------------------------------------------------

export const BULK_ACTIONS = ["publish", "archive", "draft", "delete", "add-to-collection"] as const;

/** Changes the status of the given products; returns how many changed. */
export async function setProductStatus(shopId: string, ids: string[], status: ProductStatus, actor: Actor): Promise<number> {
  const valid = ids.filter(isUuid);
  if (!valid.length) return 0;
  return withShop(shopId, async (tx) => {
    const changed = await tx
      .update(schema.products)
      .set({
        status,
        updatedAt: new Date(),
        publishedAt: status === "active" ? sql`coalesce(${schema.products.publishedAt}, now())` : undefined,
      })
      .where(and(inArray(schema.products.id, valid), ne(schema.products.status, status)))
      .returning({ id: schema.products.id });
    if (changed.length) {
      await audit(tx, {
        shopId,
        actorUserId: actor.userId,
        action: `product.bulk_${status}`,
        targetType: "product",
        after: { ids: changed.map((c) => c.id) },
        ...actor,
      });
    }
    return changed.length;
  });
}

/** Deletes products with their variants, stock and media; the media objects are purged after commit. */
export async function deleteProducts(shopId: string, ids: string[], actor: Actor): Promise<number> {
  const valid = ids.filter(isUuid);
  if (!valid.length) return 0;
  return withShop(shopId, async (tx) => {
    const mediaRows = await tx.select({ id: schema.media.id }).from(schema.media).where(inArray(schema.media.productId, valid));
    const deleted = await tx
      .delete(schema.products)
      .where(inArray(schema.products.id, valid))
      .returning({ id: schema.products.id, title: schema.products.title });
    if (mediaRows.length) {
      await enqueueAfterCommit(tx, {
        queue: "media",
        name: "purge-objects",
        payload: { shopId, mediaIds: mediaRows.map((m) => m.id) },
        shopId,
      });
    }
    if (deleted.length) {
      await audit(tx, {
        shopId,
        actorUserId: actor.userId,
        action: "product.deleted",
        targetType: "product",
        before: { products: deleted },
        ...actor,
      });
    }
    return deleted.length;
  });
}

/** Adds products to the end of a manual collection; returns how many were added (undefined: no such collection). */
export async function addProductsToCollection(shopId: string, ids: string[], collectionId: string): Promise<number | undefined> {
  if (!isUuid(collectionId)) return undefined;
  const valid = ids.filter(isUuid);
  return withShop(shopId, async (tx) => {
    const [collection] = await tx
      .select({ id: schema.collections.id })
      .from(schema.collections)
      .where(eq(schema.collections.id, collectionId));
    if (!collection) return undefined;
    if (!valid.length) return 0;
    const existing = await tx.select({ id: schema.products.id }).from(schema.products).where(inArray(schema.products.id, valid));
    const before = await countIn(tx, collectionId);
    await addToCollections(
      tx,
      shopId,
      existing.map((p) => p.id),
      [collectionId],
    );
    return (await countIn(tx, collectionId)) - before;
  });
}

async function countIn(tx: Tx, collectionId: string) {
  const [{ n }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(schema.collectionProducts)
    .where(eq(schema.collectionProducts.collectionId, collectionId));
  return n;
}

/** The editor's draft of a saved product. */
export function draftFromProduct(saved: NonNullable<Awaited<ReturnType<typeof getProduct>>>): ProductDraft {
  const { product: p, variants } = saved;
  const money = (minor: number | null, currency: string) => (minor === null ? "" : minorToDecimal(minor, currency));
  return {
    title: p.title,
    handle: p.handle,
    descriptionMd: p.descriptionMd,
    status: p.status,
    brand: p.brand ?? "",
    productType: p.productType ?? "",
    tags: p.tags.join(", "),
    seoTitle: p.seoTitle ?? "",
    seoDescription: p.seoDescription ?? "",
    categoryId: p.categoryId ?? "",
    collectionIds: saved.collectionIds,
    options: p.options.map((o) => ({ name: o.name, values: o.values.join(", ") })),
    variants: variants.map((v) => ({
      id: v.id,
      values: [v.option1, v.option2, v.option3].filter((x): x is string => x !== null),
      sku: v.sku ?? "",
      barcode: v.barcode ?? "",
      price: money(v.priceMinor, v.currency),
      compareAt: money(v.compareAtPriceMinor, v.currency),
      cost: money(v.costMinor, v.currency),
      weight: v.weightGrams === null ? "" : String(v.weightGrams),
      track: v.trackInventory,
      backorder: v.allowBackorder,
      initialStock: "",
      onHand: v.onHand,
    })),
  };
}

// --- Copy fields (AI copy review applies through here) --------------------------------------

/** The product's words: what AI copy may propose and a merchant may apply field by field. */
export interface ProductCopyFields {
  title: string;
  descriptionMd: string;
  seoTitle: string | null;
  seoDescription: string | null;
  tags: string[];
}

/**
 * Changes some of a locked product's copy fields inside the caller's transaction, with the
 * editor's limits, rendering the Markdown description to sanitised HTML as every save does.
 * Returns coded field errors, or null when saved.
 */
export async function updateProductCopy(tx: Tx, productId: string, change: Partial<ProductCopyFields>): Promise<CodedErrors | null> {
  const errors: CodedErrors = {};
  const title = change.title?.trim();
  copyProblems(errors, change);
  const tags = change.tags === undefined ? undefined : parseTags(change.tags.join(","));
  if (Object.keys(errors).length) return errors;
  await tx
    .update(schema.products)
    .set({
      ...(title !== undefined ? { title } : {}),
      ...(change.descriptionMd !== undefined
        ? { descriptionMd: change.descriptionMd, descriptionHtml: renderDescription(change.descriptionMd) }
        : {}),
      ...(change.seoTitle !== undefined ? { seoTitle: change.seoTitle?.trim() || null } : {}),
      ...(change.seoDescription !== undefined ? { seoDescription: change.seoDescription?.trim() || null } : {}),
      ...(tags !== undefined ? { tags } : {}),
      updatedAt: new Date(),
    })
    .where(eq(schema.products.id, productId));
  return null;
}
