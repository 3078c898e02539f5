/**
 * The supplier portal's domain: the supplier's products (the ordinary catalog, under the
 * supplier's own tenant) and its incoming orders (accept, ship with courier and tracking, reject
 * a line as out of stock). Every function here runs withShop(supplierShopId): RLS confines it to
 * that supplier, so supplier A can never read or change supplier B's rows whatever ids it sends.
 * Changes that merchants must see go through the outbox (sync-variants, supplier-order-changed).
 *
 * Over ~400 lines because it is the supplier's whole side (products and incoming orders) under one
 * tenant rule; the incoming orders could move out next.
 */
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";

import { type LimitRefusal, limitRefusal } from "~/domain/billing/limit-refusals.server";
import { PlanLimitReached } from "~/domain/billing/plans.server";
import { adjustInventory } from "~/domain/catalog/inventory.server";
import { emptyDraft, emptyVariant, syncVariants } from "~/domain/catalog/product-draft";
import { type Actor, insertAuditedProduct, validateDraft } from "~/domain/catalog/products.server";
import { enqueueAfterCommit } from "~/domain/jobs/outbox.server";
import { publicObjectUrl } from "~/integrations/storage.server";
import { type CodedErrors, codedFieldErrors, type FieldErrors, fieldErrors, type Refusal, refuse } from "~/lib/forms";
import { isUuid } from "~/lib/ids";
import { decimalStringToMinor } from "~/lib/money";
import { schema, withShop } from "~db/client";

import { supplierVariantsChanged } from "./import.server";

// Messages are keys of catalog:fieldErrors (coded: the page words them in its language).
const money = (key: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,7}(\.\d{1,2})?$/, key);

const NewProductSchema = z.object({
  title: z.string(),
  descriptionMd: z.string().default(""),
  productType: z.string().default(""),
  optionName: z.string().trim().max(60, "optionNameMax").default(""),
  optionValues: z.string().trim().default(""),
  cost: money("supplierCost"),
  price: money("supplierPrice"),
  weight: z
    .string()
    .trim()
    .regex(/^(\d{1,7})?$/, "weight")
    .default(""),
  stock: z
    .string()
    .trim()
    .regex(/^\d{1,6}$/, "wholeNumber"),
  publish: z.string().optional(),
});

export type SupplierProductResult = { ok: true; productId: string } | { ok: false; errors: CodedErrors };

/**
 * Lists a product: every variant starts with the same cost (what merchants pay, variants.cost_minor),
 * suggested retail price (variants.price_minor), weight and stock; they are edited per variant
 * afterwards. Published (active) products of an approved supplier are in the network.
 */
export async function createSupplierProduct(
  supplierShopId: string,
  actor: Actor,
  form: Record<string, unknown>,
): Promise<SupplierProductResult> {
  const parsed = NewProductSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: codedFieldErrors(parsed.error, "catalog:fieldErrors.") };
  const f = parsed.data;
  const template = { ...emptyVariant([]), price: f.price, cost: f.cost, weight: f.weight, initialStock: f.stock };
  const draft = {
    ...emptyDraft(),
    title: f.title,
    descriptionMd: f.descriptionMd,
    productType: f.productType,
    status: f.publish ? ("active" as const) : ("draft" as const),
    options: f.optionName && f.optionValues ? [{ name: f.optionName, values: f.optionValues }] : [],
    variants: [template],
  };
  draft.variants = syncVariants(draft).map((v) => ({ ...v, price: f.price, cost: f.cost, weight: f.weight, initialStock: f.stock }));
  const valid = validateDraft(draft, "MYR", { regenerate: false });
  if (!valid.ok) return { ok: false, errors: valid.errors };
  const input = {
    ...valid.input,
    variants: valid.input.variants.map((v) => ({
      ...v,
      priceMinor: decimalStringToMinor(template.price),
      costMinor: decimalStringToMinor(template.cost),
      weightGrams: f.weight ? Number(f.weight) : null,
      initialStock: Number(f.stock),
    })),
  };
  const productId = await withShop(supplierShopId, (tx) => insertAuditedProduct(tx, supplierShopId, input, actor));
  return { ok: true, productId };
}

export async function listSupplierProducts(supplierShopId: string) {
  return withShop(supplierShopId, async (tx) => {
    const rows = await tx
      .select({
        id: schema.products.id,
        title: schema.products.title,
        status: schema.products.status,
        productType: schema.products.productType,
        stock: schema.products.stockOnHand,
        minCost: sql<number>`min(${schema.variants.costMinor})::int`,
        price: sql<number>`max(${schema.variants.priceMinor})::int`,
      })
      .from(schema.products)
      .leftJoin(schema.variants, eq(schema.variants.productId, schema.products.id))
      .groupBy(schema.products.shopId, schema.products.id)
      .orderBy(desc(schema.products.updatedAt))
      .limit(200);
    return rows;
  });
}

