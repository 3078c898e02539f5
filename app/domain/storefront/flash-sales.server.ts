/**
 * Flash sales and deals: a sale price for chosen variants within a time window, with an
 * optional total quantity cap and per-customer limit.
 *
 * The storefront shows running sales (`runningSalePrices`); checkout calls
 * `claimFlashSalePrices(tx, …)` inside its order transaction, which applies the sale price and
 * claims the units atomically, and `releaseFlashSaleClaims(tx, …)` when an unpaid order expires
 * or is cancelled. Limits hold under any number of concurrent buyers because each claim is one
 * conditional statement on a row that all buyers of that sale (or that customer) queue on:
 *
 *   update flash_sales set claimed = claimed + q where … and claimed + q <= total_cap
 *   insert into flash_sale_customers … on conflict do update … where quantity + q <= limit
 *
 * and a CHECK on `claimed <= total_cap` backs the first up.
 *
 * Over ~400 lines because the price lookup, the claims and the editor share the sale window and cap
 * rules stated above; the editor (listFlashSales … endFlashSale) could move out next.
 */
import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, sql } from "drizzle-orm";
import { z } from "zod";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { parseMoney } from "~/domain/catalog/catalog-rules";
import { coded, type CodedErrors, codedFieldErrors } from "~/lib/forms";
import { isUuid } from "~/lib/ids";
import { schema, type Tx, withShop } from "~db/client";

export class FlashSaleLimitError extends Error {
  constructor(
    message: string,
    readonly details: { flashSaleId: string; variantId: string; kind: "total" | "customer" | "ended"; remaining: number },
  ) {
    super(message);
    this.name = "FlashSaleLimitError";
  }
}

export interface SalePrice {
  flashSaleId: string;
  name: string;
  salePriceMinor: number;
  endsAt: Date;
  /** Units left under the total cap, null without a cap. */
  remaining: number | null;
  perCustomerLimit: number | null;
}

/**
 * The lowest running sale price per variant at `now`. Sales whose cap is used up are left out
 * (the storefront shows the regular price again) unless `includeSoldOut` (checkout: a buyer who
 * saw the sale price must hear that it sold out rather than be charged more silently).
 */
export async function runningSalePrices(
  tx: Tx,
  variantIds: string[],
  now = new Date(),
  options: { includeSoldOut?: boolean } = {},
): Promise<Map<string, SalePrice>> {
  if (!variantIds.length) return new Map();
  const rows = await tx
    .select({
      variantId: schema.flashSaleVariants.variantId,
      salePriceMinor: schema.flashSaleVariants.salePriceMinor,
      flashSaleId: schema.flashSales.id,
      name: schema.flashSales.name,
      endsAt: schema.flashSales.endsAt,
      totalCap: schema.flashSales.totalCap,
      claimed: schema.flashSales.claimed,
      perCustomerLimit: schema.flashSales.perCustomerLimit,
    })
    .from(schema.flashSaleVariants)
    .innerJoin(
      schema.flashSales,
      and(eq(schema.flashSales.shopId, schema.flashSaleVariants.shopId), eq(schema.flashSales.id, schema.flashSaleVariants.flashSaleId)),
    )
    .innerJoin(
      schema.variants,
      and(eq(schema.variants.shopId, schema.flashSaleVariants.shopId), eq(schema.variants.id, schema.flashSaleVariants.variantId)),
    )
    .where(
      and(
        inArray(schema.flashSaleVariants.variantId, variantIds),
        // A sale price is a discount: if the merchant has since lowered the regular price below
        // it, the regular price wins everywhere (cards, product page, cart, checkout, search).
        lt(schema.flashSaleVariants.salePriceMinor, schema.variants.priceMinor),
        lte(schema.flashSales.startsAt, now),
        gt(schema.flashSales.endsAt, now),
        options.includeSoldOut
          ? undefined
          : sql`(${schema.flashSales.totalCap} is null or ${schema.flashSales.claimed} < ${schema.flashSales.totalCap})`,
      ),
    )
    .orderBy(
      // Checkout: a sale with units left before a sold-out one, then the lowest price.
      ...(options.includeSoldOut
        ? [sql`(${schema.flashSales.totalCap} is not null and ${schema.flashSales.claimed} >= ${schema.flashSales.totalCap})`]
        : []),
      asc(schema.flashSaleVariants.salePriceMinor),
      asc(schema.flashSales.endsAt),
    );
  const best = new Map<string, SalePrice>();
  for (const r of rows) {
    if (best.has(r.variantId)) continue;
    best.set(r.variantId, {
      flashSaleId: r.flashSaleId,
      name: r.name,
      salePriceMinor: r.salePriceMinor,
      endsAt: r.endsAt,
      remaining: r.totalCap === null ? null : r.totalCap - r.claimed,
      perCustomerLimit: r.perCustomerLimit,
    });
  }
  return best;
}

