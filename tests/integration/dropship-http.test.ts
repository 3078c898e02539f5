/**
 * Dropshipping over HTTP: every /supplier and /platform route declares its guard (found in the
 * build, like the admin permission matrix); supplier B gets 404 on every one of supplier A's
 * pages and actions; merchant B cannot see or pay merchant A's supplier orders; only operators
 * open /platform; supplier sign-up works without JavaScript.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { forwardOrder, listForwards, payHeldForward } from "~/domain/dropship/forwarding.server";
import { getSupplierOrder } from "~/domain/dropship/supplier-portal.server";
import { shownPoliciesField } from "~/domain/policies/versions.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase } from "~db/client";

import { signIn } from "../helpers/auth";
import { importInto, makeDropshipOrder, makeMerchant, makeOperator, makeSupplier, makeSupplierProduct } from "../helpers/dropship";
import { PASSWORD, unique } from "../helpers/factories";
import { uniquePhone } from "../helpers/phones";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

let web: Awaited<ReturnType<typeof startWeb>>;
let n = 0;
async function client(user?: { email: string; password: string; phone: string }) {
  const c = new FormClient(web.url);
  c.forwardedFor = `198.19.${++n}.${Math.floor(Math.random() * 250)}`;
  if (user) await signIn(c, user);
  return c;
}

let supplierA: Awaited<ReturnType<typeof makeSupplier>>;
let supplierB: Awaited<ReturnType<typeof makeSupplier>>;
let merchantA: Awaited<ReturnType<typeof makeMerchant>>;
let merchantB: Awaited<ReturnType<typeof makeMerchant>>;
let productId = "";
let forwardId = "";
let heldForwardId = "";

beforeAll(async () => {
  web = await startWeb();
  supplierA = await makeSupplier();
  supplierB = await makeSupplier();
  merchantA = await makeMerchant();
  merchantB = await makeMerchant();
  const product = await makeSupplierProduct(supplierA.shopId, supplierA.user.id, { cost: "6.00", price: "19.90", stock: 20 });
  productId = product.productId;
  const linked = await importInto(merchantA.shopId, merchantA.user.id, productId);
  for (let i = 0; i < 2; i++) {
    const order = await makeDropshipOrder(merchantA.shopId, [{ variantId: linked.variants[0].id, quantity: 1 }]);
    await forwardOrder({ shopId: merchantA.shopId, orderId: order.id });
  }
  const { forwards } = await listForwards(merchantA.shopId);
  forwardId = forwards[0].id;
  heldForwardId = forwards[1].id;
  await payHeldForward(merchantA.shopId, forwardId, "manual", { userId: merchantA.user.id });
});
afterAll(async () => {
  await web.close();
  await closeRedis();
  await closeDatabase();
});

describe("supplier portal routes", () => {
  it("every /supplier and /platform loader and action declares its guard", async () => {
    const build = (await import(pathToFileURL(path.resolve(import.meta.dirname, "../../build/index.js")).href)) as ServerBuild;
    const routes = Object.values(build.routes).filter((r) => /^(routes\/supplier\.|routes\/supplier$|routes\/platform)/.test(r.id));
    expect(routes.length).toBeGreaterThanOrEqual(7);
    for (const r of routes) {
      for (const fn of [r.module.loader, r.module.action]) {
        if (typeof fn !== "function") continue;
        expect((fn as { guard?: { permission: string } }).guard?.permission, r.id).toMatch(/^(supplier|platform-operator)$/);
      }
    }
  });

  it("sends a signed-out visitor to the login page", async () => {
    const res = await (await client()).get("/supplier/orders");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Fsupplier%2Forders");
  });

  it("supplier B gets 404 on each of supplier A's pages and actions; A gets them", async () => {
    const a = await client(supplierA.user);
    const b = await client(supplierB.user);
    const pages = [`/supplier/products/${productId}`, `/supplier/orders/${forwardId}`];
    for (const page of pages) {
      expect((await a.get(page)).status, page).toBe(200);
      expect((await b.get(page)).status, page).toBe(404);
    }
    await b.get("/supplier/orders");
    expect(b.lastHtml).not.toContain(forwardId);
    await b.get("/supplier/products");
    expect(b.lastHtml).not.toContain(productId);
    await b.get("/supplier");
    const csrf = b.csrfToken();
    const posts: Array<[string, Record<string, string>]> = [
      [`/supplier/orders/${forwardId}`, { intent: "accept" }],
      [`/supplier/orders/${forwardId}`, { intent: "ship", carrier: "jnt", trackingNumber: "630012345678" }],
      [`/supplier/orders/${forwardId}`, { intent: "reject", lineId: (await getSupplierOrder(supplierA.shopId, forwardId))!.lines[0].id }],
      [`/supplier/products/${productId}`, { publish: "" }],
      // A held order (never sent) is no one's to see but its merchant's.
      [`/supplier/orders/${heldForwardId}`, { intent: "accept" }],
    ];
    for (const [page, fields] of posts) expect((await b.post(page, fields, { csrf })).status, `${page} ${fields.intent}`).toBe(404);
    expect((await getSupplierOrder(supplierA.shopId, forwardId))!.status).toBe("open");
    // A ships its own order.
    await a.get(`/supplier/orders/${forwardId}`);
    expect((await a.post(`/supplier/orders/${forwardId}`, { intent: "ship", carrier: "jnt", trackingNumber: "" })).status).toBe(400);
    expect(a.lastHtml).toContain("Enter the tracking number");
    expect((await a.post(`/supplier/orders/${forwardId}`, { intent: "ship", carrier: "jnt", trackingNumber: "630012345678" })).status).toBe(
      200,
    );
    expect((await getSupplierOrder(supplierA.shopId, forwardId))!.status).toBe("shipped");
  });

  it("a merchant has no supplier portal, and a supplier no merchant admin", async () => {
    const m = await client(merchantA.user);
    const res = await m.get("/supplier");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/supplier/signup");
    const s = await client(supplierA.user);
    const admin = await s.get("/admin/dropship");
    expect(admin.status).toBe(302);
    // A supplier with no merchant shop is taken to its own portal, not offered "Create your shop".
    expect(admin.headers.get("location")).toBe("/supplier");
  });
});

describe("merchant supplier orders", () => {
  it("merchant B sees none of merchant A's supplier orders and cannot pay them", async () => {
    const b = await client(merchantB.user);
    await b.get("/admin/dropship/orders");
    expect(b.lastHtml).not.toContain(heldForwardId);
    expect((await b.post("/admin/dropship/orders", { intent: "manual", forwardId: heldForwardId })).status).toBe(404);
    const a = await client(merchantA.user);
    await a.get("/admin/dropship/orders");
    expect(a.lastHtml).toContain(heldForwardId);
    expect((await a.post("/admin/dropship/orders", { intent: "wallet", forwardId: heldForwardId })).status).toBe(400);
    expect(htmlDecode(a.lastHtml)).toContain("wallet balance is still too low");
    // The order's own page (the orders area) shows the forwarding on its timeline.
    const { listForwards: forwardsOf } = await import("~/domain/dropship/forwarding.server");
    const held = (await forwardsOf(merchantA.shopId)).forwards.find((f) => f.id === heldForwardId)!;
    expect((await a.get(`/admin/orders/${held.orderId}`)).status).toBe(200);
    expect(htmlDecode(a.lastHtml)).toContain("Dropship lines held: wallet balance too low");
    expect((await b.get(`/admin/orders/${held.orderId}`)).status).toBe(404);
  });
});

describe("import over HTTP", () => {
  it("imports with one click and, when asked, queues an AI copy job for the new product", async () => {
    const other = await makeSupplierProduct(supplierA.shopId, supplierA.user.id, { cost: "3.00", price: "9.90", stock: 5 });
    const b = await client(merchantB.user);
    await b.get("/admin/dropship");
    const res = await b.post("/admin/dropship", { intent: "import", productId: other.productId, aiCopy: "on" });
    expect(res.status).toBe(302);
    const productId = res.headers.get("location")!.match(/\/admin\/products\/([0-9a-f-]{36})\?imported=1$/)![1];
    const { withShop, schema } = await import("~db/client");
    const { eq } = await import("drizzle-orm");
    const jobs = await withShop(merchantB.shopId, (tx) => tx.select().from(schema.aiJobs).where(eq(schema.aiJobs.productId, productId)));
    expect(jobs.map((j) => j.kind)).toEqual(["copy"]);
    // A product not in the network (a draft) cannot be imported.
    const draft = await makeSupplierProduct(supplierA.shopId, supplierA.user.id, { cost: "3.00", price: "9.90", stock: 5, publish: false });
    await b.get("/admin/dropship");
    expect((await b.post("/admin/dropship", { intent: "import", productId: draft.productId })).status).toBe(400);
    expect(b.lastHtml).toContain("no longer in the network");
  });
});

describe("platform and sign-up", () => {
  it("only operators open /platform; they approve suppliers and record top-ups", async () => {
    const m = await client(merchantA.user);
    expect((await m.get("/platform")).status).toBe(403);
    const pending = await makeSupplier({ approved: false });
    const op = await client(await makeOperator());
    expect((await op.get("/platform")).status).toBe(200);
    expect((await op.post("/platform?index", { intent: "approve", supplierShopId: pending.shopId })).status).toBe(200);
    expect(op.lastHtml).toContain("Supplier approved.");
    await op.get("/platform");
    const token = () => op.lastHtml.match(/name="token" value="([^"]+)"/)![1];
    const form = token();
    expect((await op.post("/platform?index", { intent: "topup", token: form, shopSlug: merchantA.shop.slug, amount: "abc" })).status).toBe(
      400,
    );
    expect(op.lastHtml).toContain("Enter an amount like 500");
    // The corrected form sent twice (a double click): one top-up, the same answer both times.
    const topUp = { intent: "topup", token: form, shopSlug: merchantA.shop.slug, amount: "50.00", note: "FPX 123" };
    expect((await op.post("/platform?index", topUp)).status).toBe(200);
    expect(op.lastHtml).toContain("Top-up recorded. New balance RM");
    const answer = htmlDecode(op.lastHtml).match(/Top-up recorded\. New balance [^<]+/)![0];
    expect(token()).not.toBe(form); // the page after it carries a new form token
    expect((await op.post("/platform?index", topUp)).status).toBe(200);
    expect(htmlDecode(op.lastHtml)).toContain(answer);
    expect((await op.post("/platform?index", { intent: "topup", shopSlug: merchantA.shop.slug, amount: "50.00" })).status).toBe(400);
    expect(op.lastHtml).toContain("This form has expired");
    const a = await client(merchantA.user);
    await a.get("/admin/dropship/orders");
    expect(htmlDecode(a.lastHtml)).toMatch(/data-testid="wallet-balance">RM\s?50\.00/);
  });

  it("a supplier signs up without JavaScript and lands in the portal, pending approval", async () => {
    const c = await client();
    await c.get("/supplier/signup");
    const phone = uniquePhone();
    const refused = await c.post("/supplier/signup", {
      name: "Lim",
      email: `${unique("sup")}@example.com`,
      phone: phone.local,
      password: PASSWORD,
      adult: "on",
      terms: "on",
      supplierName: "",
      contactName: "Lim",
      whatsapp: phone.local,
      warehouseCity: "Ipoh",
      warehouseState: "Perak",
      handlingDays: "2",
    });
    expect(refused.status).toBe(400);
    expect(c.lastHtml).toContain('data-field-error="supplierName"');
    expect(c.lastHtml).toContain('data-field-error="regions"');
    expect(c.lastHtml).toContain('value="Ipoh"');
    const ok = await c.post("/supplier/signup", {
      ...(await shownPoliciesField(["privacy", "terms"])),
      name: "Lim",
      email: `${unique("sup")}@example.com`,
      phone: phone.local,
      password: PASSWORD,
      adult: "on",
      terms: "on",
      supplierName: "Ipoh Kopi Supply",
      contactName: "Lim",
      whatsapp: phone.local,
      warehouseCity: "Ipoh",
      warehouseState: "Perak",
      regions: "Peninsular Malaysia",
      handlingDays: "2",
    });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe("/supplier");
    await c.get("/supplier");
    expect(c.lastHtml).toContain('data-testid="supplier-pending"');
    // Pending suppliers may prepare products but not ship.
    await c.get("/supplier/products");
    expect((await c.post("/supplier/products", { title: "Kopi O", cost: "5.00", price: "12.00", stock: "10" })).status).toBe(302);
  });
});