export async function getSupplierProduct(supplierShopId: string, productId: string) {
  if (!isUuid(productId)) return undefined;
  return withShop(supplierShopId, async (tx) => {
    const [product] = await tx.select().from(schema.products).where(eq(schema.products.id, productId));
    if (!product) return undefined;
    const variants = await tx
      .select({
        id: schema.variants.id,
        title: schema.variants.title,
        costMinor: schema.variants.costMinor,
        priceMinor: schema.variants.priceMinor,
        weightGrams: schema.variants.weightGrams,
        onHand: schema.inventoryLevels.onHand,
      })
      .from(schema.variants)
      .leftJoin(schema.inventoryLevels, eq(schema.inventoryLevels.variantId, schema.variants.id))
      .where(eq(schema.variants.productId, productId))
      .orderBy(asc(schema.variants.position));
    const media = await tx.select().from(schema.media).where(eq(schema.media.productId, productId)).orderBy(asc(schema.media.position));
    return {
      product: { id: product.id, title: product.title, status: product.status, productType: product.productType },
      variants,
      media: media.map((m) => ({
        id: m.id,
        status: m.status,
        url: publicObjectUrl((m.renditions.find((r) => r.width >= 160) ?? m.renditions.at(-1))?.key ?? m.originalKey),
      })),
    };
  });
}

/**
 * Saves each variant's cost, suggested price and stock (fields `cost_<id>`, `price_<id>`,
 * `stock_<id>`) and the published state; merchants' linked variants follow by the sync job.
 */
export async function updateSupplierProduct(
  supplierShopId: string,
  productId: string,
  actor: Actor,
  form: Record<string, unknown>,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors } | undefined> {
  return withShop(supplierShopId, async (tx) => {
    const [product] = await tx
      .select({ id: schema.products.id })
      .from(schema.products)
      .where(eq(schema.products.id, productId))
      .for("no key update");
    if (!product) return undefined;
    const variants = await tx.select({ id: schema.variants.id }).from(schema.variants).where(eq(schema.variants.productId, productId));
    const errors: FieldErrors = {};
    const updates: Array<{ id: string; cost: number; price: number; stock: number }> = [];
    for (const v of variants) {
      const cost = String(form[`cost_${v.id}`] ?? "").trim();
      const price = String(form[`price_${v.id}`] ?? "").trim();
      const stock = String(form[`stock_${v.id}`] ?? "").trim();
      if (!/^\d{1,7}(\.\d{1,2})?$/.test(cost)) errors[`cost_${v.id}`] = "Enter the cost like 25.00.";
      if (!/^\d{1,7}(\.\d{1,2})?$/.test(price)) errors[`price_${v.id}`] = "Enter the price like 59.90.";
      if (!/^\d{1,6}$/.test(stock)) errors[`stock_${v.id}`] = "Enter a whole number of 0 or more.";
      updates.push({ id: v.id, cost: decimalStringToMinor(cost || "0"), price: decimalStringToMinor(price || "0"), stock: Number(stock) });
    }
    if (Object.keys(errors).length) return { ok: false as const, errors };
    for (const u of updates) {
      await tx
        .update(schema.variants)
        .set({ costMinor: u.cost, priceMinor: u.price, updatedAt: new Date() })
        .where(eq(schema.variants.id, u.id));
      await adjustInventory(tx, supplierShopId, { variantId: u.id, setTo: u.stock, reason: "correction", actorUserId: actor.userId });
    }
    const status = form.publish === "on" ? "active" : "draft";
    await tx
      .update(schema.products)
      .set({
        status,
        publishedAt: status === "active" ? sql`coalesce(${schema.products.publishedAt}, now())` : null,
        updatedAt: new Date(),
      })
      .where(eq(schema.products.id, productId));
    await supplierVariantsChanged(
      tx,
      supplierShopId,
      variants.map((v) => v.id),
    );
    return { ok: true as const };
  });
}

// ---------------------------------------------------------------------------------------------
// Orders.

/**
 * What a supplier sees of one order. The recipient block is the only customer data it holds
 * (tests/integration/dropship.test.ts asserts this exact field set).
 */