/** The next moment one of the shop's sales starts or ends (after `now`), or null: until then running prices stand. */
export async function nextSaleChange(tx: Tx, now = new Date()): Promise<Date | null> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const [row] = await tx.execute<{ at: string | null }>(sql`
    select least(min(${schema.flashSales.startsAt}) filter (where ${schema.flashSales.startsAt} > ${at}),
                 min(${schema.flashSales.endsAt})) as at
      from ${schema.flashSales} where ${schema.flashSales.endsAt} > ${at}`);
  return row?.at ? new Date(row.at) : null;
}

/** Running sales of a shop (soonest ending first) with their variant ids, for the home page. */
export async function runningSales(tx: Tx, now = new Date()) {
  const sales = await tx
    .select()
    .from(schema.flashSales)
    .where(
      and(
        lte(schema.flashSales.startsAt, now),
        gt(schema.flashSales.endsAt, now),
        sql`(${schema.flashSales.totalCap} is null or ${schema.flashSales.claimed} < ${schema.flashSales.totalCap})`,
      ),
    )
    .orderBy(asc(schema.flashSales.endsAt))
    .limit(10);
  if (!sales.length) return [];
  const variants = await tx
    .select({ flashSaleId: schema.flashSaleVariants.flashSaleId, productId: schema.variants.productId })
    .from(schema.flashSaleVariants)
    .innerJoin(
      schema.variants,
      and(eq(schema.variants.shopId, schema.flashSaleVariants.shopId), eq(schema.variants.id, schema.flashSaleVariants.variantId)),
    )
    .where(
      inArray(
        schema.flashSaleVariants.flashSaleId,
        sales.map((s) => s.id),
      ),
    );
  return sales.map((s) => ({
    id: s.id,
    name: s.name,
    endsAt: s.endsAt,
    remaining: s.totalCap === null ? null : s.totalCap - s.claimed,
    productIds: [...new Set(variants.filter((v) => v.flashSaleId === s.id).map((v) => v.productId))],
  }));
}

export interface ClaimLine {
  variantId: string;
  quantity: number;
  unitPriceMinor: number;
}
export interface ClaimedLine {
  variantId: string;
  unitPriceMinor: number;
  regularUnitPriceMinor: number | null;
  flashSaleId: string | null;
}

/**
 * Applies running sale prices to an order's lines and claims their units, inside the caller's
 * order transaction (`tx` from `withShop`). Lines without a running sale keep their price.
 *
 * Throws FlashSaleLimitError (message for the customer; `details.kind` "total" | "customer" |
 * "ended", `details.remaining`) when a running sale covers a line but its total cap or the
 * customer's limit would be exceeded — also when the sale sold out since the customer saw its
 * price; the caller's transaction then rolls back, claims included. Checkout shows the message;
 * if the customer then accepts the regular price, call again with `onLimit: "regular-price"`,
 * which charges such lines at their `unitPriceMinor` without claiming anything.
 * `customerKey`: the customer's id, or their lower-cased email or phone.
 */
