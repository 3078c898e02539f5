import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getProduct } from "~/domain/catalog/products.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { signIn } from "../helpers/auth";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

type Person = { id: string; email: string; password: string; phone: string };
let web: Awaited<ReturnType<typeof startWeb>>;
const a = {} as { user: Person; shop: string; order: string; orderNumber: number; line: string; customer: string; duplicate: string };
const b = {} as { user: Person; shop: string; customer: string };

beforeAll(async () => {
  web = await startWeb();
  a.user = await makeUser();
  a.shop = (await makeShop(a.user.id)).id;
  const p = await makeProduct(a.shop, a.user.id, { title: "Songket Emas", price: "120.00", stock: 10, status: "active" });
  const variant = (await getProduct(a.shop, p.productId))!.variants[0].id;
  [a.customer, a.duplicate] = await withShop(a.shop, async (tx) =>
    (
      await tx
        .insert(schema.customers)
        .values([
          { shopId: a.shop, name: "Puan Zainab A", phone: "+60177770001" },
          { shopId: a.shop, name: "Zainab (dup)", phone: "+60177770001" },
        ])
        .returning({ id: schema.customers.id })
    ).map((r) => r.id),
  );
  const order = await makeOrder(a.shop, {
    lines: [{ variantId: variant, quantity: 2 }],
    customerId: a.customer,
    customerName: "Puan Zainab A",
  });
  a.order = order.id;
  a.orderNumber = order.number;
  a.line = (await withShop(a.shop, (tx) => tx.select().from(schema.orderLines).where(eq(schema.orderLines.orderId, order.id))))[0].id;

  b.user = await makeUser();
  b.shop = (await makeShop(b.user.id)).id;
  b.customer = (
    await withShop(b.shop, (tx) =>
      tx.insert(schema.customers).values({ shopId: b.shop, name: "B's customer", phone: "+60177770001" }).returning(),
    )
  )[0].id;
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

async function signedIn(user: Person) {
  const client = new FormClient(web.url);
  client.forwardedFor = `198.51.100.${Math.floor(Math.random() * 250)}`;
  await signIn(client, user);
  return client;
}

async function shopAState() {
  return withShop(a.shop, async (tx) => ({
    order: (
      await tx
        .select()
        .from(schema.orders)
        .where(and(eq(schema.orders.shopId, a.shop), eq(schema.orders.id, a.order)))
    )[0],
    lines: await tx.select().from(schema.orderLines).where(eq(schema.orderLines.orderId, a.order)),
    events: (await tx.select().from(schema.orderEvents).where(eq(schema.orderEvents.orderId, a.order))).length,
    payments: (await tx.select().from(schema.payments).where(eq(schema.payments.orderId, a.order))).length,
    fulfilments: (await tx.select().from(schema.fulfilments).where(eq(schema.fulfilments.orderId, a.order))).length,
    customers: await tx.select().from(schema.customers).where(eq(schema.customers.shopId, a.shop)),
  }));
}

describe("cross-tenant attempts on every order and customer route", () => {
  it("shop B's owner gets 404 for shop A's orders, documents and customers, and shop A is unchanged", async () => {
    const before = await shopAState();
    const client = await signedIn(b.user);
    const list = await client.get("/admin/orders");
    expect(list.status).toBe(200);
    expect(htmlDecode(client.lastHtml)).not.toContain("Puan Zainab A");
    const csrf = client.csrfToken();
    const csv = await client.get("/admin/orders/export.csv");
    expect(csv.status).toBe(200);
    expect(await csv.text()).not.toContain("Puan Zainab A");
    const customers = await client.get("/admin/customers");
    expect(customers.status).toBe(200);
    expect(htmlDecode(client.lastHtml)).not.toContain("Puan Zainab A");

    const post = (path: string, fields: Record<string, string>) => client.post(path, fields, { csrf });
    const attempts: Array<[string, () => Promise<Response>]> = [
      ["read the order", () => client.get(`/admin/orders/${a.order}`)],
      ["read the invoice", () => client.get(`/admin/orders/${a.order}/invoice`)],
      ["read the invoice PDF", () => client.get(`/admin/orders/${a.order}/invoice?format=pdf`)],
      ["read the packing slip", () => client.get(`/admin/orders/${a.order}/packing-slip`)],
      ["read the packing slip PDF", () => client.get(`/admin/orders/${a.order}/packing-slip?format=pdf`)],
      ["add a note", () => post(`/admin/orders/${a.order}`, { intent: "note", note: "from B" })],
      ["mark processing", () => post(`/admin/orders/${a.order}`, { intent: "move", to: "processing" })],
      ["mark shipped", () => post(`/admin/orders/${a.order}`, { intent: "move", to: "shipped" })],
      ["cancel", () => post(`/admin/orders/${a.order}`, { intent: "cancel", reason: "B", manual: "on" })],
      [
        "fulfil",
        () =>
          post(`/admin/orders/${a.order}`, { intent: "fulfil", carrier: "jnt", trackingNumber: "630012345678", [`qty_${a.line}`]: "1" }),
      ],
      ["refund", () => post(`/admin/orders/${a.order}`, { intent: "refund", mode: "full", manual: "on", reason: "B" })],
      ["read the customer", () => client.get(`/admin/customers/${a.customer}`)],
      ["change the customer's note", () => post(`/admin/customers/${a.customer}`, { intent: "note", note: "from B" })],
      ["merge A's customers", () => post(`/admin/customers/${a.customer}`, { intent: "merge", duplicateId: a.duplicate })],
      ["merge A's customer into B's", () => post(`/admin/customers/${b.customer}`, { intent: "merge", duplicateId: a.customer })],
    ];
    for (const [what, attempt] of attempts) {
      const res = await attempt();
      expect(res.status, what).toBe(404);
      expect(htmlDecode(await res.text()), what).not.toContain("Puan Zainab A");
    }
    expect(await shopAState()).toEqual(before);
  });

  it("shop A's owner works the same routes: list, order, parcel, documents, CSV, customer", async () => {
    const client = await signedIn(a.user);
    expect((await client.get("/admin/orders?q=zainab")).status).toBe(200);
    expect(htmlDecode(client.lastHtml)).toContain(`#${a.orderNumber}`);
    expect((await client.get(`/admin/orders/${a.order}`)).status).toBe(200);
    const bad = await client.post(`/admin/orders/${a.order}`, {
      intent: "fulfil",
      carrier: "jnt",
      trackingNumber: "12345",
      [`qty_${a.line}`]: "1",
    });
    expect(bad.status).toBe(400);
    expect(htmlDecode(client.lastHtml)).toContain("That is not a J&amp;T Express tracking number".replace("&amp;", "&"));
    expect(htmlDecode(client.lastHtml)).toContain('value="12345"');
    const ok = await client.post(`/admin/orders/${a.order}`, {
      intent: "fulfil",
      carrier: "jnt",
      trackingNumber: "630012345678",
      [`qty_${a.line}`]: "1",
      notifyField: "1",
      notify: "on",
    });
    expect(ok.status).toBe(200);
    expect((await client.get(`/admin/orders/${a.order}`)).status).toBe(200);
    expect(htmlDecode(client.lastHtml)).toContain("630012345678");
    const pdf = await client.get(`/admin/orders/${a.order}/invoice?format=pdf`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const html = await client.get(`/admin/orders/${a.order}/packing-slip`);
    expect(await html.text()).toContain("Songket Emas");
    const csv = await client.get("/admin/orders/export.csv");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(await csv.text()).toContain("Puan Zainab A");
    expect((await client.get(`/admin/customers/${a.customer}`)).status).toBe(200);
    expect(htmlDecode(client.lastHtml)).toContain("Zainab (dup)");
  });
});