export interface SupplierOrderView {
  id: string;
  reference: string;
  status: string;
  createdAt: string;
  currency: string;
  costTotalMinor: number;
  carrier: string | null;
  trackingNumber: string | null;
  recipient: {
    name: string;
    phone: string | null;
    line1: string;
    line2: string | null;
    city: string;
    state: string;
    postcode: string;
    country: string;
  };
  lines: Array<{
    id: string;
    title: string;
    variantTitle: string;
    sku: string | null;
    quantity: number;
    unitCostMinor: number;
    status: string;
  }>;
}

export async function listSupplierOrders(supplierShopId: string) {
  return withShop(supplierShopId, (tx) =>
    tx
      .select({
        id: schema.supplierOrders.id,
        reference: schema.supplierOrders.reference,
        status: schema.supplierOrders.status,
        createdAt: schema.supplierOrders.createdAt,
        costTotalMinor: schema.supplierOrders.costTotalMinor,
        currency: schema.supplierOrders.currency,
        city: schema.supplierOrders.city,
        state: schema.supplierOrders.state,
      })
      .from(schema.supplierOrders)
      .orderBy(desc(schema.supplierOrders.createdAt))
      .limit(200),
  );
}

export async function getSupplierOrder(supplierShopId: string, id: string): Promise<SupplierOrderView | undefined> {
  if (!isUuid(id)) return undefined;
  return withShop(supplierShopId, async (tx) => {
    const [o] = await tx.select().from(schema.supplierOrders).where(eq(schema.supplierOrders.id, id));
    if (!o) return undefined;
    const lines = await tx.select().from(schema.supplierOrderLines).where(eq(schema.supplierOrderLines.supplierOrderId, id));
    return {
      id: o.id,
      reference: o.reference,
      status: o.status,
      createdAt: o.createdAt.toISOString(),
      currency: o.currency,
      costTotalMinor: o.costTotalMinor,
      carrier: o.carrier,
      trackingNumber: o.trackingNumber,
      recipient: {
        name: o.recipientName,
        phone: o.recipientPhone,
        line1: o.addressLine1,
        line2: o.addressLine2,
        city: o.city,
        state: o.state,
        postcode: o.postcode,
        country: o.country,
      },
      lines: lines.map((l) => ({
        id: l.id,
        title: l.title,
        variantTitle: l.variantTitle,
        sku: l.sku,
        quantity: l.quantity,
        unitCostMinor: l.unitCostMinor,
        status: l.status,
      })),
    };
  });
}

import { trackingProblem } from "~/domain/orders/carriers";

import { SUPPLIER_CARRIERS } from "./options";

const ShipSchema = z
  .object({
    carrier: z.enum(SUPPLIER_CARRIERS, { error: "Choose the courier." }),
    trackingNumber: z
      .string()
      .trim()
      .min(6, "Enter the tracking number from the consignment note.")
      .max(40, "Use at most 40 characters.")
      .regex(/^[A-Za-z0-9 -]+$/, "Use letters, digits and hyphens only."),
  })
  // The courier's own tracking-number format (the orders area's carriers), as for the merchant's own parcels.
  .superRefine((v, ctx) => {
    const problem = trackingProblem(v.carrier, v.trackingNumber);
    if (problem) ctx.addIssue({ code: "custom", path: ["trackingNumber"], message: problem });
  });

type ActionResult = { ok: true } | { ok: false; errors: FieldErrors } | undefined;

async function changeOrder(
  supplierShopId: string,
  id: string,
  actor: Actor,
  change: (
    o: typeof schema.supplierOrders.$inferSelect,
    tx: Parameters<Parameters<typeof withShop>[1]>[0],
  ) => Promise<ActionResult | "done">,
): Promise<ActionResult> {
  if (!isUuid(id)) return undefined;
  return withShop(supplierShopId, async (tx) => {
    const [o] = await tx.select().from(schema.supplierOrders).where(eq(schema.supplierOrders.id, id)).for("update");
    if (!o) return undefined;
    const result = await change(o, tx);
    if (result !== "done") return result;
    await enqueueAfterCommit(tx, {
      queue: "dropship",
      name: "supplier-order-changed",
      payload: { supplierShopId, supplierOrderId: id },
      shopId: supplierShopId,
    });
    return { ok: true as const };
  }).then((r) => {
    void actor;
    return r;
  });
}

export async function acceptSupplierOrder(supplierShopId: string, id: string, actor: Actor): Promise<ActionResult> {
  return changeOrder(supplierShopId, id, actor, async (o, tx) => {
    if (o.status !== "open") return { ok: false, errors: { form: `This order is ${o.status}: it cannot be accepted.` } };
    await tx
      .update(schema.supplierOrders)
      .set({ status: "accepted", acceptedAt: new Date(), updatedAt: new Date() })
      .where(eq(schema.supplierOrders.id, id));
    return "done";
  });
}