export async function claimFlashSalePrices(
  tx: Tx,
  input: {
    shopId: string;
    orderId: string;
    customerKey: string;
    lines: ClaimLine[];
    now?: Date;
    onLimit?: "throw" | "regular-price";
    /** The running sales read before (`saleCapShortfall`), so the claim does not read them again. */
    prices?: Map<string, SalePrice>;
  },
): Promise<ClaimedLine[]> {
  const now = input.now ?? new Date();
  const customerKey = input.customerKey.trim().toLowerCase();
  for (const line of input.lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0)
      throw new RangeError(`quantity must be a positive integer (got ${line.quantity})`);
  }
  const prices =
    input.prices ?? (await runningSalePrices(tx, [...new Set(input.lines.map((l) => l.variantId))], now, { includeSoldOut: true }));
  // Claims in a fixed order (sale, variant), so two orders with the same lines never deadlock.
  const order = input.lines
    .map((line, index) => ({ line, index, sale: prices.get(line.variantId) }))
    .sort(
      (a, b) => (a.sale?.flashSaleId ?? "").localeCompare(b.sale?.flashSaleId ?? "") || a.line.variantId.localeCompare(b.line.variantId),
    );
  const result: ClaimedLine[] = input.lines.map((l) => ({
    variantId: l.variantId,
    unitPriceMinor: l.unitPriceMinor,
    regularUnitPriceMinor: null,
    flashSaleId: null,
  }));
  for (const { line, index, sale } of order) {
    if (!sale || sale.salePriceMinor >= line.unitPriceMinor) continue;
    if (input.onLimit === "regular-price") {
      // A savepoint, so a refused line leaves the order's transaction usable at the regular price.
      try {
        await tx.transaction((sp) => claimLine(sp, input.shopId, input.orderId, customerKey, line, sale, now));
        result[index] = {
          variantId: line.variantId,
          unitPriceMinor: sale.salePriceMinor,
          regularUnitPriceMinor: line.unitPriceMinor,
          flashSaleId: sale.flashSaleId,
        };
      } catch (error) {
        if (!(error instanceof FlashSaleLimitError)) throw error;
      }
      continue;
    }
    await claimLine(tx, input.shopId, input.orderId, customerKey, line, sale, now);
    result[index] = {
      variantId: line.variantId,
      unitPriceMinor: sale.salePriceMinor,
      regularUnitPriceMinor: line.unitPriceMinor,
      flashSaleId: sale.flashSaleId,
    };
  }
  return result;
}

/**
 * Before any lock is taken (a flash sale's first seconds: hundreds of buyers for a few units):
 * the running sales of the lines (as `claimFlashSalePrices` will claim them) and the refusal the
 * claim would give for a line whose sale's cap, as last committed, cannot cover it — so a buyer
 * of a sold-out sale is answered without queueing on the sale's row. The claim still decides:
 * a null here is no promise.
 */
export async function saleCapShortfall(
  tx: Tx,
  lines: ClaimLine[],
  now = new Date(),
): Promise<{ prices: Map<string, SalePrice>; refusal: FlashSaleLimitError | null }> {
  const prices = await runningSalePrices(tx, [...new Set(lines.map((l) => l.variantId))], now, { includeSoldOut: true });
  for (const line of lines) {
    const sale = prices.get(line.variantId);
    if (!sale || sale.salePriceMinor >= line.unitPriceMinor || sale.remaining === null || sale.remaining >= line.quantity) continue;
    return { prices, refusal: capError(sale, line.variantId, sale.remaining) };
  }
  return { prices, refusal: null };
}

function capError(sale: SalePrice, variantId: string, remaining: number): FlashSaleLimitError {
  return new FlashSaleLimitError(
    remaining === 0
      ? `The flash sale "${sale.name}" is sold out at the sale price.`
      : `Only ${remaining} left at the sale price in "${sale.name}". Lower the quantity to ${remaining} or fewer.`,
    { flashSaleId: sale.flashSaleId, variantId, kind: "total", remaining },
  );
}

