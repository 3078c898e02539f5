/**
 * CSV imports and exports as background jobs (queue `catalog-csv`), with progress the admin
 * shows live: rows processed out of the total, products written, and the row-level problems.
 */
import { and, desc, eq, getTableColumns } from "drizzle-orm";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { localDate } from "~/lib/dates";
import type { CodedErrors, Refusal } from "~/lib/forms";
import { codedText } from "~/lib/i18n.server";
import { isUuid } from "~/lib/ids";
import { schema, withShop } from "~db/client";

import { exportCatalog, importProductGroup, parseCatalogCsv, type RowError } from "./csv.server";
import { problem } from "./products.server";

/** Larger files are better split: this keeps one import's memory and run time bounded. */
export const MAX_IMPORT_BYTES = 15 * 1024 * 1024;
const MAX_REPORTED_ERRORS = 1_000;

export type Transfer = Omit<typeof schema.catalogTransfers.$inferSelect, "csv">;
// Everything but the CSV text itself (which can be megabytes): what progress pages read.
const { csv: _csv, ...transferColumns } = getTableColumns(schema.catalogTransfers);

export async function startImport(
  shopId: string,
  userId: string,
  file: { name: string; text: string },
  request: RequestInfo,
): Promise<{ ok: true; id: string } | Refusal<CodedErrors>> {
  if (!file.text.trim()) return { ok: false, errors: { form: problem("csvChooseFile") } };
  if (Buffer.byteLength(file.text) > MAX_IMPORT_BYTES) return { ok: false, errors: { form: problem("csvTooLarge", { size: "15 MB" }) } };
  const parsed = parseCatalogCsv(file.text);
  if (!parsed.ok) return { ok: false, errors: { form: parsed.problem } };
  const id = await withShop(shopId, async (tx) => {
    const [row] = await tx
      .insert(schema.catalogTransfers)
      .values({ shopId, kind: "import", filename: file.name.slice(0, 200), csv: file.text, totalRows: parsed.rowCount, createdBy: userId })
      .returning({ id: schema.catalogTransfers.id });
    await enqueueAfterCommit(tx, { queue: "catalog-csv", name: "import", payload: { shopId, transferId: row.id }, shopId });
    await audit(tx, {
      shopId,
      actorUserId: userId,
      action: "catalog.import_started",
      targetType: "catalog_transfer",
      targetId: row.id,
      after: { filename: file.name, rows: parsed.rowCount },
      ...request,
    });
    return row.id;
  });
  return { ok: true, id };
}

export async function startExport(shopId: string, userId: string, request: RequestInfo): Promise<string> {
  return withShop(shopId, async (tx) => {
    const [row] = await tx
      .insert(schema.catalogTransfers)
      .values({ shopId, kind: "export", createdBy: userId })
      .returning({ id: schema.catalogTransfers.id });
    await enqueueAfterCommit(tx, { queue: "catalog-csv", name: "export", payload: { shopId, transferId: row.id }, shopId });
    await audit(tx, {
      shopId,
      actorUserId: userId,
      action: "catalog.export_started",
      targetType: "catalog_transfer",
      targetId: row.id,
      ...request,
    });
    return row.id;
  });
}

export async function getTransfer(shopId: string, id: string): Promise<Transfer | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await withShop(shopId, (tx) =>
    tx.select(transferColumns).from(schema.catalogTransfers).where(eq(schema.catalogTransfers.id, id)),
  );
  return row;
}

export async function recentTransfers(shopId: string, limit = 10): Promise<Transfer[]> {
  return withShop(shopId, (tx) =>
    tx.select(transferColumns).from(schema.catalogTransfers).orderBy(desc(schema.catalogTransfers.createdAt)).limit(limit),
  );
}

/** The produced CSV of a finished export (undefined: none, or not finished). */
export async function exportedCsv(shopId: string, id: string): Promise<{ csv: string; createdAt: Date } | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await withShop(shopId, (tx) =>
    tx
      .select({ csv: schema.catalogTransfers.csv, createdAt: schema.catalogTransfers.createdAt })
      .from(schema.catalogTransfers)
      .where(
        and(
          eq(schema.catalogTransfers.id, id),
          eq(schema.catalogTransfers.kind, "export"),
          eq(schema.catalogTransfers.status, "succeeded"),
        ),
      ),
  );
  return row?.csv ? { csv: row.csv, createdAt: row.createdAt } : undefined;
}

