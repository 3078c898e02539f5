import http from "node:http";

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { addImageFromBuffer, processMedia } from "~/domain/media/media.server";
import { updateShopSettings } from "~/domain/shops/shops.server";
import { forgetStorefrontShop } from "~/domain/storefront/shop.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { makePng } from "../helpers/catalog";
import { makeShop, makeUser, onPlan, unique } from "../helpers/factories";
import { HOUR, makeActiveProduct, makeCollection, makeFlashSale } from "../helpers/storefront";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

let web: Awaited<ReturnType<typeof startWeb>>;
let owner: Awaited<ReturnType<typeof makeUser>>;
let shopA: Awaited<ReturnType<typeof makeShop>>;
let shopB: Awaited<ReturnType<typeof makeShop>>;
const domainA = `${unique("kedai")}.example.my`;
let shirt: { productId: string; handle: string };
let variants: Array<{ id: string; title: string }>;
let collectionHandle: string;
let ipCounter = 1;

/** A GET as a fresh browser (its own address, so the public rate limit never interferes). */
async function page(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(web.url + path, {
    headers: { "X-Forwarded-For": `198.51.100.${ipCounter++ % 250}`, ...headers },
    redirect: "manual",
  });
  return { res, html: htmlDecode(await res.text()) };
}

