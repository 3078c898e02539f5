/**
 * Product CSV import and export, with Shopify's product CSV columns where they map (a Shopify
 * export imports here, and ours opens in Shopify's importer), plus two of our own:
 * `Body (Markdown)` (the description as written; Body (HTML) is its rendering) and `Collections`.
 *
 * One product = one or more rows with the same Handle: the first carries the product's fields,
 * each row may carry a variant (option values, price, SKU, stock…) and an image.
 *
 * Import: each product is validated as a whole and written in its own transaction, so a product
 * is imported with all its variants or not at all ("nothing half-written"); every problem is
 * reported with its row, column and message, and the other products still import. A product
 * whose Handle exists is updated (its variants matched by option values), so importing the same
 * file twice changes nothing the second time.
 *
 * Over ~400 lines because the CSV format is one protocol: the column map is shared by export and
 * import, and splitting them would let the two drift.
 */
import { randomUUID } from "node:crypto";

import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { and, asc, eq, inArray, sql } from "drizzle-orm";

import { planLimitCoded } from "~/domain/billing/limit-refusals.server";
import { assertProductAllowance, assertStorageAllowance, PlanLimitReached } from "~/domain/billing/plans.server";
import { addStoredImage, mediaPrefix } from "~/domain/media/media.server";
import { extensionOf, mediaKindOf } from "~/domain/media/media-rules";
import { copyObject, headObject, keyFromPublicUrl, publicObjectUrl } from "~/integrations/storage.server";
import { type Coded, type CodedErrors } from "~/lib/forms";
import type { Locale } from "~/lib/i18n";
import { codedText, serverT } from "~/lib/i18n.server";
import { schema, type Tx, withShop } from "~db/client";

import { HANDLE_PATTERN, handleize, minorToDecimal, parseTags } from "./catalog-rules";
import { sanitizeDescriptionHtml } from "./description.server";
import { adjustInventory } from "./inventory.server";
import { emptyDraft, type ProductDraft, type VariantDraft } from "./product-draft";
import { type Actor, insertProduct, problem, replaceProduct, SaveRefused, validateDraft } from "./products.server";