/** Claims one line's units against its sale's cap and the customer's limit (see above). */
async function claimLine(
  tx: Tx,
  shopId: string,
  orderId: string,
  customerKey: string,
  line: ClaimLine,
  sale: SalePrice & { variantId?: string },
  now: Date,
) {
  const input = { shopId, orderId };
  {
    const [claimed] = await tx
      .update(schema.flashSales)
      .set({ claimed: sql`${schema.flashSales.claimed} + ${line.quantity}` })
      .where(
        and(
          eq(schema.flashSales.shopId, input.shopId),
          eq(schema.flashSales.id, sale.flashSaleId),
          lte(schema.flashSales.startsAt, now),
          gt(schema.flashSales.endsAt, now),
          sql`(${schema.flashSales.totalCap} is null or ${schema.flashSales.claimed} + ${line.quantity} <= ${schema.flashSales.totalCap})`,
        ),
      )
      .returning({ claimed: schema.flashSales.claimed });
    if (!claimed) {
      const [state] = await tx
        .select({ totalCap: schema.flashSales.totalCap, claimed: schema.flashSales.claimed, endsAt: schema.flashSales.endsAt })
        .from(schema.flashSales)
        .where(and(eq(schema.flashSales.shopId, input.shopId), eq(schema.flashSales.id, sale.flashSaleId)));
      if (!state || state.endsAt <= now) {
        throw new FlashSaleLimitError(`The flash sale "${sale.name}" has ended. Refresh your cart to see the current price.`, {
          flashSaleId: sale.flashSaleId,
          variantId: line.variantId,
          kind: "ended",
          remaining: 0,
        });
      }
      throw capError(sale, line.variantId, Math.max(0, (state.totalCap ?? 0) - state.claimed));
    }
    if (sale.perCustomerLimit !== null) {
      const limit = sale.perCustomerLimit;
      const [mine] =
        line.quantity > limit
          ? []
          : await tx
              .insert(schema.flashSaleCustomers)
              .values({ shopId: input.shopId, flashSaleId: sale.flashSaleId, customerKey, quantity: line.quantity })
              .onConflictDoUpdate({
                target: [schema.flashSaleCustomers.shopId, schema.flashSaleCustomers.flashSaleId, schema.flashSaleCustomers.customerKey],
                set: { quantity: sql`${schema.flashSaleCustomers.quantity} + excluded.quantity` },
                setWhere: sql`${schema.flashSaleCustomers.quantity} + excluded.quantity <= ${limit}`,
              })
              .returning({ quantity: schema.flashSaleCustomers.quantity });
      if (!mine) {
        const [had] = await tx
          .select({ quantity: schema.flashSaleCustomers.quantity })
          .from(schema.flashSaleCustomers)
          .where(
            and(
              eq(schema.flashSaleCustomers.shopId, input.shopId),
              eq(schema.flashSaleCustomers.flashSaleId, sale.flashSaleId),
              eq(schema.flashSaleCustomers.customerKey, customerKey),
            ),
          );
        const remaining = Math.max(0, limit - (had?.quantity ?? 0));
        throw new FlashSaleLimitError(
          remaining === 0
            ? `You have already bought the most allowed in "${sale.name}" (${limit} per customer).`
            : `"${sale.name}" allows ${limit} per customer: you can add ${remaining} more at the sale price.`,
          { flashSaleId: sale.flashSaleId, variantId: line.variantId, kind: "customer", remaining },
        );
      }
    }
    await tx.insert(schema.flashSaleClaims).values({
      shopId: input.shopId,
      flashSaleId: sale.flashSaleId,
      orderId: input.orderId,
      variantId: line.variantId,
      customerKey,
      quantity: line.quantity,
      unitPriceMinor: sale.salePriceMinor,
    });
  }
}

/** Gives an order's claimed units back to their sales (expired or cancelled order). Idempotent. */
export async function releaseFlashSaleClaims(tx: Tx, input: { shopId: string; orderId: string }): Promise<number> {
  if (!isUuid(input.orderId)) return 0;
  const released = await tx
    .update(schema.flashSaleClaims)
    .set({ releasedAt: new Date() })
    .where(
      and(
        eq(schema.flashSaleClaims.shopId, input.shopId),
        eq(schema.flashSaleClaims.orderId, input.orderId),
        isNull(schema.flashSaleClaims.releasedAt),
      ),
    )
    .returning({
      flashSaleId: schema.flashSaleClaims.flashSaleId,
      customerKey: schema.flashSaleClaims.customerKey,
      quantity: schema.flashSaleClaims.quantity,
    });
  const bySale = new Map<string, number>();
  const byCustomer = new Map<string, { flashSaleId: string; customerKey: string; quantity: number }>();
  for (const r of released) {
    bySale.set(r.flashSaleId, (bySale.get(r.flashSaleId) ?? 0) + r.quantity);
    const key = `${r.flashSaleId}\n${r.customerKey}`;
    byCustomer.set(key, { ...r, quantity: (byCustomer.get(key)?.quantity ?? 0) + r.quantity });
  }
  for (const [flashSaleId, quantity] of [...bySale].sort(([a], [b]) => a.localeCompare(b))) {
    await tx
      .update(schema.flashSales)
      .set({ claimed: sql`greatest(0, ${schema.flashSales.claimed} - ${quantity})` })
      .where(and(eq(schema.flashSales.shopId, input.shopId), eq(schema.flashSales.id, flashSaleId)));
  }
  for (const c of byCustomer.values()) {
    await tx
      .update(schema.flashSaleCustomers)
      .set({ quantity: sql`greatest(0, ${schema.flashSaleCustomers.quantity} - ${c.quantity})` })
      .where(
        and(
          eq(schema.flashSaleCustomers.shopId, input.shopId),
          eq(schema.flashSaleCustomers.flashSaleId, c.flashSaleId),
          eq(schema.flashSaleCustomers.customerKey, c.customerKey),
        ),
      );
  }
  return released.reduce((n, r) => n + r.quantity, 0);
}

