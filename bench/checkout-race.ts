/**
 * `npm run bench:checkout-race -- --buyers 1000 --units 10 [--processes 2]`: many buyers check
 * out the last units of one variant at the same moment, over HTTP against the web app (the
 * production build, with its own services started like `npm start` when none are configured).
 *
 * Each buyer is a separate browser (own cookies, CSRF token and client address through
 * X-Forwarded-For): it opens the shop, adds one unit to its cart, then all buyers post the
 * checkout form at once. Then the same with a capped flash sale (stock to spare, the sale's cap
 * = units, one per customer, every email address used by two buyers), then the plain race again
 * on `--processes` web processes (scripts/web.ts, WEB_PROCESSES). Each server's bare route
 * (`/bench/bare` under autocannon) is measured in the same run. Prints:
 *   checkout race: buyers=<n> units=<n> orders=<n> oversold=<n> p50=<ms> p99=<ms> rate=<posts/s> bare=<rps> ratio=<rate/bare>
 *   checkout race (flash sale): buyers=<n> cap=<n> per_customer=1 orders=<n> over_cap=<n> over_limit=<n> p50=… ratio=…
 *   checkout race (processes=<n>): … the first line's fields on n web processes
 * p50/p99: the checkout POST's latency (placed and refused alike); rate: buyers / the burst's
 * duration (first post sent → last answer received).
 */
import { parseArgs } from "node:util";

import { benchEnvironment } from "./environment";
import { bareRate, serveApp } from "./serve";

const { values } = parseArgs({
  options: {
    buyers: { type: "string", default: "200" },
    units: { type: "string", default: "10" },
    processes: { type: "string", default: "2" },
  },
});
const buyers = Number(values.buyers);
const units = Number(values.units);
const processes = Number(values.processes);