export const CSV_COLUMNS = [
  "Handle",
  "Title",
  "Body (HTML)",
  "Body (Markdown)",
  "Vendor",
  "Product Category",
  "Type",
  "Tags",
  "Published",
  "Status",
  "Option1 Name",
  "Option1 Value",
  "Option2 Name",
  "Option2 Value",
  "Option3 Name",
  "Option3 Value",
  "Variant SKU",
  "Variant Grams",
  "Variant Inventory Tracker",
  "Variant Inventory Qty",
  "Variant Inventory Policy",
  "Variant Price",
  "Variant Compare At Price",
  "Variant Barcode",
  "Cost per item",
  "Image Src",
  "Image Position",
  "Image Alt Text",
  "SEO Title",
  "SEO Description",
  "Collections",
] as const;
type Column = (typeof CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string>>;

/**
 * A row's problem: where (the file's line and column) and what, coded (`catalog:fieldErrors.*`),
 * worded in the reader's language by the transfer page and the downloaded report.
 */
export interface RowError extends Coded {
  row: number;
  column: string;
}

/** The problem report as stored before problems were coded (English text): still shown as it is. */
export type StoredRowError = RowError | { row: number; column: string; message: string };

// --- Export -----------------------------------------------------------------------------------

/** The whole catalog as CSV text. `onProgress` gets (products done, products in all). */
export async function exportCatalog(
  shopId: string,
  onProgress?: (done: number, total: number) => Promise<void>,
): Promise<{ csv: string; products: number }> {
  const lines: string[] = [stringify([CSV_COLUMNS as unknown as string[]])];
  const [{ total }] = await withShop(shopId, (tx) => tx.select({ total: sql<number>`count(*)::int` }).from(schema.products));
  let lastId: string | undefined;
  let done = 0;
  for (;;) {
    const batch = await withShop(shopId, (tx) => exportBatch(tx, lastId, 250));
    if (!batch.length) break;
    for (const rows of batch.map((b) => b.rows)) lines.push(stringify(rows.map((r) => CSV_COLUMNS.map((c) => r[c] ?? ""))));
    lastId = batch[batch.length - 1].id;
    done += batch.length;
    await onProgress?.(done, total);
  }
  return { csv: lines.join(""), products: done };
}

async function exportBatch(tx: Tx, afterId: string | undefined, limit: number) {
  const products = await tx
    .select({ product: schema.products, category: schema.categories.name })
    .from(schema.products)
    .leftJoin(
      schema.categories,
      and(eq(schema.categories.shopId, schema.products.shopId), eq(schema.categories.id, schema.products.categoryId)),
    )
    .where(afterId ? sql`${schema.products.id} > ${afterId}` : undefined)
    .orderBy(asc(schema.products.id))
    .limit(limit);
  if (!products.length) return [];
  const ids = products.map((p) => p.product.id);
  const [variants, media, collections] = await Promise.all([
    tx
      .select({ v: schema.variants, onHand: schema.inventoryLevels.onHand })
      .from(schema.variants)
      .leftJoin(
        schema.inventoryLevels,
        and(eq(schema.inventoryLevels.shopId, schema.variants.shopId), eq(schema.inventoryLevels.variantId, schema.variants.id)),
      )
      .where(inArray(schema.variants.productId, ids))
      .orderBy(asc(schema.variants.position)),
    tx
      .select()
      .from(schema.media)
      .where(and(inArray(schema.media.productId, ids), eq(schema.media.kind, "image"), eq(schema.media.status, "ready")))
      .orderBy(asc(schema.media.position), asc(schema.media.createdAt)),
    tx
      .select({ productId: schema.collectionProducts.productId, title: schema.collections.title })
      .from(schema.collectionProducts)
      .innerJoin(
        schema.collections,
        and(
          eq(schema.collections.shopId, schema.collectionProducts.shopId),
          eq(schema.collections.id, schema.collectionProducts.collectionId),
        ),
      )
      .where(inArray(schema.collectionProducts.productId, ids))
      .orderBy(asc(schema.collections.title)),
  ]);
  return products.map(({ product: p, category }) => {
    const vs = variants.filter((v) => v.v.productId === p.id);
    const images = media.filter((m) => m.productId === p.id);
    const cols = collections.filter((c) => c.productId === p.id).map((c) => c.title);
    const rows: Row[] = [];
    for (let i = 0; i < Math.max(vs.length, images.length, 1); i++) {
      const row: Row = { Handle: p.handle };
      if (i === 0) {
        Object.assign(row, {
          Title: p.title,
          "Body (HTML)": p.descriptionHtml,
          "Body (Markdown)": p.descriptionMd,
          Vendor: p.brand ?? "",
          "Product Category": category ?? "",
          Type: p.productType ?? "",
          Tags: p.tags.join(", "),
          Published: p.status === "active" ? "TRUE" : "FALSE",
          Status: p.status,
          "SEO Title": p.seoTitle ?? "",
          "SEO Description": p.seoDescription ?? "",
          Collections: cols.join(", "),
        });
        if (p.options.length === 0) Object.assign(row, { "Option1 Name": "Title" });
        p.options.forEach((o, n) => (row[`Option${n + 1} Name` as Column] = o.name));
      }
      const variant = vs[i];
      if (variant) {
        const v = variant.v;
        Object.assign(row, {
          "Option1 Value": p.options.length === 0 ? "Default Title" : (v.option1 ?? ""),
          "Option2 Value": v.option2 ?? "",
          "Option3 Value": v.option3 ?? "",
          "Variant SKU": v.sku ?? "",
          "Variant Grams": v.weightGrams === null ? "" : String(v.weightGrams),
          "Variant Inventory Tracker": v.trackInventory ? "netshop" : "",
          "Variant Inventory Qty": v.trackInventory ? String(variant.onHand ?? 0) : "",
          "Variant Inventory Policy": v.allowBackorder ? "continue" : "deny",
          "Variant Price": minorToDecimal(v.priceMinor, v.currency),
          "Variant Compare At Price": v.compareAtPriceMinor === null ? "" : minorToDecimal(v.compareAtPriceMinor, v.currency),
          "Variant Barcode": v.barcode ?? "",
          "Cost per item": v.costMinor === null ? "" : minorToDecimal(v.costMinor, v.currency),
        });
      }
      const image = images[i];
      if (image)
        Object.assign(row, {
          "Image Src": publicObjectUrl(image.originalKey),
          "Image Position": String(i + 1),
          "Image Alt Text": image.alt,
        });
      rows.push(row);
    }
    return { id: p.id, rows };
  });
}

// --- Import -----------------------------------------------------------------------------------

interface ProductGroup {
  handle: string;
  rows: Array<{ line: number; row: Row }>;
}

export type ParsedCsv = { ok: true; groups: ProductGroup[]; rowCount: number; hasMarkdown: boolean } | { ok: false; problem: Coded };

/** Reads the file and groups its rows by Handle. Refuses a file that is not a product CSV at all. */
export function parseCatalogCsv(text: string): ParsedCsv {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: false });
  } catch (error) {
    const e = error as { lines?: number };
    return { ok: false, problem: e.lines ? problem("csvInvalidNear", { line: e.lines }) : problem("csvInvalid") };
  }
  if (records.length === 0) return { ok: false, problem: problem("csvEmpty") };
  const header = records[0].map((h) => h.trim());
  const known = new Map(CSV_COLUMNS.map((c) => [c.toLowerCase(), c]));
  const columns = header.map((h) => known.get(h.toLowerCase()));
  if (!columns.includes("Handle")) {
    return { ok: false, problem: problem("csvNoHeader") };
  }
  const groups = new Map<string, ProductGroup>();
  records.slice(1).forEach((cells, index) => {
    const row: Row = {};
    columns.forEach((c, i) => {
      if (c) row[c] = (cells[i] ?? "").trim();
    });
    const handle = (row.Handle ?? "").toLowerCase();
    const group = groups.get(handle) ?? { handle, rows: [] };
    group.rows.push({ line: index + 2, row });
    groups.set(handle, group);
  });
  return { ok: true, groups: [...groups.values()], rowCount: records.length - 1, hasMarkdown: columns.includes("Body (Markdown)") };
}