// ---------------------------------------------------------------------------------------------
// Admin: list, create, edit, end.

export type FlashSaleState = "scheduled" | "running" | "ended";

export function saleState(sale: { startsAt: Date; endsAt: Date }, now = new Date()): FlashSaleState {
  if (sale.endsAt <= now) return "ended";
  return sale.startsAt <= now ? "running" : "scheduled";
}

export async function listFlashSales(shopId: string) {
  return withShop(shopId, async (tx) => {
    const sales = await tx
      .select()
      .from(schema.flashSales)
      .orderBy(desc(schema.flashSales.startsAt), desc(schema.flashSales.id))
      .limit(200);
    const counts = sales.length
      ? await tx
          .select({ flashSaleId: schema.flashSaleVariants.flashSaleId, n: sql<number>`count(*)::int` })
          .from(schema.flashSaleVariants)
          .where(
            inArray(
              schema.flashSaleVariants.flashSaleId,
              sales.map((s) => s.id),
            ),
          )
          .groupBy(schema.flashSaleVariants.flashSaleId)
      : [];
    const now = new Date();
    return sales.map((s) => ({ ...s, state: saleState(s, now), variants: counts.find((c) => c.flashSaleId === s.id)?.n ?? 0 }));
  });
}

/** A sale with every variant of the shop it may include (the editor's product list). */
export async function flashSaleForEditor(shopId: string, id: string | null) {
  return withShop(shopId, async (tx) => {
    const [sale] = id && isUuid(id) ? await tx.select().from(schema.flashSales).where(eq(schema.flashSales.id, id)) : [];
    if (id && !sale) return undefined;
    const lines = sale ? await tx.select().from(schema.flashSaleVariants).where(eq(schema.flashSaleVariants.flashSaleId, sale.id)) : [];
    const variants = await tx
      .select({
        id: schema.variants.id,
        title: schema.variants.title,
        sku: schema.variants.sku,
        priceMinor: schema.variants.priceMinor,
        currency: schema.variants.currency,
        productTitle: schema.products.title,
      })
      .from(schema.variants)
      .innerJoin(
        schema.products,
        and(eq(schema.products.shopId, schema.variants.shopId), eq(schema.products.id, schema.variants.productId)),
      )
      .where(sql`${schema.products.status} <> 'archived'`)
      .orderBy(asc(schema.products.title), asc(schema.variants.position))
      .limit(500);
    return { sale: sale ? { ...sale, state: saleState(sale) } : null, lines, variants };
  });
}

const Limit = z
  .string()
  .trim()
  .transform((s, ctx) => {
    if (s === "") return null;
    if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 1_000_000) {
      ctx.addIssue({ code: "custom", message: "limit" });
      return z.NEVER;
    }
    return Number(s);
  });

const SaleSchema = z.object({
  name: z.string().trim().min(2, "name").max(80, "maxChars"),
  startsAt: z.string().trim().min(1, "startsAt"),
  endsAt: z.string().trim().min(1, "endsAt"),
  perCustomerLimit: Limit,
  totalCap: Limit,
});

/**
 * A datetime-local value ("2026-12-06T10:00") read in the shop's time zone. Returns undefined
 * for anything else.
 */