/** Ships every line not rejected, with one courier and tracking number. */
export async function shipSupplierOrder(
  supplierShopId: string,
  id: string,
  actor: Actor,
  form: Record<string, unknown>,
): Promise<ActionResult> {
  const parsed = ShipSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  return changeOrder(supplierShopId, id, actor, async (o, tx) => {
    if (o.status !== "open" && o.status !== "accepted")
      return { ok: false, errors: { form: `This order is ${o.status}: it cannot be shipped.` } };
    const shipped = await tx
      .update(schema.supplierOrderLines)
      .set({ status: "shipped" })
      .where(and(eq(schema.supplierOrderLines.supplierOrderId, id), eq(schema.supplierOrderLines.status, "open")))
      .returning({ id: schema.supplierOrderLines.id });
    if (!shipped.length) return { ok: false, errors: { form: "Every line of this order was rejected: there is nothing to ship." } };
    await tx
      .update(schema.supplierOrders)
      .set({
        status: "shipped",
        carrier: parsed.data.carrier,
        trackingNumber: parsed.data.trackingNumber.replace(/[\s-]/g, "").toUpperCase(),
        shippedAt: new Date(),
        acceptedAt: o.acceptedAt ?? new Date(),
        updatedAt: new Date(),
      })
      .where(eq(schema.supplierOrders.id, id));
    return "done";
  });
}

/** Refuses one line (out of stock): the merchant is alerted with a refund path and the cost goes back to their wallet. */
export async function rejectSupplierLine(
  supplierShopId: string,
  id: string,
  lineId: string,
  actor: Actor,
  reason: string,
): Promise<ActionResult> {
  return changeOrder(supplierShopId, id, actor, async (o, tx) => {
    if (o.status !== "open" && o.status !== "accepted")
      return { ok: false, errors: { form: `This order is ${o.status}: its lines cannot be rejected.` } };
    const [line] = await tx
      .update(schema.supplierOrderLines)
      // No reason given: null, worded "out of stock" in the language of whoever reads it.
      .set({ status: "rejected", rejectReason: reason.trim().slice(0, 200) || null })
      .where(
        and(
          eq(schema.supplierOrderLines.supplierOrderId, id),
          eq(schema.supplierOrderLines.id, lineId),
          eq(schema.supplierOrderLines.status, "open"),
        ),
      )
      .returning({ id: schema.supplierOrderLines.id });
    if (!line) return { ok: false, errors: { form: "That line is not open." } };
    const [{ open }] = await tx
      .select({ open: sql<number>`count(*)::int` })
      .from(schema.supplierOrderLines)
      .where(and(eq(schema.supplierOrderLines.supplierOrderId, id), eq(schema.supplierOrderLines.status, "open")));
    if (open === 0)
      await tx.update(schema.supplierOrders).set({ status: "rejected", updatedAt: new Date() }).where(eq(schema.supplierOrders.id, id));
    return "done";
  });
}

/** A product image uploaded through the portal (a plain form): stored and processed like any media. */
export async function addSupplierImage(
  supplierShopId: string,
  productId: string,
  file: { body: Buffer; contentType: string; filename: string },
): Promise<{ ok: true } | Refusal | LimitRefusal | undefined> {
  if (!isUuid(productId)) return undefined;
  const [product] = await withShop(supplierShopId, (tx) =>
    tx.select({ id: schema.products.id, title: schema.products.title }).from(schema.products).where(eq(schema.products.id, productId)),
  );
  if (!product) return undefined;
  // Decoded and re-encoded: a file that is not wholly the image it claims is refused, and what is stored is the clean copy.
  const { ingestImage } = await import("~/domain/media/ingest.server");
  const checked = await ingestImage(file.body, { claimed: file.contentType, name: file.filename });
  if (!checked.ok) return refuse(checked.message, "image");
  const { addImageFromBuffer } = await import("~/domain/media/media.server");
  try {
    await addImageFromBuffer(supplierShopId, productId, {
      body: checked.body,
      contentType: checked.contentType,
      filename: file.filename.slice(0, 200) || "image",
      alt: product.title,
    });
  } catch (error) {
    // A supplier's shop has a plan too: over its storage, the page says so (never a 500).
    if (error instanceof PlanLimitReached) return limitRefusal(error, "image");
    throw error;
  }
  return { ok: true };
}