const FIELD_COLUMNS: Record<string, Column> = {
  title: "Title",
  handle: "Handle",
  status: "Status",
  brand: "Vendor",
  productType: "Type",
  tags: "Tags",
  seoTitle: "SEO Title",
  seoDescription: "SEO Description",
  categoryId: "Product Category",
  collectionIds: "Collections",
  form: "Handle",
};
const VARIANT_COLUMNS: Record<string, Column> = {
  price: "Variant Price",
  compareAt: "Variant Compare At Price",
  cost: "Cost per item",
  weight: "Variant Grams",
  initialStock: "Variant Inventory Qty",
  sku: "Variant SKU",
  barcode: "Variant Barcode",
  values: "Option1 Value",
};

const isVariantRow = (r: Row) => !!(r["Variant Price"] || r["Variant SKU"] || r["Option1 Value"] || r["Variant Inventory Qty"]);
const isDefaultTitle = (r: Row) => (r["Option1 Name"] ?? "").toLowerCase() === "title" && !r["Option2 Name"];

/** A group's rows as an editor draft, plus where each variant came from. */
function draftOf(
  group: ProductGroup,
  hasMarkdown: boolean,
): { draft: ProductDraft; variantLines: number[]; quantities: Array<number | null> } {
  const first = group.rows[0].row;
  const draft = emptyDraft();
  const noOptions = isDefaultTitle(first) || !first["Option1 Name"];
  const status = (first.Status ?? "").toLowerCase();
  Object.assign(draft, {
    title: first.Title ?? "",
    handle: group.handle,
    descriptionMd: hasMarkdown ? (first["Body (Markdown)"] ?? "") : sanitizeDescriptionHtml(first["Body (HTML)"] ?? ""),
    status: status || ((first.Published ?? "").toLowerCase() === "true" ? "active" : "draft"),
    brand: first.Vendor ?? "",
    productType: first.Type ?? "",
    tags: first.Tags ?? "",
    seoTitle: first["SEO Title"] ?? "",
    seoDescription: first["SEO Description"] ?? "",
  });
  const variantRows = group.rows.filter((r) => isVariantRow(r.row));
  draft.options = noOptions
    ? []
    : ([1, 2, 3] as const)
        .map((n) => ({
          name: first[`Option${n} Name`] ?? "",
          values: [...new Set(variantRows.map((r) => r.row[`Option${n} Value`] ?? "").filter(Boolean))].join(", "),
        }))
        .filter((o) => o.name || o.values);
  const grams = (g: string | undefined) => (g && /^\d+(\.0+)?$/.test(g) ? String(Number(g)) : (g ?? ""));
  draft.variants = variantRows.map(({ row }): VariantDraft => ({
    id: "",
    values: noOptions ? [] : [row["Option1 Value"], row["Option2 Value"], row["Option3 Value"]].filter((v): v is string => !!v),
    sku: row["Variant SKU"] ?? "",
    barcode: row["Variant Barcode"] ?? "",
    price: row["Variant Price"] ?? "",
    compareAt: row["Variant Compare At Price"] ?? "",
    cost: row["Cost per item"] ?? "",
    weight: grams(row["Variant Grams"]),
    track: !!row["Variant Inventory Tracker"],
    backorder: (row["Variant Inventory Policy"] ?? "").toLowerCase() === "continue",
    initialStock: row["Variant Inventory Tracker"] ? (row["Variant Inventory Qty"] ?? "") : "",
    onHand: null,
  }));
  return {
    draft,
    variantLines: variantRows.map((r) => r.line),
    quantities: draft.variants.map((v) => (v.track && /^\d+$/.test(v.initialStock) ? Number(v.initialStock) : null)),
  };
}