/** A request with a chosen Host header (a shop's own domain), which fetch does not allow. */
function hostGet(
  host: string,
  path: string,
  headers: Record<string, string> = {},
  form?: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(web.url);
  const body = form ? new URLSearchParams(form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: form ? "POST" : "GET",
        headers: {
          Host: host,
          "X-Forwarded-For": `198.51.100.${ipCounter++ % 250}`,
          ...(form ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
          ...headers,
        },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: htmlDecode(body) }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const titles = (html: string) => [...html.matchAll(/<h3 class="product-title">([^<]*)</g)].map((m) => m[1]);

beforeAll(async () => {
  web = await startWeb();
  owner = await makeUser();
  shopA = await makeShop(owner.id, { name: "Kedai Kenanga" });
  shopB = await makeShop(owner.id, { name: "Kedai Lain" });
  // Own domains are in Growth.
  await onPlan(shopA.id, "growth");
  await onPlan(shopB.id, "growth");
  const collectionId = await makeCollection(shopA.id, "Raya Picks");
  [{ handle: collectionHandle }] = await withShop(shopA.id, (tx) =>
    tx.select().from(schema.collections).where(eq(schema.collections.id, collectionId)),
  );
  shirt = await makeActiveProduct(shopA.id, owner.id, {
    title: "Kenanga Batik Shirt",
    options: [["Size", ["S", "M"]]],
    price: "129.00",
    compareAt: "159.00",
    stock: 3,
    sku: "KEN",
    collectionIds: [collectionId],
  });
  const mediaId = await addImageFromBuffer(shopA.id, shirt.productId, {
    body: await makePng(1000, 800),
    contentType: "image/png",
    filename: "shirt.png",
    alt: "Indigo batik shirt, front",
  });
  await processMedia({ shopId: shopA.id, mediaId }); // what the media job does
  variants = await withShop(shopA.id, (tx) =>
    tx.select().from(schema.variants).where(eq(schema.variants.productId, shirt.productId)).orderBy(schema.variants.position),
  );
  await makeActiveProduct(shopA.id, owner.id, { title: "Songket Tote Bag", price: "45.00", stock: 0 });
  const mug = await makeActiveProduct(shopA.id, owner.id, { title: "Pewter Mug", price: "20.00", stock: 10 });
  await makeActiveProduct(shopA.id, owner.id, { title: "Secret Draft Batik", price: "10.00", stock: 10, status: "draft" });
  await makeActiveProduct(shopB.id, owner.id, { title: "Batik Rahsia Kedai Lain", price: "30.00", stock: 10 });
  await makeActiveProduct(shopB.id, owner.id, { title: "手绘蜡染衬衫", price: "88.00", stock: 10, extra: { handle: "handdrawn-batik" } });
  const [mugVariant] = await withShop(shopA.id, (tx) =>
    tx.select().from(schema.variants).where(eq(schema.variants.productId, mug.productId)),
  );
  await makeFlashSale(shopA, owner.id, {
    name: "Midnight Pewter",
    from: new Date(Date.now() - HOUR),
    to: new Date(Date.now() + 2 * HOUR),
    prices: { [mugVariant.id]: "15.00" },
    totalCap: 50,
  });
  const set = await updateShopSettings(
    { userId: owner.id, shopId: shopA.id },
    { name: shopA.name, timezone: shopA.timezone, language: "en", customDomain: domainA.toUpperCase() },
    {},
  );
  expect(set).toEqual({ ok: true });
  forgetStorefrontShop(shopA.slug);
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

describe("storefront pages", () => {
  it("home: featured collection, the running flash sale with a countdown, published products only", async () => {
    const { res, html } = await page(`/s/${shopA.slug}`);
    expect(res.status).toBe(200);
    expect(html).toContain("Kedai Kenanga");
    expect(html).toContain('data-testid="featured-collection"');
    expect(html).toContain("Raya Picks");
    expect(html).toMatch(/data-testid="flash-sale"[\s\S]*Midnight Pewter[\s\S]*data-countdown[\s\S]*Pewter Mug/);
    expect(html).toMatch(/<time datetime="[^"]+" data-countdown="">(\d{2}:\d{2}:\d{2})<\/time>/i);
    expect(html).toContain('data-testid="deals"');
    expect(titles(html)).toEqual(expect.arrayContaining(["Kenanga Batik Shirt", "Songket Tote Bag", "Pewter Mug"]));
    expect(html).not.toContain("Secret Draft Batik");
    expect(html).not.toContain("Batik Rahsia Kedai Lain");
  });

  it("collection page lists its products; unknown shop, collection and product are real 404s", async () => {
    const { res, html } = await page(`/s/${shopA.slug}/collections/${collectionHandle}`);
    expect(res.status).toBe(200);
    expect(titles(html)).toEqual(["Kenanga Batik Shirt"]);
    for (const path of [
      `/s/${unique("nope-")}`,
      `/s/${shopA.slug}/collections/nope`,
      `/s/${shopA.slug}/products/nope`,
      `/s/${shopA.slug}/products/secret-draft-batik`,
    ]) {
      const missing = await page(path);
      expect(missing.res.status, path).toBe(404);
    }
    const inShop = await page(`/s/${shopA.slug}/products/nope`);
    expect(inShop.html).toContain('data-testid="storefront-error"');
    expect(inShop.html).toContain('data-testid="shop-name"'); // the shop's header stays
  });

  it("product page: price and compare-at, stock, a variant picker that works by link, the cart and wishlist forms", async () => {
    const { res, html } = await page(`/s/${shopA.slug}/products/${shirt.handle}`);
    expect(res.status).toBe(200);
    expect(html).toMatch(/data-testid="price-now">RM\s?129\.00</);
    expect(html).toMatch(/data-testid="price-compare">RM\s?159\.00</);
    expect(html).toMatch(/data-testid="stock-state"[^>]*>Only 3 left</);
    // The image with its webp renditions as srcset.
    const img = /<img[^>]*data-testid="product-image"[^>]*>/.exec(html)?.[0] ?? "";
    expect(img).toContain('alt="Indigo batik shirt, front"');
    const srcset = /srcset="([^"]+)"/i.exec(img)?.[1] ?? "";
    expect(srcset.split(", ").map((s) => s.split(" ")[1])).toEqual(expect.arrayContaining(["160w", "480w", "960w"]));
    const [small, medium] = variants;
    expect(html).toContain(`href="/s/${shopA.slug}/products/${shirt.handle}?variant=${medium.id}"`);
    expect(html).toMatch(/<form method="post" action="\/s\/[^"]+\/cart"[^>]*data-testid="add-to-cart"/);
    expect(html).toContain(`name="variantId" value="${small.id}"`);
    expect(html).toContain('name="intent" value="add"');
    expect(html).toContain('name="quantity"');
    expect(html).toMatch(/action="\/s\/[^"]+\/wishlist"[\s\S]*name="productId" value="[0-9a-f-]{36}"/);

    const chosen = await page(`/s/${shopA.slug}/products/${shirt.handle}?variant=${medium.id}`);
    expect(chosen.html).toContain(`name="variantId" value="${medium.id}"`);
    expect(chosen.html).toMatch(/aria-current="true"[^>]*>M</);
    expect(chosen.html).toContain("M · SKU KEN-2");

    const soldOut = await page(`/s/${shopA.slug}/products/songket-tote-bag`);
    expect(soldOut.html).toMatch(/data-testid="stock-state"[^>]*>Sold out</);
    expect(soldOut.html).toMatch(/<button type="submit" disabled="">Sold out<\/button>/);
  });

  it("product page: JSON-LD Product and OpenGraph tags", async () => {
    const { html } = await page(`/s/${shopA.slug}/products/${shirt.handle}`);
    const json = /<script type="application\/ld\+json">([^<]*)<\/script>/.exec(html)?.[1];
    const ld = JSON.parse(json!);
    expect(ld).toMatchObject({ "@context": "https://schema.org", "@type": "Product", name: "Kenanga Batik Shirt" });
    expect(ld.offers).toHaveLength(2);
    expect(ld.offers[0]).toMatchObject({
      "@type": "Offer",
      price: "129.00",
      priceCurrency: "MYR",
      availability: "https://schema.org/InStock",
      sku: "KEN-1",
    });
    expect(ld.image[0]).toMatch(/^http.*\.webp$/);
    expect(html).toMatch(/<meta property="og:image" content="http[^"]+\.webp"\/>/);
    expect(html).toContain('<meta property="og:type" content="product"/>');
    expect(html).toContain('<meta property="og:title" content="Kenanga Batik Shirt"/>');
    expect(html).toMatch(/<meta property="og:url" content="http[^"]+\/s\/[^"]+\/products\/kenanga-batik-shirt"\/>/);
    expect(html).toContain('<meta property="product:price:amount" content="129.00"/>');
    expect(html).toMatch(/<link rel="canonical" href="[^"]+\/products\/kenanga-batik-shirt"\/>/);
  });

  it("a running flash sale shows its price, the regular price struck through and a countdown", async () => {
    const { html } = await page(`/s/${shopA.slug}/products/pewter-mug`);
    expect(html).toMatch(/data-testid="price-now">RM\s?15\.00</);
    expect(html).toMatch(/data-testid="price-compare">RM\s?20\.00</);
    expect(html).toMatch(/data-testid="product-sale"[\s\S]*Midnight Pewter[\s\S]*data-countdown/);
    expect(html).toContain("Only 50 left at this price");
    const ld = JSON.parse(/<script type="application\/ld\+json">([^<]*)<\/script>/.exec(html)![1]);
    expect(ld.offers[0].price).toBe("15.00");
  });
});

describe("search", () => {
  const search = async (query: string) => titles((await page(`/s/${shopA.slug}/search?${query}`)).html);

  it("tolerates typos and finds only this shop's published products", async () => {
    expect(await search("q=batk")).toEqual(["Kenanga Batik Shirt"]);
    expect(await search("q=songkt")).toEqual(["Songket Tote Bag"]);
    expect(await search("q=kenanga+shirt")).toEqual(["Kenanga Batik Shirt"]);
    expect(await search("q=rahsia")).toEqual([]);
    const none = await page(`/s/${shopA.slug}/search?q=zzzzqqq`);
    expect(none.html).toContain('data-testid="search-none"');
  });

  it("filters by price, collection and stock, and sorts", async () => {
    expect(await search("sort=price-asc")).toEqual(["Pewter Mug", "Songket Tote Bag", "Kenanga Batik Shirt"]);
    expect(await search("sort=price-desc")).toEqual(["Kenanga Batik Shirt", "Songket Tote Bag", "Pewter Mug"]);
    expect(await search("max=50&sort=title")).toEqual(["Pewter Mug", "Songket Tote Bag"]);
    expect(await search("min=30&max=200&sort=title")).toEqual(["Kenanga Batik Shirt", "Songket Tote Bag"]);
    expect(await search(`collection=${collectionHandle}`)).toEqual(["Kenanga Batik Shirt"]);
    expect(await search("inStock=1&sort=title")).toEqual(["Kenanga Batik Shirt", "Pewter Mug"]);
    // Malformed parameters are ignored, never an error.
    const odd = await page(`/s/${shopA.slug}/search?min=abc&sort=nonsense&page=-3`);
    expect(odd.res.status).toBe(200);
  });
});

describe("search by the price the customer pays now (flash sales)", () => {
  let shopC: Awaited<ReturnType<typeof makeShop>>;
  const search = async (query: string) => titles((await page(`/s/${shopC.slug}/search?${query}`)).html);
  const firstVariant = async (productId: string) =>
    (await withShop(shopC.id, (tx) => tx.select().from(schema.variants).where(eq(schema.variants.productId, productId))))[0].id;

  beforeAll(async () => {
    shopC = await makeShop(owner.id, { name: "Kedai Jualan Kilat" });
    const onSale = await makeActiveProduct(shopC.id, owner.id, { title: "Running Sale Sarong", price: "100.00", stock: 10 });
    const scheduled = await makeActiveProduct(shopC.id, owner.id, { title: "Scheduled Sale Scarf", price: "90.00", stock: 10 });
    const soldOut = await makeActiveProduct(shopC.id, owner.id, { title: "Sold Out Sale Songkok", price: "80.00", stock: 10 });
    await makeActiveProduct(shopC.id, owner.id, { title: "Regular Rattan Basket", price: "70.00", stock: 10 });
    // Two running sales on the same variant: the lower price counts.
    await makeFlashSale(shopC, owner.id, {
      from: new Date(Date.now() - HOUR),
      to: new Date(Date.now() + 2 * HOUR),
      prices: { [await firstVariant(onSale.productId)]: "59.90" },
    });
    await makeFlashSale(shopC, owner.id, {
      from: new Date(Date.now() - HOUR),
      to: new Date(Date.now() + 2 * HOUR),
      prices: { [await firstVariant(onSale.productId)]: "65.00" },
    });
    await makeFlashSale(shopC, owner.id, {
      from: new Date(Date.now() + HOUR),
      to: new Date(Date.now() + 3 * HOUR),
      prices: { [await firstVariant(scheduled.productId)]: "10.00" },
    });
    const soldOutSale = await makeFlashSale(shopC, owner.id, {
      from: new Date(Date.now() - HOUR),
      to: new Date(Date.now() + 2 * HOUR),
      prices: { [await firstVariant(soldOut.productId)]: "5.00" },
      totalCap: 3,
    });
    // Every unit of the capped sale bought (what checkout's claims add up to).
    await withShop(shopC.id, (tx) => tx.update(schema.flashSales).set({ claimed: 3 }).where(eq(schema.flashSales.id, soldOutSale)));
  });

  it("the price filter uses a running sale's price, not a scheduled or sold-out sale's", async () => {
    // RM 100 regular, RM 59.90 in a running sale: found under RM 60, shown at the sale price.
    expect(await search("max=60&sort=title")).toEqual(["Running Sale Sarong"]);
    const under60 = await page(`/s/${shopC.slug}/search?max=60`);
    expect(under60.html).toMatch(/RM\s?59\.90/);
    expect(await search("min=60&sort=title")).toEqual(["Regular Rattan Basket", "Scheduled Sale Scarf", "Sold Out Sale Songkok"]);
    // The scheduled (RM 10) and sold-out (RM 5) sales do not count yet / any more.
    expect(await search("max=50&sort=title")).toEqual([]);
    expect(await search("min=80&max=90&sort=title")).toEqual(["Scheduled Sale Scarf", "Sold Out Sale Songkok"]);
    expect(await search("min=95&sort=title")).toEqual([]);
  });

  it("price sorts order by the price paid now", async () => {
    expect(await search("sort=price-asc")).toEqual([
      "Running Sale Sarong",
      "Regular Rattan Basket",
      "Sold Out Sale Songkok",
      "Scheduled Sale Scarf",
    ]);
    expect(await search("sort=price-desc")).toEqual([
      "Scheduled Sale Scarf",
      "Sold Out Sale Songkok",
      "Regular Rattan Basket",
      "Running Sale Sarong",
    ]);
    expect(await search("q=sale&sort=price-asc")).toEqual(["Running Sale Sarong", "Sold Out Sale Songkok", "Scheduled Sale Scarf"]);
  });
});

describe("sitemap.xml and robots.txt", () => {
  it("lists the shop's published products and collections only", async () => {
    const { res, html } = await page(`/s/${shopA.slug}/sitemap.xml`);
    expect(res.headers.get("content-type")).toMatch(/application\/xml/);
    expect(html).toContain(`/s/${shopA.slug}/products/kenanga-batik-shirt</loc>`);
    expect(html).toContain(`/s/${shopA.slug}/collections/${collectionHandle}</loc>`);
    expect(html).not.toContain("secret-draft-batik");
    expect(html).not.toContain("batik-rahsia");
    const robots = await page(`/s/${shopA.slug}/robots.txt`);
    expect(robots.html).toContain("User-agent: *");
    expect(robots.html).toContain(`Disallow: /s/${shopA.slug}/cart`);
    expect(robots.html).toMatch(new RegExp(`Sitemap: http\\S+/s/${shopA.slug}/sitemap\\.xml`));
  });
});

describe("the shop's own domain", () => {
  it("serves the storefront at its root with links that stay on the host, and no client router", async () => {
    const home = await hostGet(domainA, "/");
    expect(home.status).toBe(200);
    expect(home.body).toContain("Kedai Kenanga");
    expect(home.body).toContain('href="/products/kenanga-batik-shirt"');
    expect(home.body).not.toContain(`/s/${shopA.slug}`);
    expect(home.body).not.toMatch(/<script[^>]+src="\/build\//);

    const product = await hostGet(domainA, `/products/${shirt.handle}?variant=${variants[1].id}`);
    expect(product.status).toBe(200);
    expect(product.body).toContain(`name="variantId" value="${variants[1].id}"`);
    expect(product.body).toContain('action="/cart"');
    expect(product.body).toMatch(/og:url" content="http:\/\/[^/]+\/products\/kenanga-batik-shirt"/);

    expect((await hostGet(domainA.toUpperCase(), `/collections/${collectionHandle}`)).status).toBe(200);
    expect((await hostGet(domainA, "/products/nope")).status).toBe(404);
    const sitemap = await hostGet(domainA, "/sitemap.xml");
    expect(sitemap.body).toContain(`<loc>http://${domainA}/products/kenanga-batik-shirt</loc>`);
    const robots = await hostGet(domainA, "/robots.txt");
    expect(robots.body).toContain(`Sitemap: http://${domainA}/sitemap.xml`);
    expect(robots.body).toContain("Disallow: /cart");
    // Its forms post to the host's own paths: the consent choice from a cached page (no token).
    expect(home.body).toContain('action="/consent"');
    const consent = await hostGet(
      domainA,
      "/consent",
      { Origin: `http://${domainA}` },
      { choice: "necessary", redirectTo: "/products/kenanga-batik-shirt", _csrf: "" },
    );
    expect(consent.status).toBe(302);
    expect(consent.headers.location).toBe("/products/kenanga-batik-shirt");
    expect(String(consent.headers["set-cookie"])).toContain("ns_consent=");
    const forged = await hostGet(domainA, "/consent", { Origin: "https://evil.example" }, { choice: "all", _csrf: "" });
    expect(forged.status).toBe(403);
    // Another shop's pages are not reachable through this domain.
    expect((await hostGet(domainA, `/s/${shopB.slug}`)).body).not.toContain("Kedai Lain");
  });

  it("unknown hosts get NetShop itself; the domain setting is validated and unique", async () => {
    const other = await hostGet("not-a-shop.example.com", "/");
    expect(other.body).not.toContain("Kedai Kenanga");
    const bad = await updateShopSettings(
      { userId: owner.id, shopId: shopB.id },
      { name: shopB.name, timezone: shopB.timezone, language: "en", customDomain: "http://x/y z" },
      {},
    );
    expect(bad).toMatchObject({ ok: false, errors: { customDomain: { key: "settings:errors.domainFormat" } } });
    const taken = await updateShopSettings(
      { userId: owner.id, shopId: shopB.id },
      { name: shopB.name, timezone: shopB.timezone, language: "en", customDomain: domainA },
      {},
    );
    expect(taken).toEqual({ ok: false, errors: { customDomain: { key: "settings:errors.domainTaken" } } });
  });
});

describe("own domain in the shop settings", () => {
  it("the settings form shows the domain, explains a bad one next to the field and keeps what was typed", async () => {
    const { signIn } = await import("../helpers/auth");
    const merchant = await makeUser();
    const own = await makeShop(merchant.id, { name: "Kedai Domain" });
    await onPlan(own.id, "growth");
    const client = new FormClient(web.url);
    client.forwardedFor = "198.51.100.243";
    await signIn(client, merchant);
    await client.get("/admin/settings");
    expect(client.lastHtml).toContain('name="customDomain"');
    const bad = await client.post("/admin/settings", {
      name: own.name,
      timezone: own.timezone,
      language: "en",
      customDomain: "https://shop .example",
    });
    expect(bad.status).toBe(400);
    expect(htmlDecode(client.lastHtml)).toMatch(/data-field-error="customDomain"[^>]*>Enter a domain name like shop\.example\.com/);
    expect(client.lastHtml).toContain('value="https://shop .example"');
    const domain = `${unique("toko")}.example.com`;
    const saved = await client.post("/admin/settings", {
      name: own.name,
      timezone: own.timezone,
      language: "en",
      customDomain: `https://${domain}/`,
    });
    expect(saved.status).toBe(200);
    await client.get("/admin/settings");
    expect(client.lastHtml).toContain(`value="${domain}"`);
    expect((await hostGet(domain, "/")).body).toContain("Kedai Domain");
  });
});

describe("cache headers and CSRF on cached pages", () => {
  it("anonymous browsing is cacheable and carries no per-visitor token", async () => {
    for (const path of [
      `/s/${shopA.slug}`,
      `/s/${shopA.slug}/products/${shirt.handle}`,
      `/s/${shopA.slug}/search?q=batik`,
      `/s/${shopA.slug}/collections/${collectionHandle}`,
      `/s/${shopA.slug}/sitemap.xml`,
    ]) {
      const { res, html } = await page(path);
      expect(res.headers.get("cache-control"), path).toBe("public, max-age=0, s-maxage=60, stale-while-revalidate=600");
      expect(res.headers.get("vary"), path).toMatch(/Accept-Language, Cookie/);
      expect(res.headers.get("set-cookie"), path).toBeNull();
      expect(html, path).not.toMatch(/name="_csrf" value="[^"]+"/);
    }
  });

  it("a visitor with cookies, and personal pages, get private no-store pages with their token", async () => {
    const withCookie = await page(`/s/${shopA.slug}/products/${shirt.handle}`, { Cookie: "lng=ms" });
    expect(withCookie.res.headers.get("cache-control")).toBe("private, no-store");
    expect(withCookie.html).toMatch(/name="_csrf" value="[\w-]{20,}"/);
    expect((await page(`/s/${shopA.slug}/consent`)).res.headers.get("cache-control")).toBe("private, no-store");
    expect((await page(`/s/${shopA.slug}/cart`)).res.headers.get("cache-control")).toBe("private, no-store");
  });

  it("a token-less storefront form is accepted only with the browser's same-origin proof", async () => {
    const client = new FormClient(web.url);
    client.forwardedFor = "198.51.100.251";
    await client.get(`/s/${shopA.slug}`);
    // FormClient sends Origin = our origin, as a browser does for a same-origin POST.
    const ok = await client.post(`/s/${shopA.slug}/consent`, { choice: "necessary", redirectTo: `/s/${shopA.slug}` }, { csrf: "" });
    expect(ok.status).toBe(302);
    const crossSite = await client.post(`/s/${shopA.slug}/consent`, { choice: "all" }, { csrf: "", origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    const noProof = await fetch(`${web.url}/s/${shopA.slug}/consent`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": "198.51.100.252" },
      body: "choice=all&_csrf=",
      redirect: "manual",
    });
    expect(noProof.status).toBe(403);
    const fetchMetadata = await fetch(`${web.url}/s/${shopA.slug}/consent`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-For": "198.51.100.253",
        "Sec-Fetch-Site": "same-origin",
      },
      body: "choice=all&_csrf=",
      redirect: "manual",
    });
    expect(fetchMetadata.status).toBe(302);
    // Outside the storefront the token is still required.
    const admin = await fetch(`${web.url}/locale`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-For": "198.51.100.254",
        "Sec-Fetch-Site": "same-origin",
      },
      body: "lng=ms&_csrf=",
      redirect: "manual",
    });
    expect(admin.status).toBe(403);
  });
});

describe("cookie consent", () => {
  it("asks until the visitor chooses, remembers the choice, and lets them change it", async () => {
    const client = new FormClient(web.url);
    client.forwardedFor = "198.51.100.240";
    await client.get(`/s/${shopA.slug}`);
    expect(client.lastHtml).toContain('data-testid="consent-banner"');
    expect(client.lastHtml).toContain(`href="/s/${shopA.slug}/consent"`);

    const chosen = await client.post(
      `/s/${shopA.slug}/consent`,
      { choice: "all", redirectTo: `/s/${shopA.slug}/products/${shirt.handle}` },
      { csrf: "" },
    );
    expect(chosen.headers.get("location")).toBe(`/s/${shopA.slug}/products/${shirt.handle}`);
    expect(chosen.headers.getSetCookie().find((c) => c.startsWith("ns_consent="))).toMatch(
      /^ns_consent=.*Max-Age=31536000.*HttpOnly.*SameSite=Lax/i,
    );
    await client.get(`/s/${shopA.slug}`);
    expect(client.lastHtml).not.toContain('data-testid="consent-banner"');

    await client.get(`/s/${shopA.slug}/consent`);
    expect(htmlDecode(client.lastHtml)).toMatch(/data-testid="consent-current">necessary and analytics cookies</);
    await client.post(`/s/${shopA.slug}/consent`, { choice: "necessary", redirectTo: `/s/${shopA.slug}/consent` });
    await client.get(`/s/${shopA.slug}/consent`);
    expect(htmlDecode(client.lastHtml)).toMatch(/data-testid="consent-current">necessary cookies only</);
  });
});

describe("languages", () => {
  it("every storefront string follows Accept-Language and the switcher; merchant content stays as written", async () => {
    const ms = await page(`/s/${shopA.slug}/products/${shirt.handle}`, { "Accept-Language": "ms-MY,ms;q=0.9" });
    expect(ms.html).toContain('<html lang="ms"');
    expect(ms.html).toContain("Tambah ke troli");
    expect(ms.html).toContain("Tinggal 3 sahaja");
    expect(ms.html).toContain("Kenanga Batik Shirt");
    const zh = await page(`/s/${shopA.slug}/search?q=batk`, { "Accept-Language": "zh-CN" });
    expect(zh.html).toContain('<html lang="zh-Hans"');
    expect(zh.html).toContain("找到商品：1");

    const client = new FormClient(web.url);
    client.forwardedFor = "198.51.100.241";
    await client.get(`/s/${shopA.slug}`);
    expect(client.lastHtml).toContain(`action="/s/${shopA.slug}/locale"`);
    const switched = await client.post(
      `/s/${shopA.slug}/locale`,
      { lng: "zh", redirectTo: `/s/${shopA.slug}/products/${shirt.handle}` },
      { csrf: "" },
    );
    expect(switched.status).toBe(302);
    expect(switched.headers.get("location")).toBe(`/s/${shopA.slug}/products/${shirt.handle}`);
    await client.get(`/s/${shopA.slug}/products/${shirt.handle}`);
    expect(client.lastHtml).toContain("加入购物车");
  });
});

describe("tenancy", () => {
  it("a product of shop B never shows on shop A's pages or search", async () => {
    const handleB = "batik-rahsia-kedai-lain";
    expect((await page(`/s/${shopB.slug}/products/${handleB}`)).res.status).toBe(200);
    expect((await page(`/s/${shopA.slug}/products/${handleB}`)).res.status).toBe(404);
    for (const path of [
      `/s/${shopA.slug}`,
      `/s/${shopA.slug}/search?q=batik`,
      `/s/${shopA.slug}/search?q=rahsia`,
      `/s/${shopA.slug}/search`,
      `/s/${shopA.slug}/sitemap.xml`,
    ]) {
      expect((await page(path)).html, path).not.toContain("Rahsia");
    }
    expect(await titles((await page(`/s/${shopB.slug}/search?q=batk`)).html)).toEqual(["Batik Rahsia Kedai Lain"]);
    // Chinese has no spaces between words: a part of a title finds it too.
    expect(await titles((await page(`/s/${shopB.slug}/search?q=${encodeURIComponent("蜡染")}`)).html)).toEqual(["手绘蜡染衬衫"]);
  });
});
