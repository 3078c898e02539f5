/**
 * The storefront page cache across processes (app/server/page-cache.server.ts): two web
 * processes behind one port keep anonymous pages in memory, and a change committed by a third
 * process (this one, writing through the domain or plain SQL) reaches both through PostgreSQL's
 * NOTIFY: neither answers with the old page afterwards. Visitors with cookies are never answered
 * from it, and each answer carries its own CSP nonce.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { updateShopSettings } from "~/domain/shops/shops.server";
import { cachedForShop, storefrontCacheLive, trackValidity, type Validity } from "~/domain/storefront/cache.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { until } from "../helpers/async";
import { makeShop, makeUser } from "../helpers/factories";
import { type AppProcess, startWebProcesses } from "../helpers/processes";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";
import { makeActiveProduct } from "../helpers/storefront";
import { htmlDecode } from "../helpers/web";

let stack: IsolatedStack;
let web: AppProcess & { url: string; processes: number };
let ip = 1;

beforeAll(async () => {
  stack = await isolatedStack();
  process.env.TRUST_PROXY = "1";
  web = await startWebProcesses(2);
});

afterAll(async () => {
  await web?.stop();
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

/** An anonymous GET (no cookies), as a new visitor from its own address. */
async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(web.url + path, { headers: { "X-Forwarded-For": `203.0.113.${ip++ % 250}`, ...headers }, redirect: "manual" });
  return { res, status: res.status, cache: res.headers.get("x-page-cache"), html: htmlDecode(await res.text()) };
}

/** Enough answers that both processes (the cluster deals connections round-robin) answered several. */
async function answers(path: string, n = 8) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await get(path));
  return out;
}

describe("page cache over two web processes", () => {
  it("serves anonymous pages from memory and forgets them in every process when the data changes", async () => {
    expect(web.processes).toBe(2);
    const owner = await makeUser();
    const shop = await makeShop(owner.id, { name: "Kedai Kuih Mak Minah" });
    const product = await makeActiveProduct(shop.id, owner.id, { title: "Kuih Lapis Sarawak" });
    if (!product.ok) throw new Error("product not saved");
    const path = `/s/${shop.slug}/products/${product.handle}`;

    const before = await answers(path);
    expect(before.every((a) => a.status === 200 && a.html.includes("Kuih Lapis Sarawak"))).toBe(true);
    // Each process rendered it once at most, then answered from memory.
    expect(before.filter((a) => a.cache === "miss").length).toBeLessThanOrEqual(2);
    expect(before.slice(-4).every((a) => a.cache === "hit")).toBe(true);

    // A write by another process (this one), as any admin, worker or checkout would commit it.
    await withShop(shop.id, (tx) =>
      tx.update(schema.products).set({ title: "Kuih Lapis Kukus" }).where(eq(schema.products.id, product.productId)),
    );
    await until(async () => (await answers(path, 4)).every((a) => a.html.includes("Kuih Lapis Kukus")));
    const after = await answers(path);
    expect(after.some((a) => a.html.includes("Kuih Lapis Sarawak"))).toBe(false);
    expect(after.slice(-4).every((a) => a.cache === "hit")).toBe(true); // cached again, new title

    // A change of the shop row (its name) reaches every page of the shop, home included.
    const home = `/s/${shop.slug}`;
    expect((await answers(home)).slice(-4).every((a) => a.cache === "hit" && a.html.includes(shop.name))).toBe(true);
    const renamed = "Kedai Kuih Mak Minah Baru";
    const saved = await updateShopSettings(
      { userId: owner.id, shopId: shop.id },
      { name: renamed, timezone: shop.timezone, language: "en" },
      {},
    );
    expect(saved).toEqual({ ok: true });
    await until(async () => (await answers(home, 4)).every((a) => a.html.includes(renamed)));
    await until(async () => (await answers(path, 4)).every((a) => a.html.includes(renamed)));
  });

  it("never answers a visitor with cookies from memory, and gives every answer its own nonce", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    const home = `/s/${shop.slug}`;
    const [first, second, third] = await answers(home, 3);
    const nonce = (a: { res: Response }) => /'nonce-([^']+)'/.exec(a.res.headers.get("content-security-policy") ?? "")?.[1];
    for (const a of [second, third]) {
      expect(a.html).toContain(`nonce="${nonce(a)}"`);
      expect(a.res.headers.get("cache-control")).toBe("public, max-age=0, s-maxage=60, stale-while-revalidate=600");
      // The same headers as the answer that rendered it (its Vary written once, not once more per answer).
      expect(a.res.headers.get("vary")).toBe(first.res.headers.get("vary"));
      expect(a.res.headers.get("content-type")).toBe(first.res.headers.get("content-type"));
      expect(a.res.headers.get("set-cookie")).toBeNull();
    }
    expect(first.res.headers.get("vary")).toBe("Accept-Language, Cookie, Accept-Encoding");
    expect(nonce(second)).not.toBe(nonce(third));
    const withCookie = await get(home, { Cookie: "lng=ms" });
    expect(withCookie.cache).toBeNull();
    expect(withCookie.res.headers.get("cache-control")).toBe("private, no-store");
    // The language a visitor's browser asks for is part of the page's identity.
    const malay = await get(home, { "Accept-Language": "ms" });
    expect(malay.html).toContain('<html lang="ms"');
  });

  it("keeps a page no longer than the earliest end of the data it was built from (a sale starting or ending)", async () => {
    await until(async () => storefrontCacheLive());
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    const saleEnds = Date.now() + 3_600_000;
    const validity: Validity = { until: Date.now() + 60_000 + 3_600_000 };
    await trackValidity(validity, async () => {
      await cachedForShop(shop.id, "page-cache-test:far", async () => ({ value: 1 }));
      await cachedForShop(shop.id, "page-cache-test:sale", async () => ({ value: 2, until: saleEnds }));
    });
    expect(validity.until).toBeLessThanOrEqual(Date.now() + 60_000); // the entries' own limit
    const again: Validity = { until: Infinity };
    await trackValidity(again, () => cachedForShop(shop.id, "page-cache-test:sale", async () => ({ value: 3 }))); // a hit
    expect(again.until).toBeLessThanOrEqual(saleEnds);
    const soon: Validity = { until: Infinity };
    const ends = Date.now() + 1_000;
    await trackValidity(soon, () => cachedForShop(shop.id, "page-cache-test:soon", async () => ({ value: 4, until: ends })));
    expect(soon.until).toBe(ends);
  });
});
