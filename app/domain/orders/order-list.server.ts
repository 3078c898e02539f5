/**
 * The admin order list: filters (order, payment and fulfilment status, dates, own or dropship
 * lines), search (order number, customer name, phone, email), sorts and keyset pages, built to
 * stay fast at 100,000 orders in a shop (bench/admin-orders.ts); and the same rows as CSV.
 *
 * Keyset as in the product list: each sort has an index ending in id (migration
 * 0010_orders_admin), a page is "the next 50 after (sort value, id)". Exact searches (number,
 * email, phone), dates and dropship are leakproof conditions, read under RLS. Status filters
 * (enum equality) and name searches (LIKE) are not leakproof, so under RLS they could never be
 * index conditions: their page's ids and count are read through the platform role with the shop
 * explicit (status indexes, the name's trigram index), then the rows under RLS by id. Totals are
 * counted up to COUNT_CAP.
 */
import { stringify } from "csv-stringify/sync";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { z } from "zod";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { decodeCursor, encodeCursor } from "~/lib/ids";
import { escapeLike } from "~/lib/like";
import { normalisePhone } from "~/lib/phone";
import { asPlatform, schema, type Tx, withShop } from "~db/client";

import { ORDER_STATUSES } from "./order-status";

export const ORDER_PAGE_SIZE = 50;
export const PAYMENT_STATUSES = ["unpaid", "paid", "partially_refunded", "refunded"] as const;
export const FULFILMENT_STATUSES = ["unfulfilled", "partially_fulfilled", "fulfilled"] as const;
export const ORDER_SORTS = ["newest", "oldest", "total"] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];

const empty = z.literal("").transform(() => undefined);
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => !Number.isNaN(Date.parse(d)))
  .or(empty)
  .optional()
  .catch(undefined);
export const OrderListQuerySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  status: z.enum(ORDER_STATUSES).or(empty).optional().catch(undefined),
  payment: z.enum(PAYMENT_STATUSES).or(empty).optional().catch(undefined),
  fulfilment: z.enum(FULFILMENT_STATUSES).or(empty).optional().catch(undefined),
  source: z.enum(["own", "dropship"]).or(empty).optional().catch(undefined),
  from: day,
  to: day,
  sort: z.enum(ORDER_SORTS).catch("newest").default("newest"),
  after: z.string().max(200).optional().catch(undefined),
  before: z.string().max(200).optional().catch(undefined),
});
export type OrderListQuery = z.infer<typeof OrderListQuerySchema>;

const o = schema.orders;
const ORDER: Record<OrderSort, { key: SQL; desc: boolean; cast: (v: string) => SQL }> = {
  newest: { key: sql`${o.createdAt}`, desc: true, cast: (v) => sql`${v}::timestamptz` },
  oldest: { key: sql`${o.createdAt}`, desc: false, cast: (v) => sql`${v}::timestamptz` },
  total: { key: sql`${o.totalMinor}`, desc: true, cast: (v) => sql`${v}::bigint` },
};