function errorsToRows(errors: CodedErrors, firstLine: number, variantLines: number[], hasMarkdown: boolean): RowError[] {
  return Object.entries(errors).map(([key, found]) => {
    const message = { key: found.key, ...(found.values ? { values: found.values } : {}) };
    const variant = key.match(/^variants\.(\d+)\.(\w+)$/);
    if (variant)
      return { row: variantLines[Number(variant[1])] ?? firstLine, column: VARIANT_COLUMNS[variant[2]] ?? variant[2], ...message };
    const option = key.match(/^options\.(\d+)\.(name|values)$/);
    if (option) return { row: firstLine, column: `Option${Number(option[1]) + 1} ${option[2] === "name" ? "Name" : "Value"}`, ...message };
    if (key === "descriptionMd") return { row: firstLine, column: hasMarkdown ? "Body (Markdown)" : "Body (HTML)", ...message };
    return { row: firstLine, column: FIELD_COLUMNS[key] ?? key, ...message };
  });
}

async function namedIds(tx: Tx, shopId: string, names: string[], kind: "categories" | "collections"): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    if (kind === "categories") {
      const [found] = await tx
        .select({ id: schema.categories.id })
        .from(schema.categories)
        .where(sql`lower(${schema.categories.name}) = lower(${name})`);
      ids.push(
        found?.id ??
          (
            await tx
              .insert(schema.categories)
              .values({ shopId, name, handle: handleize(name) || randomUUID().slice(0, 8) })
              .returning({ id: schema.categories.id })
          )[0].id,
      );
    } else {
      const [found] = await tx
        .select({ id: schema.collections.id })
        .from(schema.collections)
        .where(sql`lower(${schema.collections.title}) = lower(${name})`);
      ids.push(
        found?.id ??
          (
            await tx
              .insert(schema.collections)
              .values({ shopId, title: name, handle: handleize(name) || randomUUID().slice(0, 8) })
              .onConflictDoNothing()
              .returning({ id: schema.collections.id })
          )[0]?.id,
      );
    }
  }
  return ids.filter(Boolean);
}

export interface GroupOutcome {
  /** Whether the product was written (it may still have notes, e.g. an image left out). */
  imported: boolean;
  errors: RowError[];
}

