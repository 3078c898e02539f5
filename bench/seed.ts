/**
 * `npm run seed:bench -- --shops 1000 --products 100000`: the large data set for benchmarks.
 *
 * The first shop ("bench-0000", owner bench-0000@bench.netshop.local / BENCH_PASSWORD) gets
 * 10,000 products (or all of them, if fewer are asked for); the rest are spread over the other
 * shops. Each product has 1 to 4 variants with stock, a consistent ledger (one "initial"
 * movement per stocked variant) and its stock total; some are in collections.
 *
 * Fast: multi-row inserts from arrays (`insert … select * from unnest(…)`), a few thousand rows
 * per statement, through the platform role (whose policy spans shops) — not one request per row.
 * Uses DATABASE_URL when set, otherwise the benchmark database in .data/bench (see environment.ts).
 * `--reset` deletes an earlier bench data set first.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

import postgres from "postgres";

import { config, databaseUrls } from "~/config.server";
import { hashPassword } from "~/domain/accounts/passwords.server";
import { handleize } from "~/domain/catalog/catalog-rules";
import { renderDescription } from "~/domain/catalog/description.server";

export const BENCH_PASSWORD = "bench-password-2026";
export const BIG_SHOP_SLUG = "bench-0000";
export const BIG_SHOP_PRODUCTS = 10_000;

const ADJECTIVES = [
  "Kenanga",
  "Cempaka",
  "Melati",
  "Teratai",
  "Seroja",
  "Mawar",
  "Orkid",
  "Dahlia",
  "Kemboja",
  "Tanjung",
  "Pandan",
  "Serai",
];
const MATERIALS = ["Batik", "Songket", "Cotton", "Linen", "Rattan", "Pewter", "Ceramic", "Satin", "Silk", "Bamboo"];
const NOUNS = [
  "Shirt",
  "Sampin",
  "Tudung",
  "Tote Bag",
  "Mug",
  "Kaftan",
  "Scarf",
  "Sarong",
  "Coaster Set",
  "Cushion Cover",
  "Baju Kurung",
  "Tankard",
];
const VARIANT_SHAPES: Array<{ options: Array<{ name: string; values: string[] }> }> = [
  { options: [] },
  { options: [{ name: "Size", values: ["S", "M", "L"] }] },
  {
    options: [
      { name: "Size", values: ["M", "L"] },
      { name: "Colour", values: ["Indigo", "Maroon"] },
    ],
  },
  { options: [{ name: "Colour", values: ["Black", "Cream"] }] },
];

/** A small deterministic generator, so two runs make the same data set. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function seedBench(options: { shops: number; products: number; reset?: boolean; log?: (line: string) => void }) {
  const log = options.log ?? ((l: string) => console.error(l));
  const started = performance.now();
  const sql = postgres(databaseUrls(config()).platform, { max: 4, onnotice: () => {} });
  try {
    const [existing] = await sql`select id from shops where slug = ${BIG_SHOP_SLUG}`;
    if (existing && !options.reset) {
      const [{ shops, products }] = await sql`
        select (select count(*)::int from shops where slug like 'bench-%') as shops,
               (select count(*)::int from products p join shops s on s.id = p.shop_id where s.slug like 'bench-%') as products`;
      log(`bench data set already there (${shops} shops, ${products} products); --reset to make it again`);
      return { shops, products, ms: 0 };
    }
    if (existing) {
      log("deleting the earlier bench data set…");
      await sql`delete from users where email like '%@bench.netshop.local'`;
      await sql`delete from shops where slug like 'bench-%'`;
    }
    const shopCount = Math.max(1, options.shops);
    const productCount = Math.max(1, options.products);
    const bigShare = Math.min(BIG_SHOP_PRODUCTS, productCount);
    const rand = random(20261122);
    const passwordHash = await hashPassword(BENCH_PASSWORD);
    const now = Date.now();

    // People and shops.
    const userIds = Array.from({ length: shopCount }, () => randomUUID());
    const shopIds = Array.from({ length: shopCount }, () => randomUUID());
    const label = (i: number) => `bench-${String(i).padStart(4, "0")}`;
    for (let from = 0; from < shopCount; from += 5000) {
      const idx = Array.from({ length: Math.min(5000, shopCount - from) }, (_, k) => from + k);
      await sql`insert into users (id, email, name, phone, password_hash, adult_confirmed_at, terms_accepted_at, terms_version)
        select id, email, name, phone, ${passwordHash}, now(), now(), '2026-11-01'
          from unnest(${idx.map((i) => userIds[i])}::uuid[], ${idx.map((i) => `${label(i)}@bench.netshop.local`)}::text[],
                      ${idx.map((i) => `Bench owner ${i}`)}::text[], ${idx.map((i) => `+6011${String(10_000_000 + i)}`)}::text[])
            as t(id, email, name, phone)`;
      await sql`insert into shops (id, slug, name) select * from unnest(${idx.map((i) => shopIds[i])}::uuid[], ${idx.map(label)}::text[], ${idx.map((i) => `Bench shop ${i}`)}::text[])`;
      await sql`insert into shop_memberships (shop_id, user_id, role) select s, u, 'owner' from unnest(${idx.map((i) => shopIds[i])}::uuid[], ${idx.map((i) => userIds[i])}::uuid[]) as t(s, u)`;
      await sql`insert into shop_plans (shop_id, plan_id) select s, 'pro' from unnest(${idx.map((i) => shopIds[i])}::uuid[]) as t(s)`;
    }
    // Collections: three per shop.
    const collectionIds = shopIds.map(() => [randomUUID(), randomUUID(), randomUUID()]);
    const collectionTitles = ["New arrivals", "Best sellers", "Raya 2026"];
    {
      const rows = shopIds.flatMap((shopId, i) => collectionTitles.map((title, k) => ({ shopId, id: collectionIds[i][k], title })));
      for (let from = 0; from < rows.length; from += 5000) {
        const part = rows.slice(from, from + 5000);
        await sql`insert into collections (shop_id, id, title, handle)
          select s, id, t, h from unnest(${part.map((r) => r.shopId)}::uuid[], ${part.map((r) => r.id)}::uuid[], ${part.map((r) => r.title)}::text[], ${part.map((r) => handleize(r.title))}::text[]) as x(s, id, t, h)`;
      }
    }
    log(`${shopCount} shops with their owners in ${Math.round(performance.now() - started)} ms`);

    // Products: the big shop first, then the rest spread over the others.
    const perShop = (i: number) => {
      if (shopCount === 1) return productCount;
      if (i === 0) return bigShare;
      const rest = productCount - bigShare;
      return Math.floor(rest / (shopCount - 1)) + (i - 1 < rest % (shopCount - 1) ? 1 : 0);
    };
    const description = renderDescription("Made in Malaysia by small workshops.\n\n- Hand finished\n- Ships in 2 working days");
    let made = 0;
    let batch: Array<{ shopIndex: number; n: number }> = [];
    const flush = async () => {
      if (!batch.length) return;
      const p = {
        shop: [] as string[],
        id: [] as string[],
        title: [] as string[],
        handle: [] as string[],
        status: [] as string[],
        brand: [] as string[],
        type: [] as string[],
        tags: [] as string[],
        options: [] as string[],
        stock: [] as Array<number | null>,
        created: [] as string[],
        updated: [] as string[],
      };
      const v = {
        shop: [] as string[],
        id: [] as string[],
        product: [] as string[],
        position: [] as number[],
        title: [] as string[],
        o1: [] as Array<string | null>,
        o2: [] as Array<string | null>,
        sku: [] as string[],
        price: [] as number[],
        compare: [] as Array<number | null>,
        cost: [] as number[],
        grams: [] as number[],
        track: [] as boolean[],
        onHand: [] as number[],
      };
      const cp = { shop: [] as string[], collection: [] as string[], product: [] as string[], position: [] as number[] };
      for (const { shopIndex, n } of batch) {
        const shopId = shopIds[shopIndex];
        const productId = randomUUID();
        const title = `${ADJECTIVES[n % ADJECTIVES.length]} ${MATERIALS[Math.floor(n / 7) % MATERIALS.length]} ${NOUNS[Math.floor(n / 3) % NOUNS.length]} ${String(n).padStart(5, "0")}`;
        const shape = VARIANT_SHAPES[n % VARIANT_SHAPES.length];
        const created = now - Math.floor(rand() * 365 * 24 * 3600 * 1000);
        const track = n % 10 !== 9;
        const combos =
          shape.options.length === 0
            ? [[]]
            : shape.options.length === 1
              ? shape.options[0].values.map((x) => [x])
              : shape.options[0].values.flatMap((x) => shape.options[1].values.map((y) => [x, y]));
        const price = 1_000 + Math.floor(rand() * 400) * 100;
        let total = 0;
        combos.forEach((values, position) => {
          const onHand = rand() < 0.12 ? 0 : Math.floor(rand() * 40);
          total += onHand;
          v.shop.push(shopId);
          v.id.push(randomUUID());
          v.product.push(productId);
          v.position.push(position);
          v.title.push(values.length ? values.join(" / ") : "Default");
          v.o1.push(values[0] ?? null);
          v.o2.push(values[1] ?? null);
          v.sku.push(`B${shopIndex}-${n}-${position}`);
          v.price.push(price + position * 500);
          v.compare.push(n % 5 === 0 ? price + 3_000 : null);
          v.cost.push(Math.floor(price * 0.45));
          v.grams.push(150 + (n % 8) * 50);
          v.track.push(track);
          v.onHand.push(track ? onHand : 0);
        });
        p.shop.push(shopId);
        p.id.push(productId);
        p.title.push(title);
        p.handle.push(`${handleize(title)}`);
        p.status.push(n % 10 < 7 ? "active" : n % 10 < 9 ? "draft" : "archived");
        p.brand.push(MATERIALS[n % MATERIALS.length] + " Works");
        p.type.push(NOUNS[Math.floor(n / 3) % NOUNS.length]);
        p.tags.push([MATERIALS[Math.floor(n / 7) % MATERIALS.length].toLowerCase(), "bench"].join(","));
        p.options.push(JSON.stringify(shape.options));
        p.stock.push(track ? total : null);
        p.created.push(new Date(created).toISOString());
        p.updated.push(new Date(created + Math.floor(rand() * (now - created))).toISOString());
        if (n % 5 === 0) {
          cp.shop.push(shopId);
          cp.collection.push(collectionIds[shopIndex][n % 3]);
          cp.product.push(productId);
          cp.position.push(n);
        }
      }
      await sql.begin(async (tx) => {
        await tx`insert into products (shop_id, id, title, handle, description_md, description_html, status, brand, product_type, tags, options, stock_on_hand, published_at, created_at, updated_at)
          select s, id, t, h, 'Made in Malaysia by small workshops.', ${description}, st::product_status, b, ty, string_to_array(tg, ','), o::jsonb, sk,
                 case when st = 'active' then c::timestamptz end, c::timestamptz, u::timestamptz
            from unnest(${p.shop}::uuid[], ${p.id}::uuid[], ${p.title}::text[], ${p.handle}::text[], ${p.status}::text[], ${p.brand}::text[], ${p.type}::text[],
                        ${p.tags}::text[], ${p.options}::text[], ${p.stock}::int[], ${p.created}::text[], ${p.updated}::text[])
              as x(s, id, t, h, st, b, ty, tg, o, sk, c, u)`;
        await tx`insert into variants (shop_id, id, product_id, position, title, option1, option2, sku, price_minor, compare_at_price_minor, cost_minor, currency, weight_grams, track_inventory)
          select s, id, p, pos, t, o1, o2, sku, pr, cmp, co, 'MYR', g, tr::bool
            from unnest(${v.shop}::uuid[], ${v.id}::uuid[], ${v.product}::uuid[], ${v.position}::int[], ${v.title}::text[], ${v.o1}::text[], ${v.o2}::text[],
                        ${v.sku}::text[], ${v.price}::int[], ${v.compare}::int[], ${v.cost}::int[], ${v.grams}::int[], ${v.track.map((t) => (t ? "t" : "f"))}::text[])
              as x(s, id, p, pos, t, o1, o2, sku, pr, cmp, co, g, tr)`;
        await tx`insert into inventory_levels (shop_id, variant_id, on_hand) select * from unnest(${v.shop}::uuid[], ${v.id}::uuid[], ${v.onHand}::int[])`;
        await tx`insert into inventory_movements (shop_id, variant_id, delta, reason, on_hand_after)
          select s, id, q, 'initial', q from unnest(${v.shop}::uuid[], ${v.id}::uuid[], ${v.onHand}::int[]) as x(s, id, q) where q > 0`;
        if (cp.shop.length) {
          await tx`insert into collection_products (shop_id, collection_id, product_id, position)
            select * from unnest(${cp.shop}::uuid[], ${cp.collection}::uuid[], ${cp.product}::uuid[], ${cp.position}::int[])`;
        }
      });
      made += batch.length;
      batch = [];
      if (made % 20_000 < 2_000) log(`${made} products…`);
    };
    for (let i = 0; i < shopCount; i++) {
      const count = perShop(i);
      for (let n = 0; n < count; n++) {
        batch.push({ shopIndex: i, n });
        if (batch.length === 2_000) await flush();
      }
    }
    await flush();
    // Fresh statistics for the planner (ANALYZE needs the tables' owner).
    const owner = postgres(config().DATABASE_URL, { max: 1, onnotice: () => {} });
    await owner`analyze`.finally(() => owner.end({ timeout: 5 }));
    const ms = Math.round(performance.now() - started);
    log(`bench data set: ${shopCount} shops, ${made} products (${BIG_SHOP_SLUG} has ${perShop(0)}) in ${(ms / 1000).toFixed(1)} s`);
    return { shops: shopCount, products: made, ms };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const isMain = process.argv[1]?.endsWith("bench/seed.ts");
if (isMain) {
  const { values } = parseArgs({
    options: {
      shops: { type: "string", default: "1000" },
      products: { type: "string", default: "100000" },
      reset: { type: "boolean", default: false },
    },
  });
  const { benchEnvironment } = await import("./environment");
  const services = await benchEnvironment();
  try {
    await seedBench({ shops: Number(values.shops), products: Number(values.products), reset: values.reset });
  } finally {
    await services.stop();
  }
}
