/**
 * Plan features (own domain, dropshipping, AutoCount sync) enforced from the shop's plan:
 * a shop on Free is refused each one over HTTP (403, a translated message naming the plans that
 * include it, a link to /admin/billing), a shop on Growth uses them, and a shop that moves down
 * to Free keeps what it has: its NetShop address, its imported products selling and forwarded to
 * the supplier, its AutoCount history; a queued sync is skipped with a reason, the same however
 * often it runs. Its own domain stops resolving as soon as the plan change commits, whoever commits
 * it: PostgreSQL tells every web process (migration 0026), which forgets its cached host lookup.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";

import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runSync } from "~/domain/accounting/sync.server";
import { operatorCancel } from "~/domain/billing/operators.server";
import { featureAccess, PLAN_FEATURES } from "~/domain/billing/plans.server";
import { forwardOrder, listForwards } from "~/domain/dropship/forwarding.server";
import { updateShopSettings } from "~/domain/shops/shops.server";
import { onStorefrontChange, storefrontCacheLive } from "~/domain/storefront/cache.server";
import { localeCookie } from "~/lib/i18n.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema, withShop } from "~db/client";

import { SANDBOX_AUTOCOUNT_MAPPING } from "../helpers/accounting";
import { until } from "../helpers/async";
import { signIn } from "../helpers/auth";
import { makeDropshipOrder, makeSupplier, makeSupplierProduct, topUp } from "../helpers/dropship";
import { makeShop, makeUser, onPlan, unique } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

let stack: IsolatedStack | undefined;
let web: Awaited<ReturnType<typeof startWeb>>;
let n = 0;
async function client(user: { email: string; password: string; phone: string }, language?: "ms" | "zh") {
  const c = new FormClient(web.url);
  c.forwardedFor = `198.18.${++n}.${Math.floor(Math.random() * 250)}`;
  if (language) c.setCookie("lng", (await localeCookie.serialize(language)).split(";")[0].slice("lng=".length));
  await signIn(c, user);
  return c;
}

/** A request with a chosen Host header (a shop's own domain), which fetch does not allow. */
function hostGet(host: string, path: string): Promise<{ status: number; body: string }> {
  const url = new URL(web.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path, headers: { Host: host, "X-Forwarded-For": `198.18.200.${++n % 250}` } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: htmlDecode(body) }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const ACCOUNTING = { intent: "save", mode: "sandbox", ...SANDBOX_AUTOCOUNT_MAPPING, taxCode: "", customerCodeScheme: "cash_sales" };

type Shop = Awaited<ReturnType<typeof makeShop>>;
let owner: Awaited<ReturnType<typeof makeUser>>;
let free: Shop;
let growth: Shop;
let growthOwner: Awaited<ReturnType<typeof makeUser>>;
let supplierProductId = "";

const settingsForm = (shop: Shop, customDomain: string, name = shop.name) => ({
  name,
  timezone: shop.timezone,
  language: "en",
  customDomain,
});

/**
 * The storefront changes this process has heard from PostgreSQL, in order. The web server under test
 * runs in this process and forgets its cached lookups in the same call, so once a shop is heard here
 * its next request reads the database again: no waiting for a cache to expire.
 */
const heard: Array<string | null> = [];
onStorefrontChange((shopId) => heard.push(shopId));

/**
 * Runs `write` (committed on its own connection, as any admin, worker or operator would) and waits
 * until this process's LISTEN connection hears `shopId`. A marker notified first, and waited for,
 * puts every earlier notification behind us (one channel is delivered in commit order).
 */
async function heardAfter<T>(shopId: string, write: () => Promise<T>): Promise<T> {
  await until(async () => storefrontCacheLive());
  const marker = randomUUID();
  await asPlatform((tx) => tx.execute(sql`select pg_notify('netshop_storefront', ${marker})`));
  await until(async () => heard.includes(marker));
  heard.length = 0;
  const result = await write();
  await until(async () => heard.includes(shopId));
  return result;
}

const customDomainOf = async (shopId: string) =>
  (await withShop(shopId, (tx) => tx.select({ d: schema.shops.customDomain }).from(schema.shops).where(eq(schema.shops.id, shopId))))[0].d;

beforeAll(async () => {
  // Its own database, Redis and sandbox: its shops book invoice NS-I000001 in the AutoCount stand-in, whose one
  // sandbox book the browser journeys share.
  stack = await isolatedStack();
  web = await startWeb();
  owner = await makeUser();
  free = await makeShop(owner.id, { name: `Kedai Percuma ${unique("")}` });
  growthOwner = await makeUser();
  growth = await makeShop(growthOwner.id, { name: `Kedai Growth ${unique("")}` });
  await onPlan(growth.id, "growth");
  const supplier = await makeSupplier();
  supplierProductId = (await makeSupplierProduct(supplier.shopId, supplier.user.id, { cost: "6.00", price: "19.90", stock: 50 })).productId;
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

describe("which plans have which features (read from the plans table through the shop's plan)", () => {
  it("Free has none, Starter has dropshipping, Growth and Pro have all three", async () => {
    const shop = await makeShop(owner.id);
    const expected = {
      free: { ownDomain: false, dropshipping: false, autocountSync: false },
      starter: { ownDomain: false, dropshipping: true, autocountSync: false },
      growth: { ownDomain: true, dropshipping: true, autocountSync: true },
      pro: { ownDomain: true, dropshipping: true, autocountSync: true },
    } as const;
    for (const plan of ["free", "starter", "growth", "pro"] as const) {
      await onPlan(shop.id, plan);
      for (const feature of PLAN_FEATURES) {
        const access = await withShop(shop.id, (tx) => featureAccess(tx, shop.id, feature));
        expect(access.allowed, `${plan} ${feature}`).toBe(expected[plan][feature]);
      }
    }
    const access = await withShop(shop.id, (tx) => featureAccess(tx, shop.id, "dropshipping"));
    expect(access.unlockedBy).toEqual(["Starter", "Growth", "Pro"]);
  });
});

describe("a shop on Free is refused each feature over HTTP, with a translated message and the way to upgrade", () => {
  it("own domain: 403, nothing saved, the page names the plans that include it", async () => {
    const c = await client(owner);
    await c.get("/admin/settings");
    expect(htmlDecode(c.lastHtml)).toContain("Your own domain is not part of the Free plan; it comes with Growth, Pro.");
    expect(c.lastHtml).toMatch(
      /data-testid="feature-upgrade"[^>]*href="\/admin\/billing"|href="\/admin\/billing"[^>]*data-testid="feature-upgrade"/,
    );
    const res = await c.post("/admin/settings", settingsForm(free, `${unique("kedai")}.example.my`));
    expect(res.status).toBe(403);
    expect(htmlDecode(c.lastHtml)).toMatch(/data-field-error="customDomain"[^>]*>Your own domain is not part of the Free plan/);
    expect(await customDomainOf(free.id)).toBeNull();
    // Everything else in the form still saves (no domain asked for).
    expect((await c.post("/admin/settings", settingsForm(free, "", free.name))).status).toBe(200);
  });

  it("dropshipping: importing and favourites answer 403; nothing is imported", async () => {
    const c = await client(owner);
    await c.get("/admin/dropship");
    expect(htmlDecode(c.lastHtml)).toContain("Dropshipping is not part of the Free plan; it comes with Starter, Growth, Pro.");
    const csrf = c.csrfToken();
    const res = await c.post("/admin/dropship", { productId: supplierProductId, intent: "import" }, { csrf });
    expect(res.status).toBe(403);
    expect(htmlDecode(c.lastHtml)).toContain("Dropshipping is not part of the Free plan");
    expect((await c.post("/admin/dropship", { productId: supplierProductId, intent: "favourite" }, { csrf })).status).toBe(403);
    const links = await withShop(free.id, (tx) => tx.select().from(schema.dropshipLinks));
    const favourites = await withShop(free.id, (tx) => tx.select().from(schema.dropshipFavourites));
    expect(links).toEqual([]);
    expect(favourites).toEqual([]);
  });

  it("AutoCount: connecting, testing the connection and resyncing answer 403; nothing is connected", async () => {
    const c = await client(owner);
    await c.get("/admin/settings/accounting");
    expect(htmlDecode(c.lastHtml)).toContain("AutoCount sync is not part of the Free plan; it comes with Growth, Pro.");
    const save = await c.post("/admin/settings/accounting", ACCOUNTING);
    expect(save.status).toBe(403);
    expect(htmlDecode(c.lastHtml)).toContain("AutoCount sync is not part of the Free plan");
    await c.get("/admin/settings/accounting");
    expect((await c.post("/admin/settings/accounting", { ...ACCOUNTING, intent: "test" })).status).toBe(403);
    const settings = await withShop(free.id, (tx) => tx.select().from(schema.accountingSettings));
    expect(settings).toEqual([]);
    await c.get("/admin/accounting");
    expect(htmlDecode(c.lastHtml)).toContain("AutoCount sync is not part of the Free plan");
    const resync = await c.post("/admin/accounting", { intent: "resync", from: "2020-01-01", to: "2099-12-31" });
    expect(resync.status).toBe(403);
  });

  it("the refusals are in Malay and Chinese for a merchant using them", async () => {
    const ms = await client(owner, "ms");
    await ms.get("/admin/settings");
    expect((await ms.post("/admin/settings", settingsForm(free, `${unique("kedai")}.example.my`))).status).toBe(403);
    expect(htmlDecode(ms.lastHtml)).toContain("Domain sendiri tidak termasuk dalam pelan Free");
    await ms.get("/admin/dropship");
    expect((await ms.post("/admin/dropship", { productId: supplierProductId, intent: "import" })).status).toBe(403);
    expect(htmlDecode(ms.lastHtml)).toContain("Dropship tidak termasuk dalam pelan Free");

    const zh = await client(owner, "zh");
    await zh.get("/admin/settings/accounting");
    expect((await zh.post("/admin/settings/accounting", ACCOUNTING)).status).toBe(403);
    expect(htmlDecode(zh.lastHtml)).toContain("Free 方案不包含 AutoCount 同步");
    expect(htmlDecode(zh.lastHtml)).toContain("查看方案并升级");
  });
});

describe("a shop on Growth uses them, and keeps what it has after moving down to Free", () => {
  const domain = `${unique("growth")}.example.my`;
  let importedProductId = "";

  it("Growth: sets its own domain (served there), imports a supplier product, connects AutoCount", async () => {
    const c = await client(growthOwner);
    await c.get("/admin/settings");
    expect(c.lastHtml).not.toContain('data-testid="feature-locked"');
    expect((await c.post("/admin/settings", settingsForm(growth, domain))).status).toBe(200);
    expect(await customDomainOf(growth.id)).toBe(domain);
    const home = await hostGet(domain, "/");
    expect(home.status).toBe(200);
    expect(home.body).toContain(growth.name);

    await c.get("/admin/dropship");
    expect(c.lastHtml).not.toContain('data-testid="feature-locked"');
    const imported = await c.post("/admin/dropship", { productId: supplierProductId, intent: "import" });
    expect(imported.status).toBe(302);
    const location = imported.headers.get("location") ?? "";
    expect(location).toMatch(/^\/admin\/products\/[0-9a-f-]{36}\?imported=1$/);
    importedProductId = location.split("/")[3].split("?")[0];

    await c.get("/admin/settings/accounting");
    expect(c.lastHtml).not.toContain('data-testid="feature-locked"');
    expect((await c.post("/admin/settings/accounting", ACCOUNTING)).status).toBe(200);
    expect(c.lastHtml).toContain('data-testid="accounting-notice"');
  });

  it("after moving down to Free: the NetShop address serves, the imported product sells and is forwarded, AutoCount is skipped", async () => {
    expect(importedProductId).not.toBe("");
    const [variant] = await withShop(growth.id, (tx) =>
      tx.select().from(schema.variants).where(eq(schema.variants.productId, importedProductId)),
    );
    await topUp(growth.id, 100_00);
    // A paid order while still on Growth: its AutoCount sync is queued.
    const before = await makeOrder(growth.id, { lines: [{ variantId: variant.id, quantity: 1 }], paid: true });
    const [queued] = await withShop(growth.id, (tx) =>
      tx
        .select()
        .from(schema.accountingSyncs)
        .where(and(eq(schema.accountingSyncs.orderId, before.id), eq(schema.accountingSyncs.kind, "invoice"))),
    );
    expect(queued).toMatchObject({ status: "pending" });

    const handle = (
      await withShop(growth.id, (tx) =>
        tx.select({ h: schema.products.handle }).from(schema.products).where(eq(schema.products.id, importedProductId)),
      )
    )[0].h;
    // The domain serves, and its lookup is in the web server's cache (kept until the shop changes).
    expect((await hostGet(domain, `/products/${handle}`)).status).toBe(200);

    // The plan changes on another connection, and nothing else about the shop: the domain stops
    // resolving as soon as the change is heard, with no forgetting by hand.
    await heardAfter(growth.id, () => onPlan(growth.id, "free"));
    expect((await hostGet(domain, `/products/${handle}`)).status).toBe(404);
    expect((await hostGet(domain, "/")).body).not.toContain(growth.name);
    const c = await client(growthOwner);

    // Own domain: kept in settings (other fields still save), but no longer served; the NetShop address is.
    await c.get("/admin/settings");
    expect(htmlDecode(c.lastHtml)).toContain("Your own domain is not part of the Free plan");
    expect((await c.post("/admin/settings", settingsForm(growth, domain, `${growth.name} Baru`))).status).toBe(200);
    expect(await customDomainOf(growth.id)).toBe(domain);
    expect((await c.post("/admin/settings", settingsForm(growth, `${unique("lain")}.example.my`))).status).toBe(403);
    expect((await hostGet(domain, "/")).body).not.toContain(`${growth.name} Baru`);
    expect((await hostGet(domain, `/products/${handle}`)).status).toBe(404);
    const netshop = await c.get(`/s/${growth.slug}`);
    expect(netshop.status).toBe(200);
    expect(htmlDecode(c.lastHtml)).toContain(`${growth.name} Baru`);
    expect((await c.get(`/s/${growth.slug}/products/${handle}`)).status).toBe(200);

    // Dropshipping: no new imports, but the imported product's paid order goes to the supplier.
    await c.get("/admin/dropship");
    expect((await c.post("/admin/dropship", { productId: supplierProductId, intent: "import" })).status).toBe(403);
    const order = await makeDropshipOrder(growth.id, [{ variantId: variant.id, quantity: 1 }]);
    await forwardOrder({ shopId: growth.id, orderId: order.id });
    const { forwards } = await listForwards(growth.id);
    expect(forwards.find((f) => f.orderId === order.id)).toBeDefined();
    expect((await c.get("/admin/dropship/orders")).status).toBe(200);
    expect(c.lastHtml).toContain('data-testid="feature-locked"');
    expect(c.lastHtml).toContain(`href="/admin/orders/${order.id}"`);

    // AutoCount: the queued sync is skipped with its reason (no retry loop), the same on a second run.
    expect(await runSync({ shopId: growth.id, syncId: queued.id })).toEqual({ status: "skipped" });
    const skipped = async () =>
      (await withShop(growth.id, (tx) => tx.select().from(schema.accountingSyncs).where(eq(schema.accountingSyncs.id, queued.id))))[0];
    const first = await skipped();
    expect(first).toMatchObject({ status: "failed", attempts: queued.attempts });
    expect(first.error).toMatch(/^Skipped: AutoCount sync is not part of the Free plan \(it comes with Growth, Pro\)/);
    expect(await runSync({ shopId: growth.id, syncId: queued.id })).toEqual({ status: "skipped" });
    expect(await skipped()).toMatchObject({ status: "failed", attempts: queued.attempts, error: first.error });
    // New paid orders are not queued; the connection and history stay for an upgrade.
    const after = await makeOrder(growth.id, { lines: [{ variantId: variant.id, quantity: 1 }], paid: true });
    const rows = await withShop(growth.id, (tx) =>
      tx.select().from(schema.accountingSyncs).where(eq(schema.accountingSyncs.orderId, after.id)),
    );
    expect(rows).toEqual([]);
    expect(await withShop(growth.id, (tx) => tx.select().from(schema.accountingSettings))).toHaveLength(1);
    await c.get("/admin/accounting");
    expect((await c.post("/admin/accounting", { syncId: queued.id })).status).toBe(403);

    // Back on Growth: the domain serves again as soon as the change is heard (the lookup's miss is
    // forgotten too), and the skipped document can be retried.
    expect((await hostGet(domain, "/")).body).not.toContain(`${growth.name} Baru`);
    await heardAfter(growth.id, () => onPlan(growth.id, "growth"));
    expect((await hostGet(domain, "/")).body).toContain(`${growth.name} Baru`);
    await c.get("/admin/settings");
    expect((await c.post("/admin/settings", settingsForm(growth, domain, `${growth.name} Baru`))).status).toBe(200);
    await c.get("/admin/accounting");
    expect((await c.post("/admin/accounting", { syncId: queued.id })).status).toBe(200);
    const platformView = await asPlatform((tx) =>
      tx.select({ status: schema.accountingSyncs.status }).from(schema.accountingSyncs).where(eq(schema.accountingSyncs.id, queued.id)),
    );
    expect(platformView).toEqual([{ status: "pending" }]);
  });
});

describe("an operator's cancellation drops the own domain", () => {
  it("the cached host lookup is forgotten when the cancellation commits: the domain stops resolving, the NetShop address serves", async () => {
    const merchant = await makeUser();
    const shop = await makeShop(merchant.id, { name: `Kedai Batal ${unique("")}` });
    await onPlan(shop.id, "growth");
    const host = `${unique("batal")}.example.my`;
    const who = { ip: "127.0.0.1", userAgent: "vitest" };
    expect(await updateShopSettings({ userId: merchant.id, shopId: shop.id }, settingsForm(shop, host), who)).toEqual({ ok: true });
    await until(async () => (await hostGet(host, "/")).body.includes(shop.name));
    const operator = await makeUser();
    const cancelled = await heardAfter(shop.id, () =>
      operatorCancel({ operatorId: operator.id, ...who }, shop.id, { reason: "Closed at the owner's request" }),
    );
    expect(cancelled).toEqual({ ok: true });
    expect((await hostGet(host, "/")).body).not.toContain(shop.name);
    const netshop = await fetch(`${web.url}/s/${shop.slug}`, { headers: { "X-Forwarded-For": "198.18.250.1" } });
    expect(netshop.status).toBe(200);
    expect(htmlDecode(await netshop.text())).toContain(shop.name);
  });
});