/** How a search term is read: an order number, an email, a phone number, or part of a name. */
export function searchFilter(q: string): { exact: SQL } | { name: string } {
  const digits = q.replace(/^#/, "");
  if (/^\d{1,8}$/.test(digits)) return { exact: sql`${o.number} = ${Number(digits)}` };
  if (q.includes("@")) return { exact: sql`${o.email} = ${q.toLowerCase()}` };
  if (/^[+\d][\d\s-]{6,}$/.test(q)) {
    const phone = normalisePhone(q);
    if (phone) return { exact: sql`${o.phone} = ${phone}` };
  }
  return { name: q };
}

async function shopTimezone(tx: Tx, shopId: string): Promise<string> {
  const [shop] = await tx.select({ timezone: schema.shops.timezone }).from(schema.shops).where(eq(schema.shops.id, shopId));
  return shop?.timezone ?? "Asia/Kuala_Lumpur";
}

function filtersFor(shopId: string, query: OrderListQuery, timezone: string): SQL[] {
  const filters: SQL[] = [eq(o.shopId, shopId)];
  if (query.status) filters.push(eq(o.status, query.status));
  if (query.payment) filters.push(eq(o.paymentStatus, query.payment));
  if (query.fulfilment) filters.push(eq(o.fulfilmentStatus, query.fulfilment));
  if (query.source) filters.push(eq(o.hasDropship, query.source === "dropship"));
  if (query.from) filters.push(sql`${o.createdAt} >= (${query.from}::date)::timestamp at time zone ${timezone}`);
  if (query.to) filters.push(sql`${o.createdAt} < ((${query.to}::date + 1)::timestamp at time zone ${timezone})`);
  if (query.q) {
    const search = searchFilter(query.q);
    if ("exact" in search) filters.push(search.exact);
  }
  return filters;
}

export interface OrderListRow {
  id: string;
  number: number;
  customerName: string;
  email: string | null;
  phone: string | null;
  status: (typeof ORDER_STATUSES)[number];
  paymentStatus: (typeof PAYMENT_STATUSES)[number];
  fulfilmentStatus: (typeof FULFILMENT_STATUSES)[number];
  currency: string;
  totalMinor: number;
  refundedMinor: number;
  hasDropship: boolean;
  invoiceNumber: number | null;
  createdAt: string;
  sortValue: string;
}

const COLUMNS = sql`${o.id} as id, ${o.number} as number, ${o.customerName} as customer_name, ${o.email} as email, ${o.phone} as phone,
  ${o.status} as status, ${o.paymentStatus} as payment_status, ${o.fulfilmentStatus} as fulfilment_status, ${o.currency} as currency,
  ${o.totalMinor} as total_minor, ${o.refundedMinor} as refunded_minor, ${o.hasDropship} as has_dropship, ${o.invoiceNumber} as invoice_number,
  ${o.createdAt} as created_at`;

type RawRow = {
  id: string;
  number: number;
  customer_name: string;
  email: string | null;
  phone: string | null;
  status: OrderListRow["status"];
  payment_status: OrderListRow["paymentStatus"];
  fulfilment_status: OrderListRow["fulfilmentStatus"];
  currency: string;
  total_minor: string | number;
  refunded_minor: string | number;
  has_dropship: boolean;
  invoice_number: number | null;
  created_at: Date | string;
  sort_value: string;
  total?: number;
};
const toRow = (r: RawRow): OrderListRow => ({
  id: r.id,
  number: r.number,
  customerName: r.customer_name,
  email: r.email,
  phone: r.phone,
  status: r.status,
  paymentStatus: r.payment_status,
  fulfilmentStatus: r.fulfilment_status,
  currency: r.currency,
  totalMinor: Number(r.total_minor),
  refundedMinor: Number(r.refunded_minor),
  hasDropship: r.has_dropship,
  invoiceNumber: r.invoice_number,
  createdAt: new Date(r.created_at).toISOString(),
  sortValue: r.sort_value,
});

/** Beyond this many matching orders the list shows "10,000+" instead of counting them all. */
export const COUNT_CAP = 10_000;
/** A name search counts its matches up to this many ("1,000+"): a count is a read of every match. */
const NAME_COUNT_CAP = 1_000;
/** How many orders a name search walks in the list's order before it reads the name's trigram index. */
const NAME_WALK = 2_000;

export async function listOrders(
  shopId: string,
  query: OrderListQuery,
  pageSize = ORDER_PAGE_SIZE,
  options: { count?: boolean } = { count: true },
) {
  const order = ORDER[query.sort];
  const search = query.q ? searchFilter(query.q) : undefined;
  const nameSearch = search && "name" in search ? search.name : undefined;
  const cap = nameSearch ? NAME_COUNT_CAP : COUNT_CAP;

  const after = decodeCursor(query.after);
  const before = after ? undefined : decodeCursor(query.before);
  const cursor = after ?? before;
  const backwards = !!before;
  const descending = order.desc !== backwards;
  // The indexes are DESC NULLS LAST (drizzle's desc()); read backwards they give ASC NULLS FIRST.
  // Matching that exactly lets the planner walk the index (the columns are never null).
  const direction = descending ? sql`desc nulls last` : sql`asc nulls first`;
  const cmp = descending ? sql`<` : sql`>`;
  const keyset = cursor ? sql`and (${order.key}, ${o.id}) ${cmp} (${order.cast(cursor[0])}, ${cursor[1]}::uuid)` : sql``;
  const pageOf = (tx: Tx, filters: SQL[], columns: SQL) =>
    tx.execute<RawRow>(sql`
      select ${columns}, (${order.key})::text as sort_value from ${o}
       where ${and(...filters)} ${keyset}
       order by ${order.key} ${direction}, ${o.id} ${direction}
       limit ${pageSize + 1}`);
  // The newest NAME_WALK orders (in the page's sort, after its cursor), filtered by the name.
  const walkPage = (tx: Tx, filters: SQL[], pattern: string) =>
    tx.execute<RawRow>(sql`
      select id, sort_value from (
        select ${o.id} as id, ${o.customerName} as customer_name, ${order.key} as sort_key, (${order.key})::text as sort_value from ${o}
         where ${and(...filters)} ${keyset}
         order by ${order.key} ${direction}, ${o.id} ${direction}
         limit ${NAME_WALK}) w
       where lower(w.customer_name) like ${pattern}
       order by w.sort_key ${direction}, w.id ${direction}
       limit ${pageSize + 1}`);
  // Every match first (MATERIALIZED: through the trigram index), then sorted.
  const trigramPage = (tx: Tx, filters: SQL[]) =>
    tx.execute<RawRow>(sql`
      with m as materialized (select ${o.id} as id, ${order.key} as sort_key from ${o} where ${and(...filters)} ${keyset})
      select id, sort_key::text as sort_value from m order by sort_key ${direction}, id ${direction} limit ${pageSize + 1}`);
  // Counted up to COUNT_CAP: past it the list says "10,000+", and the count stays a bounded index scan.
  const countOf = async (tx: Tx, filters: SQL[], cap = COUNT_CAP) =>
    options.count
      ? (
          await tx.execute<{ total: number }>(
            sql`select count(*)::int as total from (select 1 from ${o} where ${and(...filters)} limit ${cap + 1}) c`,
          )
        )[0].total
      : 0;

  let rows: OrderListRow[];
  let total: number;
  if (!nameSearch && !query.status && !query.payment && !query.fulfilment) {
    // Every condition is leakproof (the shop, dates, dropship, exact number/email/phone): under RLS they are index conditions.
    ({ rows, total } = await withShop(shopId, async (tx) => {
      const filters = filtersFor(shopId, query, query.from || query.to ? await shopTimezone(tx, shopId) : "UTC");
      // Sent together: one connection pipelines them (one round trip fewer per request).
      const [pageRows, count] = await Promise.all([pageOf(tx, filters, COLUMNS), countOf(tx, filters)]);
      return { rows: [...pageRows].map(toRow), total: count };
    }));
  } else {
    // A status filter (enum equality) or a name search (LIKE) is not leakproof, so under RLS it
    // can never be an index condition: with 100,000 orders the page and its count walked and
    // filtered rows (a seq scan for a count). So, like the storefront search, the page's ids and
    // the count are read through the platform role with the shop explicit, from the status
    // indexes (shop_id, status, created_at, id) and the name's trigram index (migration
    // 0020_storefront_cache); then the rows under RLS by id (a wrong id could not show another
    // shop's order).
    const found = await asPlatform(async (tx) => {
      const filters = filtersFor(shopId, query, query.from || query.to ? await shopTimezone(tx, shopId) : "UTC");
      if (!nameSearch) {
        const [pageRows, count] = await Promise.all([pageOf(tx, filters, sql`${o.id} as id`), countOf(tx, filters)]);
        return { page: [...pageRows], total: count };
      }
      // A name search, bounded both ways (issue 16). PostgreSQL cannot estimate how many orders
      // a LIKE '%…%' matches, and guessed wrong both ways at 100,000 orders: a common name
      // (6,253 matches) was read whole through the trigram index and sorted (43 ms), a name
      // nobody has walked all 100,000 orders newest first (167 ms). So: the newest NAME_WALK
      // orders of the page's sort are walked in index order, filtered by the name, stopping at a
      // full page (a common name: ~1,000 rows, under 1 ms); only when that finds no full page
      // are the matches read through the trigram index (a rare name: few rows), the CTE keeping
      // the planner from walking the whole list instead. The count stops at NAME_COUNT_CAP.
      const pattern = `%${escapeLike(nameSearch.toLowerCase())}%`;
      const name = sql`lower(${o.customerName}) like ${pattern}`;
      const [walked, count] = await Promise.all([walkPage(tx, filters, pattern), countOf(tx, [...filters, name], cap)]);
      if (walked.length > pageSize) return { page: [...walked], total: count };
      // Under three characters a trigram index cannot narrow anything: the plain query, as the planner sees fit.
      const rest =
        nameSearch.length < 3 ? await pageOf(tx, [...filters, name], sql`${o.id} as id`) : await trigramPage(tx, [...filters, name]);
      return { page: [...rest], total: count };
    });
    total = found.total;
    const ids = found.page.map((r) => r.id);
    const byId = new Map(
      ids.length
        ? [
            ...(await withShop(shopId, (tx) =>
              tx.execute<RawRow>(sql`select ${COLUMNS}, '' as sort_value from ${o} where ${o.id} = any(${`{${ids.join(",")}}`}::uuid[])`),
            )),
          ].map((r) => [r.id, r])
        : [],
    );
    rows = found.page.flatMap((r) => {
      const row = byId.get(r.id);
      return row ? [toRow({ ...row, sort_value: r.sort_value })] : [];
    });
  }
  const more = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const hasNext = backwards ? true : more;
  const hasPrev = backwards ? more : !!after;
  return {
    total: Math.min(total, cap),
    more: total > cap,
    items: page.map(({ sortValue: _s, ...r }) => r),
    nextCursor: hasNext && last ? encodeCursor(last.sortValue, last.id) : undefined,
    prevCursor: hasPrev && first ? encodeCursor(first.sortValue, first.id) : undefined,
  };
}

export const CSV_HEADER = [
  "Order",
  "Date",
  "Customer",
  "Email",
  "Phone",
  "Status",
  "Payment",
  "Fulfilment",
  "Currency",
  "Total",
  "Refunded",
  "Invoice",
  "Dropship",
];

const decimal = (minor: number) => (minor / 100).toFixed(2);

/**
 * The filtered list as CSV, in pages of 1,000 by keyset (each page its own short transaction),
 * so a 100,000-order export streams without holding a snapshot or the rows in memory.
 */
export async function* exportOrdersCsv(
  shopId: string,
  query: OrderListQuery,
  actor: { userId: string } & RequestInfo,
): AsyncGenerator<string> {
  await withShop(shopId, (tx) =>
    audit(tx, {
      shopId,
      actorUserId: actor.userId,
      action: "orders.exported",
      targetType: "orders",
      after: { ...query, after: undefined, before: undefined },
      ip: actor.ip,
      userAgent: actor.userAgent,
    }),
  );
  yield stringify([CSV_HEADER]);
  let after: string | undefined;
  for (;;) {
    const page = await listOrders(shopId, { ...query, after, before: undefined }, 1000, { count: false });
    if (page.items.length === 0) return;
    yield stringify(
      page.items.map((r) => [
        `#${r.number}`,
        r.createdAt,
        r.customerName,
        r.email ?? "",
        r.phone ?? "",
        r.status,
        r.paymentStatus,
        r.fulfilmentStatus,
        r.currency,
        decimal(r.totalMinor),
        decimal(r.refundedMinor),
        r.invoiceNumber ?? "",
        r.hasDropship ? "yes" : "no",
      ]),
    );
    if (!page.nextCursor) return;
    after = page.nextCursor;
  }
}