async function shopTimezone(shopId: string): Promise<string> {
  const [shop] = await withShop(shopId, (tx) =>
    tx.select({ timezone: schema.shops.timezone }).from(schema.shops).where(eq(schema.shops.id, shopId)),
  );
  return shop.timezone;
}

async function update(shopId: string, id: string, values: Partial<typeof schema.catalogTransfers.$inferInsert>) {
  await withShop(shopId, (tx) => tx.update(schema.catalogTransfers).set(values).where(eq(schema.catalogTransfers.id, id)));
}

/** The import job. Idempotent: a finished transfer is left alone; a re-run after a crash upserts by Handle again. */
export async function runImport({ shopId, transferId }: { shopId: string; transferId: string }): Promise<void> {
  const [row] = await withShop(shopId, (tx) =>
    tx
      .select({
        status: schema.catalogTransfers.status,
        csv: schema.catalogTransfers.csv,
        createdBy: schema.catalogTransfers.createdBy,
        currency: schema.shops.currency,
      })
      .from(schema.catalogTransfers)
      .innerJoin(schema.shops, eq(schema.shops.id, schema.catalogTransfers.shopId))
      .where(eq(schema.catalogTransfers.id, transferId)),
  );
  if (!row || row.status === "succeeded" || row.status === "failed") return;
  const parsed = parseCatalogCsv(row.csv ?? "");
  if (!parsed.ok) {
    // Refused at upload already; a stored file that no longer parses keeps the reason (in English, as failures are logged).
    await update(shopId, transferId, { status: "failed", message: codedText("en", parsed.problem), finishedAt: new Date() });
    return;
  }
  await update(shopId, transferId, {
    status: "running",
    startedAt: new Date(),
    processedRows: 0,
    productCount: 0,
    errorCount: 0,
    errors: [],
  });
  const actor = { userId: row.createdBy, userAgent: "csv-import" };
  const errors: RowError[] = [];
  let processed = 0;
  let imported = 0;
  let reportedAt = Date.now();
  for (const group of parsed.groups) {
    const outcome = await importProductGroup(shopId, group, parsed.hasMarkdown, row.currency, actor);
    if (outcome.imported) imported++;
    errors.push(...outcome.errors);
    processed += group.rows.length;
    if (Date.now() - reportedAt > 500) {
      reportedAt = Date.now();
      await update(shopId, transferId, {
        processedRows: processed,
        productCount: imported,
        errorCount: errors.length,
        errors: errors.slice(0, MAX_REPORTED_ERRORS),
      });
    }
  }
  errors.sort((a, b) => a.row - b.row);
  const rejectedProducts = parsed.groups.length - imported;
  await update(shopId, transferId, {
    status: "succeeded",
    processedRows: processed,
    productCount: imported,
    errorCount: errors.length,
    errors: errors.slice(0, MAX_REPORTED_ERRORS),
    finishedAt: new Date(),
    message:
      `Imported ${imported} ${imported === 1 ? "product" : "products"}` +
      (rejectedProducts ? `; ${rejectedProducts} not imported because of the problems listed` : "") +
      (errors.length && !rejectedProducts ? "; see the notes below" : "") +
      ".",
  });
}

/** The export job. */
export async function runExport({ shopId, transferId }: { shopId: string; transferId: string }): Promise<void> {
  const transfer = await getTransfer(shopId, transferId);
  if (!transfer || transfer.status === "succeeded") return;
  await update(shopId, transferId, { status: "running", startedAt: new Date() });
  const { csv, products } = await exportCatalog(shopId, (done, total) =>
    update(shopId, transferId, { processedRows: done, totalRows: total, productCount: done }),
  );
  await update(shopId, transferId, {
    status: "succeeded",
    csv,
    productCount: products,
    processedRows: products,
    totalRows: products,
    filename: `products-${localDate(new Date(), await shopTimezone(shopId))}.csv`,
    message: `Exported ${products} ${products === 1 ? "product" : "products"}.`,
    finishedAt: new Date(),
  });
}

/** Marks a transfer failed when its job gives up (the worker calls this on the last attempt). */
export async function failTransfer(shopId: string, transferId: string, message: string): Promise<void> {
  await update(shopId, transferId, { status: "failed", message: `This job stopped: ${message.slice(0, 300)}`, finishedAt: new Date() });
}
