/** Manual collections (the merchant picks products and their order) and categories. */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";

import { type CodedErrors, codedFieldErrors } from "~/lib/forms";
import { isUuid } from "~/lib/ids";
import { pgConstraint, schema, withShop } from "~db/client";

import { HANDLE_PATTERN, handleize } from "./catalog-rules";
import { freeHandle, problem } from "./products.server";

// Messages are keys of catalog:fieldErrors (coded: the page words them in its language).
const PREFIX = "catalog:fieldErrors.";

const CollectionSchema = z.object({
  title: z.string().trim().min(1, "collectionTitle").max(120, "maxChars"),
  handle: z
    .string()
    .trim()
    .toLowerCase()
    .refine((h) => h === "" || HANDLE_PATTERN.test(h), "handlePattern")
    .default(""),
  description: z.string().trim().max(5_000, "maxChars").default(""),
});

export async function listCollections(shopId: string) {
  return withShop(shopId, (tx) =>
    tx
      .select({
        id: schema.collections.id,
        title: schema.collections.title,
        handle: schema.collections.handle,
        products: sql<number>`(select count(*)::int from ${schema.collectionProducts} cp where cp.collection_id = ${schema.collections.id})`,
      })
      .from(schema.collections)
      .orderBy(asc(schema.collections.title)),
  );
}

export type CollectionResult = { ok: true; id: string } | { ok: false; errors: CodedErrors };

export async function saveCollection(
  shopId: string,
  id: string | null,
  form: Record<string, unknown>,
): Promise<CollectionResult | undefined> {
  const parsed = CollectionSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: codedFieldErrors(parsed.error, PREFIX) };
  if (id !== null && !isUuid(id)) return undefined;
  try {
    return await withShop(shopId, async (tx) => {
      const handle = parsed.data.handle || (await freeHandle(tx, handleize(parsed.data.title) || "collection", "collections"));
      if (id === null) {
        const [row] = await tx
          .insert(schema.collections)
          .values({ shopId, ...parsed.data, handle })
          .returning({ id: schema.collections.id });
        return { ok: true as const, id: row.id };
      }
      const [row] = await tx
        .update(schema.collections)
        .set({ ...parsed.data, handle, updatedAt: new Date() })
        .where(eq(schema.collections.id, id))
        .returning({ id: schema.collections.id });
      return row ? { ok: true as const, id: row.id } : undefined;
    });
  } catch (error) {
    if (pgConstraint(error) === "collections_handle_key") return { ok: false, errors: { handle: problem("collectionHandleTaken") } };
    throw error;
  }
}

/** A collection with its products in their order, or undefined. */
export async function getCollection(shopId: string, id: string) {
  if (!isUuid(id)) return undefined;
  return withShop(shopId, async (tx) => {
    const [collection] = await tx.select().from(schema.collections).where(eq(schema.collections.id, id));
    if (!collection) return undefined;
    const products = await tx
      .select({
        id: schema.products.id,
        title: schema.products.title,
        status: schema.products.status,
        position: schema.collectionProducts.position,
      })
      .from(schema.collectionProducts)
      .innerJoin(
        schema.products,
        and(eq(schema.products.shopId, schema.collectionProducts.shopId), eq(schema.products.id, schema.collectionProducts.productId)),
      )
      .where(eq(schema.collectionProducts.collectionId, id))
      .orderBy(asc(schema.collectionProducts.position));
    return { collection, products };
  });
}

/** Puts the collection's products in the given order (ids not in it keep their relative order after). */
export async function reorderCollection(shopId: string, id: string, orderedProductIds: string[]): Promise<boolean> {
  if (!isUuid(id)) return false;
  return withShop(shopId, async (tx) => {
    const current = await tx
      .select({ productId: schema.collectionProducts.productId })
      .from(schema.collectionProducts)
      .where(eq(schema.collectionProducts.collectionId, id))
      .orderBy(asc(schema.collectionProducts.position))
      .for("update");
    if (!current.length) {
      const [exists] = await tx.select({ id: schema.collections.id }).from(schema.collections).where(eq(schema.collections.id, id));
      return !!exists;
    }
    const known = new Set(current.map((c) => c.productId));
    const wanted = orderedProductIds.filter((p) => known.has(p));
    const order = [...new Set([...wanted, ...current.map((c) => c.productId)])];
    for (const [position, productId] of order.entries()) {
      await tx
        .update(schema.collectionProducts)
        .set({ position })
        .where(and(eq(schema.collectionProducts.collectionId, id), eq(schema.collectionProducts.productId, productId)));
    }
    return true;
  });
}

export async function removeFromCollection(shopId: string, id: string, productIds: string[]): Promise<number> {
  const valid = productIds.filter(isUuid);
  if (!isUuid(id) || !valid.length) return 0;
  return withShop(shopId, async (tx) => {
    const removed = await tx
      .delete(schema.collectionProducts)
      .where(and(eq(schema.collectionProducts.collectionId, id), inArray(schema.collectionProducts.productId, valid)))
      .returning({ id: schema.collectionProducts.productId });
    return removed.length;
  });
}

export async function deleteCollection(shopId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  return withShop(shopId, async (tx) => (await tx.delete(schema.collections).where(eq(schema.collections.id, id)).returning()).length > 0);
}

// --- Categories --------------------------------------------------------------------------------

const CategorySchema = z.object({
  name: z.string().trim().min(1, "categoryName").max(80, "maxChars"),
  parentId: z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || isUuid(v), "parentChoice"),
});

export async function listCategories(shopId: string) {
  return withShop(shopId, (tx) =>
    tx
      .select({
        id: schema.categories.id,
        name: schema.categories.name,
        handle: schema.categories.handle,
        parentId: schema.categories.parentId,
        products: sql<number>`(select count(*)::int from ${schema.products} p where p.category_id = ${schema.categories.id})`,
      })
      .from(schema.categories)
      .orderBy(asc(schema.categories.name)),
  );
}

export async function createCategory(shopId: string, form: Record<string, unknown>): Promise<CollectionResult> {
  const parsed = CategorySchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: codedFieldErrors(parsed.error, PREFIX) };
  try {
    return await withShop(shopId, async (tx) => {
      if (parsed.data.parentId) {
        const [parent] = await tx
          .select({ id: schema.categories.id })
          .from(schema.categories)
          .where(eq(schema.categories.id, parsed.data.parentId));
        if (!parent) return { ok: false as const, errors: { parentId: problem("parentChoice") } };
      }
      const [row] = await tx
        .insert(schema.categories)
        .values({ shopId, name: parsed.data.name, handle: handleize(parsed.data.name) || "category", parentId: parsed.data.parentId })
        .returning({ id: schema.categories.id });
      return { ok: true as const, id: row.id };
    });
  } catch (error) {
    if (pgConstraint(error) === "categories_handle_key") return { ok: false, errors: { name: problem("categoryTaken") } };
    throw error;
  }
}

/** Deletes a category; its products and sub-categories lose it (they are not deleted). */
export async function deleteCategory(shopId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  return withShop(shopId, async (tx) => {
    await tx.update(schema.products).set({ categoryId: null }).where(eq(schema.products.categoryId, id));
    await tx.update(schema.categories).set({ parentId: null }).where(eq(schema.categories.parentId, id));
    return (await tx.delete(schema.categories).where(eq(schema.categories.id, id)).returning()).length > 0;
  });
}
