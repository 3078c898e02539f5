/**
 * `npm run bench:checkout-race -- --buyers 200 --units 10`: many buyers check out the last units
 * of one variant at the same moment, over HTTP against the web app (the production build served
 * in this process, with its own services started like `npm start` when none are configured).
 *
 * Each buyer is a separate browser (own cookies, CSRF token and client address through
 * X-Forwarded-For): it opens the shop, adds one unit to its cart, then all buyers post the
 * checkout form at once. Prints one line:
 *   checkout race: buyers=<n> units=<n> orders=<orders placed> oversold=<units sold beyond stock> p50=<ms> p99=<ms>
 * where p50/p99 are the checkout POST's latencies (placed and refused alike).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { buildIfStale, ROOT } from "../scripts/app-processes";
import { benchEnvironment } from "./environment";

const { values } = parseArgs({ options: { buyers: { type: "string", default: "200" }, units: { type: "string", default: "10" } } });
const buyers = Number(values.buyers);
const units = Number(values.units);

// Every buyer is its own client address (X-Forwarded-For from one trusted proxy hop): the
// per-address limits stay as configured, and 200 people are not one address.
process.env.TRUST_PROXY ??= "1";
process.env.LOG_LEVEL ??= "error"; // 200 refusals are expected, not warnings
const services = await benchEnvironment();
const stops: Array<() => Promise<void>> = [services.stop];
let exitCode = 0;
try {
  const { closeDatabase, schema, withShop } = await import("~db/client");
  const { closeRedis } = await import("~/lib/redis.server");
  const { createHttpApp } = await import("~/server/http.server");
  const { signUp } = await import("~/domain/accounts/signup.server");
  const { createShop } = await import("~/domain/shops/shops.server");
  const { createProduct, validateDraft } = await import("~/domain/catalog/products.server");
  const { loadShippingSetup } = await import("~/domain/checkout/shipping.server");
  const { makeDraft } = await import("../tests/helpers/catalog");
  const { eq, and, inArray } = await import("drizzle-orm");
  stops.unshift(async () => {
    await closeRedis();
    await closeDatabase();
  });

  // A fresh shop, owner and product each run.
  const tag = Math.random().toString(36).slice(2, 8);
  const who = { ip: "127.0.0.1", userAgent: "bench" };
  const user = await signUp(
    {
      name: "Bench Owner",
      email: `race-${tag}@bench.netshop.local`,
      phone: `+6011${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`,
      companyName: "Bench",
      password: "race bench owner password",
      adult: "on",
      terms: "on",
    },
    { ...who, ip: `10.250.${Math.floor(Math.random() * 250)}.1` },
  );
  if (!user.ok) throw new Error(`owner: ${JSON.stringify(user.errors)}`);
  const shop = await createShop(user.userId, { name: "Race Shop", slug: `race-${tag}` }, who);
  if (!shop.ok) throw new Error(`shop: ${JSON.stringify(shop.errors)}`);
  const draft = validateDraft(makeDraft({ title: "Last Batik", price: "59.00", stock: units, status: "active" }), "MYR", {
    regenerate: false,
  });
  if (!draft.ok) throw new Error("draft");
  const product = await createProduct(shop.shop.id, draft.input, { userId: user.userId, ...who });
  if (!product.ok) throw new Error("product");
  const shopId = shop.shop.id;
  const slug = shop.shop.slug;
  const [variant] = await withShop(shopId, (tx) =>
    tx.select({ id: schema.variants.id }).from(schema.variants).where(eq(schema.variants.productId, product.productId)),
  );
  const rateId = (await loadShippingSetup(shopId)).rates.find((r) => r.zone === "peninsular")!.id;

  buildIfStale();
  const build = (await import(pathToFileURL(path.join(ROOT, "build", "index.js")).href)) as ServerBuild;
  const server = http.createServer(createHttpApp({ build, publicDir: path.join(ROOT, "public") }));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stops.unshift(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

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

  const people = Array.from(
    { length: buyers },
    (_, i) => new Buyer(`100.${64 + Math.floor(i / 62500)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`),
  );
  // Everyone fills a cart first (adding does not hold stock: all of them can).
  for (let i = 0; i < people.length; i += 25) {
    await Promise.all(
      people.slice(i, i + 25).map(async (b) => {
        await b.get(`/s/${slug}`);
        const res = await b.post(`/s/${slug}/cart`, { intent: "add", variantId: variant.id, quantity: "1" });
        if (res.status !== 302) throw new Error(`add to cart answered ${res.status}`);
      }),
    );
  }
  const form = (i: number) => ({
    intent: "place",
    email: `buyer${i}-${tag}@bench.netshop.local`,
    phone: "",
    name: `Buyer ${i}`,
    line1: `${i} Jalan Race`,
    line2: "",
    city: "Petaling Jaya",
    state: "Selangor",
    postcode: "47300",
    country: "MY",
    shippingRateId: rateId,
    note: "",
  });
  // Then all of them press "Place order" at once.
  const timings: number[] = [];
  const statuses = await Promise.all(
    people.map(async (b, i) => {
      const started = performance.now();
      const res = await b.post(`/s/${slug}/checkout`, form(i));
      timings.push(performance.now() - started);
      return { status: res.status, location: res.headers.get("location") ?? "" };
    }),
  );
  const placed = statuses.filter((s) => s.status === 302 && /\/orders\/[0-9a-f-]{36}\/pay$/.test(s.location)).length;
  const unexpected = statuses.filter((s) => s.status !== 302 && s.status !== 409);
  if (unexpected.length)
    console.error(`unexpected answers: ${[...new Set(unexpected.map((s) => s.status))].join(", ")} (${unexpected.length})`);

  // What the database says: units held by this variant's orders, and the level itself.
  const { orderLines, orders: ordersTable, inventoryLevels } = schema;
  const [lvl] = await withShop(shopId, (tx) => tx.select().from(inventoryLevels).where(eq(inventoryLevels.variantId, variant.id)));
  const orderRows = await withShop(shopId, (tx) =>
    tx.select({ id: ordersTable.id }).from(ordersTable).where(eq(ordersTable.shopId, shopId)),
  );
  const lines = orderRows.length
    ? await withShop(shopId, (tx) =>
        tx
          .select({ q: orderLines.quantity })
          .from(orderLines)
          .where(
            and(
              eq(orderLines.variantId, variant.id),
              inArray(
                orderLines.orderId,
                orderRows.map((o) => o.id),
              ),
            ),
          ),
      )
    : [];
  const sold = lines.reduce((n, l) => n + l.q, 0);
  const oversold = Math.max(0, sold - units) + Math.max(0, lvl.reserved - lvl.onHand);
  timings.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(timings[Math.min(timings.length - 1, Math.floor((p / 100) * timings.length))]);
  console.log(
    `checkout race: buyers=${buyers} units=${units} orders=${orderRows.length} oversold=${oversold} p50=${pct(50)} p99=${pct(99)}`,
  );
  if (placed !== orderRows.length) console.error(`note: ${placed} pay redirects seen, ${orderRows.length} orders in the database`);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  for (const stop of stops) await stop().catch(() => {});
}
process.exit(exitCode);