/** Imports one product group in its own transaction: all of it, or nothing and the reasons. */
export async function importProductGroup(
  shopId: string,
  group: ProductGroup,
  hasMarkdown: boolean,
  currency: string,
  actor: Actor,
): Promise<GroupOutcome> {
  const refused = (errors: RowError[]): GroupOutcome => ({ imported: false, errors });
  const firstLine = group.rows[0].line;
  if (!group.handle) return refused([{ row: firstLine, column: "Handle", ...problem("csvHandleMissing") }]);
  if (!HANDLE_PATTERN.test(group.handle)) {
    return refused([{ row: firstLine, column: "Handle", ...problem("handlePattern") }]);
  }
  const { draft, variantLines, quantities } = draftOf(group, hasMarkdown);
  if (draft.variants.length === 0) return refused([{ row: firstLine, column: "Variant Price", ...problem("csvNoPrice") }]);
  const errors: RowError[] = [];
  group.rows.forEach(({ line, row }) => {
    if (row["Variant Inventory Qty"] && !/^\d+$/.test(row["Variant Inventory Qty"]) && row["Variant Inventory Tracker"]) {
      errors.push({ row: line, column: "Variant Inventory Qty", ...problem("wholeNumber") });
    }
    const src = row["Image Src"];
    if (src && !/^https?:\/\//i.test(src)) errors.push({ row: line, column: "Image Src", ...problem("csvImageAddress") });
  });
  const validated = validateDraft(draft, currency, { regenerate: false });
  if (!validated.ok) errors.push(...errorsToRows(validated.errors, firstLine, variantLines, hasMarkdown));
  if (errors.length || !validated.ok) return refused(dedupe(errors));
  const input = validated.input;
  const first = group.rows[0].row;
  try {
    await withShop(shopId, async (tx) => {
      const category = first["Product Category"];
      input.categoryId = category ? (await namedIds(tx, shopId, [category], "categories"))[0] : null;
      input.collectionIds = await namedIds(tx, shopId, parseTags(first.Collections ?? ""), "collections");
      const [current] = await tx.select().from(schema.products).where(eq(schema.products.handle, group.handle)).for("update");
      let productId: string;
      if (current) {
        const { variantIds, kept } = await replaceProduct(tx, shopId, current, { ...input, handle: group.handle }, actor, "import");
        productId = current.id;
        // Saved variants take the file's quantity as a counted stock level (a ledger entry when it differs).
        for (const [i, variantId] of variantIds.entries()) {
          if (kept[i] && quantities[i] !== null && input.variants[i].trackInventory) {
            await adjustInventory(tx, shopId, {
              variantId,
              setTo: quantities[i]!,
              reason: "import",
              actorUserId: actor.userId,
              note: "CSV import",
            });
          }
        }
      } else {
        await assertProductAllowance(tx, shopId, 1);
        productId = (await insertProduct(tx, shopId, { ...input, handle: group.handle }, actor, "import")).productId;
      }
      errors.push(...(await importImages(tx, shopId, productId, group)));
    });
  } catch (error) {
    if (error instanceof SaveRefused) return refused(errorsToRows(error.errors, firstLine, variantLines, hasMarkdown));
    if (error instanceof PlanLimitReached && error.limit.limit !== "credits")
      return refused([{ row: firstLine, column: "Handle", ...planLimitCoded(error.limit) }]);
    throw error;
  }
  return { imported: true, errors };
}

/**
 * Images by address: ours (our bucket's public URL) are copied server-side into this product's
 * media and processed; an image the product already has (same source) is skipped. Images on
 * other sites are reported, not fetched: the server does not download arbitrary addresses.
 */
async function importImages(tx: Tx, shopId: string, productId: string, group: ProductGroup): Promise<RowError[]> {
  const problems: RowError[] = [];
  const existing = await tx.select({ filename: schema.media.filename }).from(schema.media).where(eq(schema.media.productId, productId));
  const known = new Set(existing.map((m) => m.filename));
  const images = group.rows
    .filter((r) => r.row["Image Src"])
    .sort((a, b) => Number(a.row["Image Position"] || 1e6) - Number(b.row["Image Position"] || 1e6));
  for (const { line, row } of images) {
    const src = row["Image Src"]!;
    if (known.has(src)) continue;
    const key = keyFromPublicUrl(src);
    const match = key?.match(/^shops\/[0-9a-f-]{36}\/media\/[0-9a-f-]{36}\/original\.(jpg|png|webp)$/);
    if (!key || !match) {
      problems.push({ row: line, column: "Image Src", ...problem("csvImageElsewhere") });
      continue;
    }
    const head = await headObject(key);
    const contentType = { jpg: "image/jpeg", png: "image/png", webp: "image/webp" }[match[1]]!;
    if (!head || mediaKindOf(contentType) !== "image") {
      problems.push({ row: line, column: "Image Src", ...problem("csvImageGone") });
      continue;
    }
    await assertStorageAllowance(tx, shopId, head.bytes);
    const mediaId = randomUUID();
    const to = `${mediaPrefix(shopId, mediaId)}original.${extensionOf(contentType)}`;
    await copyObject(key, to);
    await addStoredImage(tx, {
      shopId,
      id: mediaId,
      productId,
      alt: row["Image Alt Text"] ?? "",
      filename: src,
      contentType,
      bytes: head.bytes,
      originalKey: to,
    });
    known.add(src);
  }
  return problems;
}

function dedupe(errors: RowError[]): RowError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.row}|${e.column}|${e.key}|${JSON.stringify(e.values ?? {})}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The error report as CSV (row, column, problem), headings and problems in `locale` (the columns keep the file's names). */
export function errorReportCsv(errors: StoredRowError[], locale: Locale): string {
  const t = serverT(locale, "catalog");
  const heading = [t("transfers.reportColumns.row"), t("transfers.reportColumns.column"), t("transfers.reportColumns.problem")];
  return stringify([heading, ...errors.map((e) => [String(e.row), e.column, "key" in e ? codedText(locale, e) : e.message])]);
}