// Every buyer is its own client address (X-Forwarded-For from one trusted proxy hop): the
// per-address limits stay as configured, and 200 people are not one address.
process.env.TRUST_PROXY ??= "1";
process.env.LOG_LEVEL ??= "error"; // 200 refusals are expected, not warnings
// The bare route's load comes from one address.
process.env.RATE_LIMIT_PUBLIC_PER_MINUTE ??= "100000000";
const services = await benchEnvironment();
const stops: Array<() => Promise<void>> = [services.stop];
let exitCode = 0;
try {
  const { closeDatabase, schema, withShop } = await import("~db/client");
  const { closeRedis } = await import("~/lib/redis.server");
  const { signUp } = await import("~/domain/accounts/signup.server");
  const { shownPoliciesField } = await import("~/domain/policies/versions.server");
  const { createShop } = await import("~/domain/shops/shops.server");
  const { createProduct, validateDraft } = await import("~/domain/catalog/products.server");
  const { loadShippingSetup } = await import("~/domain/checkout/shipping.server");
  const { saveFlashSale, toLocalDateTime } = await import("~/domain/storefront/flash-sales.server");
  const { makeDraft } = await import("../tests/helpers/catalog");
  const { checkoutForm } = await import("../tests/helpers/checkout");
  const { eq } = await import("drizzle-orm");
  stops.unshift(async () => {
    await closeRedis();
    await closeDatabase();
  });

  const who = { ip: "127.0.0.1", userAgent: "bench" };
  let runs = 0;
  /** A fresh shop, owner and product (and sale) per race. */
  async function setUp(options: { stock: number; cap?: number }) {
    const tag = Math.random().toString(36).slice(2, 8);
    const user = await signUp(
      {
        name: "Bench Owner",
        email: `race-${tag}@bench.netshop.local`,
        phone: `+6011${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`,
        companyName: "Bench",
        password: "race bench owner password",
        adult: "on",
        terms: "on",
        ...(await shownPoliciesField(["privacy", "terms"])),
      },
      { ...who, ip: `10.250.${Math.floor(Math.random() * 250)}.1` },
    );
    if (!user.ok) throw new Error(`owner: ${JSON.stringify(user.errors)}`);
    const shop = await createShop(user.userId, { name: "Race Shop", slug: `race-${tag}` }, who);
    if (!shop.ok) throw new Error(`shop: ${JSON.stringify(shop.errors)}`);
    const draft = validateDraft(makeDraft({ title: "Last Batik", price: "59.00", stock: options.stock, status: "active" }), "MYR", {
      regenerate: false,
    });
    if (!draft.ok) throw new Error("draft");
    const product = await createProduct(shop.shop.id, draft.input, { userId: user.userId, ...who });
    if (!product.ok) throw new Error("product");
    const shopId = shop.shop.id;
    const [variant] = await withShop(shopId, (tx) =>
      tx.select({ id: schema.variants.id }).from(schema.variants).where(eq(schema.variants.productId, product.productId)),
    );
    let saleId: string | null = null;
    if (options.cap !== undefined) {
      const timezone = "Asia/Kuala_Lumpur";
      const sale = await saveFlashSale(
        { shopId, timezone },
        null,
        {
          name: "12.12",
          startsAt: toLocalDateTime(new Date(Date.now() - 3_600_000), timezone),
          endsAt: toLocalDateTime(new Date(Date.now() + 3_600_000), timezone),
          totalCap: String(options.cap),
          perCustomerLimit: "1",
          [`price_${variant.id}`]: "12.12",
        },
        { userId: user.userId, ...who },
      );
      if (!sale?.ok) throw new Error(`sale: ${JSON.stringify(sale)}`);
      saleId = sale.id;
    }
    const rateId = (await loadShippingSetup(shopId)).rates.find((r) => r.zone === "peninsular")!.id;
    return { tag, shopId, slug: shop.shop.slug, variantId: variant.id, rateId, saleId };
  }

  async function race(base: string, setup: Awaited<ReturnType<typeof setUp>>, emailOf: (i: number) => string) {
    const { slug, variantId, rateId } = setup;
    const run = ++runs;
    class Buyer {
      cookies = new Map<string, string>();
      csrf = "";
      constructor(readonly ip: string) {}
      headers(): Record<string, string> {
        return {
          "X-Forwarded-For": this.ip,
          ...(this.cookies.size ? { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
        };
      }
      remember(res: Response) {
        for (const line of res.headers.getSetCookie()) {
          const [pair] = line.split(";");
          const [name, ...value] = pair.split("=");
          this.cookies.set(name.trim(), value.join("="));
        }
      }
      async get(p: string) {
        const res = await fetch(base + p, { headers: this.headers(), redirect: "manual" });
        this.remember(res);
        const html = await res.text();
        this.csrf = html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? this.csrf;
        return res;
      }
      async post(p: string, fields: Record<string, string>) {
        const res = await fetch(base + p, {
          method: "POST",
          headers: { ...this.headers(), "Content-Type": "application/x-www-form-urlencoded", Origin: base },
          body: new URLSearchParams({ ...fields, _csrf: this.csrf }),
          redirect: "manual",
        });
        this.remember(res);
        await res.arrayBuffer();
        return res;
      }
    }
    // A fresh block of client addresses per race (the checkout limits count per address).
    const people = Array.from(
      { length: buyers },
      (_, i) => new Buyer(`${100 + run}.${64 + Math.floor(i / 62500)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`),
    );
    // Everyone fills a cart first (adding does not hold stock: all of them can).
    for (let i = 0; i < people.length; i += 25) {
      await Promise.all(
        people.slice(i, i + 25).map(async (b) => {
          await b.get(`/s/${slug}`);
          const res = await b.post(`/s/${slug}/cart`, { intent: "add", variantId, quantity: "1" });
          if (res.status !== 302) throw new Error(`add to cart answered ${res.status}`);
        }),
      );
    }
    const form = (i: number) => ({
      ...checkoutForm(rateId, { email: emailOf(i), name: `Buyer ${i}`, line1: `${i} Jalan Race` }),
      intent: "place",
    });
    // Then all of them press "Place order" at once.
    const timings: number[] = [];
    const started = performance.now();
    const statuses = await Promise.all(
      people.map(async (b, i) => {
        const sent = performance.now();
        // A connection the server dropped (status 0) is counted and reported, not a crash of the bench.
        const res = await b.post(`/s/${slug}/checkout`, form(i)).catch((error: Error) => ({ error }));
        timings.push(performance.now() - sent);
        if ("error" in res)
          return { status: 0, location: `${res.error.message}: ${(res.error.cause as Error | undefined)?.message ?? ""}` };
        return { status: res.status, location: res.headers.get("location") ?? "" };
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const placed = statuses.filter((s) => s.status === 302 && /\/orders\/[0-9a-f-]{36}\/pay$/.test(s.location)).length;
    const unexpected = statuses.filter((s) => s.status !== 302 && s.status !== 409);
    if (unexpected.length) {
      console.error(
        `unexpected answers: ${[...new Set(unexpected.map((s) => (s.status ? s.status : `no answer (${s.location})`)))].join(", ")} (${unexpected.length})`,
      );
      exitCode = 1;
    }
    timings.sort((a, b) => a - b);
    const pct = (p: number) => Math.round(timings[Math.min(timings.length - 1, Math.floor((p / 100) * timings.length))]);
    return { placed, p50: pct(50), p99: pct(99), rate: buyers / seconds };
  }

  /** What the database says about a race's shop: orders, units sold of the variant, its stock level, the sale. */
  async function outcome(setup: Awaited<ReturnType<typeof setUp>>) {
    return withShop(setup.shopId, async (tx) => {
      const lines = await tx
        .select({ q: schema.orderLines.quantity, email: schema.orders.email, sale: schema.orderLines.flashSaleId })
        .from(schema.orderLines)
        .innerJoin(schema.orders, eq(schema.orders.id, schema.orderLines.orderId))
        .where(eq(schema.orderLines.variantId, setup.variantId));
      const orders = await tx.select({ id: schema.orders.id }).from(schema.orders);
      const [lvl] = await tx.select().from(schema.inventoryLevels).where(eq(schema.inventoryLevels.variantId, setup.variantId));
      const [sale] = setup.saleId ? await tx.select().from(schema.flashSales).where(eq(schema.flashSales.id, setup.saleId)) : [];
      const perEmail = new Map<string, number>();
      for (const l of lines) if (l.sale) perEmail.set(l.email ?? "", (perEmail.get(l.email ?? "") ?? 0) + l.q);
      return {
        orders: orders.length,
        sold: lines.reduce((n, l) => n + l.q, 0),
        saleUnits: lines.filter((l) => l.sale).reduce((n, l) => n + l.q, 0),
        level: lvl,
        sale,
        overLimit: [...perEmail.values()].filter((q) => q > 1).length,
      };
    });
  }
  const check = (placed: number, orders: number) => {
    if (placed !== orders) console.error(`note: ${placed} pay redirects seen, ${orders} orders in the database`);
  };
  const fmt = (r: { p50: number; p99: number; rate: number }, bare: number) =>
    `p50=${r.p50} p99=${r.p99} rate=${r.rate.toFixed(0)} bare=${bare.toFixed(0)} ratio=${(r.rate / bare).toFixed(2)}`;
  const bareOptions = { duration: 5, connections: 10 };

  for (const count of [1, ...(processes > 1 ? [processes] : [])]) {
    const served = await serveApp(count);
    stops.unshift(served.stop);
    const bare = (await bareRate(served.base, bareOptions)).rps;
    const label = count === 1 ? "checkout race" : `checkout race (processes=${count})`;

    const plain = await setUp({ stock: units });
    const r = await race(served.base, plain, (i) => `buyer${i}-${plain.tag}@bench.netshop.local`);
    const o = await outcome(plain);
    check(r.placed, o.orders);
    const oversold = Math.max(0, o.sold - units) + Math.max(0, o.level.reserved - o.level.onHand);
    if (o.orders !== units || oversold) exitCode = 1;
    console.log(`${label}: buyers=${buyers} units=${units} orders=${o.orders} oversold=${oversold} ${fmt(r, bare)}`);

    if (count === 1) {
      // A capped sale: plenty of stock, `units` at the sale price, one per customer, two buyers per email.
      const capped = await setUp({ stock: buyers * 2, cap: units });
      const s = await race(served.base, capped, (i) => `buyer${Math.floor(i / 2)}-${capped.tag}@bench.netshop.local`);
      const so = await outcome(capped);
      check(s.placed, so.orders);
      const overCap = Math.max(0, so.saleUnits - units) + Math.max(0, (so.sale?.claimed ?? 0) - units);
      if (so.orders !== units || overCap || so.overLimit) exitCode = 1;
      console.log(
        `checkout race (flash sale): buyers=${buyers} cap=${units} per_customer=1 orders=${so.orders} over_cap=${overCap} over_limit=${so.overLimit} ${fmt(s, bare)}`,
      );
    }
    await served.stop();
    stops.shift();
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  for (const stop of stops) await stop().catch(() => {});
}
process.exit(exitCode);