export function parseLocalDateTime(value: string, timeZone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  // The zone's offset at that moment (twice, for the hour around a DST change).
  const offset = (at: number) => {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    }).formatToParts(at);
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
    return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - at;
  };
  let at = asUtc - offset(asUtc);
  at = asUtc - offset(at);
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "2026-12-06T10:00" in the shop's time zone, for a datetime-local input. */
export function toLocalDateTime(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(date);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "00";
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}`;
}

export type SaveSaleResult = { ok: true; id: string } | { ok: false; errors: CodedErrors };

/**
 * Creates or updates a sale from the editor's form: name, window (shop time zone), limits and
 * `price_<variantId>` fields (a sale price, or empty for "not in the sale").
 */
export async function saveFlashSale(
  shop: { shopId: string; timezone: string },
  id: string | null,
  form: Record<string, unknown>,
  actor: { userId: string } & RequestInfo,
): Promise<SaveSaleResult | undefined> {
  const parsed = SaleSchema.safeParse(form);
  // Messages are keys of deals:errors (coded: the page words them in its language).
  const errors: CodedErrors = parsed.success ? {} : codedFieldErrors(parsed.error, "deals:errors.");
  const problem = (key: string, values?: Record<string, string | number>) => coded(`deals:errors.${key}`, values);
  const raw = (name: string) => (typeof form[name] === "string" ? (form[name] as string).trim() : "");
  const startsAt = parseLocalDateTime(raw("startsAt"), shop.timezone);
  const endsAt = parseLocalDateTime(raw("endsAt"), shop.timezone);
  if (!startsAt) errors.startsAt ??= problem("dateTime", { example: "2026-12-12T10:00" });
  else if (errors.startsAt) delete errors.startsAt;
  if (!endsAt) errors.endsAt ??= problem("dateTime", { example: "2026-12-12T22:00" });
  if (startsAt && endsAt && endsAt <= startsAt) errors.endsAt = problem("endsBeforeStart");

  return withShop(shop.shopId, async (tx) => {
    const [existing] = id
      ? isUuid(id)
        ? await tx.select().from(schema.flashSales).where(eq(schema.flashSales.id, id)).for("update")
        : []
      : [];
    if (id && !existing) return undefined;
    const variantRows = await tx
      .select({ id: schema.variants.id, priceMinor: schema.variants.priceMinor, currency: schema.variants.currency })
      .from(schema.variants);
    const lines: Array<{ variantId: string; salePriceMinor: number }> = [];
    for (const v of variantRows) {
      const raw = form[`price_${v.id}`];
      if (typeof raw !== "string" || raw.trim() === "") continue;
      const minor = parseMoney(raw.trim(), v.currency);
      if (minor === undefined || minor < 0) errors[`price_${v.id}`] = problem("price");
      else if (minor >= v.priceMinor) errors[`price_${v.id}`] = problem("priceNotLower");
      else lines.push({ variantId: v.id, salePriceMinor: minor });
    }
    if (!lines.length && !Object.keys(errors).some((k) => k.startsWith("price_"))) errors.variants = problem("noVariants");
    if (existing && parsed.success && parsed.data.totalCap !== null && parsed.data.totalCap < existing.claimed) {
      errors.totalCap = problem("capBelowSold", { count: existing.claimed });
    }
    if (Object.keys(errors).length || !parsed.success || !startsAt || !endsAt) return { ok: false as const, errors };
    const values = {
      name: parsed.data.name,
      startsAt,
      endsAt,
      perCustomerLimit: parsed.data.perCustomerLimit,
      totalCap: parsed.data.totalCap,
      updatedAt: new Date(),
    };
    let saleId: string;
    if (existing) {
      await tx
        .update(schema.flashSales)
        .set({ ...values, endedAt: null })
        .where(eq(schema.flashSales.id, existing.id));
      await tx.delete(schema.flashSaleVariants).where(eq(schema.flashSaleVariants.flashSaleId, existing.id));
      saleId = existing.id;
    } else {
      const [created] = await tx
        .insert(schema.flashSales)
        .values({ shopId: shop.shopId, ...values })
        .returning({ id: schema.flashSales.id });
      saleId = created.id;
    }
    await tx.insert(schema.flashSaleVariants).values(lines.map((l) => ({ shopId: shop.shopId, flashSaleId: saleId, ...l })));
    await audit(tx, {
      shopId: shop.shopId,
      actorUserId: actor.userId,
      action: existing ? "flash_sale.updated" : "flash_sale.created",
      targetType: "flash_sale",
      targetId: saleId,
      after: { ...values, variants: lines.length },
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
    return { ok: true as const, id: saleId };
  });
}

/** Ends a sale now (it stays in the list as ended). */
export async function endFlashSale(shopId: string, id: string, actor: { userId: string } & RequestInfo): Promise<boolean> {
  if (!isUuid(id)) return false;
  return withShop(shopId, async (tx) => {
    const [ended] = await tx
      .update(schema.flashSales)
      .set({
        endsAt: sql`now()`,
        startsAt: sql`least(${schema.flashSales.startsAt}, now() - interval '1 second')`,
        endedAt: sql`now()`,
        updatedAt: new Date(),
      })
      .where(and(eq(schema.flashSales.id, id), gt(schema.flashSales.endsAt, sql`now()`)))
      .returning({ id: schema.flashSales.id });
    if (ended)
      await audit(tx, {
        shopId,
        actorUserId: actor.userId,
        action: "flash_sale.ended",
        targetType: "flash_sale",
        targetId: id,
        ip: actor.ip,
        userAgent: actor.userAgent,
      });
    return Boolean(ended);
  });
}
