import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getCollection, saveCollection } from "~/domain/catalog/collections.server";
import { getProduct } from "~/domain/catalog/products.server";
import { getTransfer, startExport } from "~/domain/catalog/transfers.server";
import { addImageFromBuffer, listProductMedia } from "~/domain/media/media.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { signIn } from "../helpers/auth";
import { makePng, makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

let web: Awaited<ReturnType<typeof startWeb>>;
const a = {} as {
  user: { id: string; email: string; password: string; phone: string };
  shop: { id: string };
  product: string;
  variant: string;
  media: string;
  collection: string;
  transfer: string;
};
const b = {} as {
  user: { id: string; email: string; password: string; phone: string };
  shop: { id: string };
  product: string;
  collection: string;
};

beforeAll(async () => {
  web = await startWeb();
  a.user = await makeUser();
  a.shop = await makeShop(a.user.id);
  a.product = (
    await makeProduct(a.shop.id, a.user.id, {
      title: "Shop A's Songket",
      options: [["Colour", ["Gold", "Silver"]]],
      stock: 5,
      status: "active",
    })
  ).productId;
  a.variant = (await getProduct(a.shop.id, a.product))!.variants[0].id;
  a.media = await addImageFromBuffer(a.shop.id, a.product, {
    body: await makePng(200, 200),
    contentType: "image/png",
    filename: "a.png",
    alt: "A's photo",
  });
  const collection = await saveCollection(a.shop.id, null, { title: "Shop A picks" });
  if (!collection?.ok) throw new Error("collection");
  a.collection = collection.id;
  const { addProductsToCollection } = await import("~/domain/catalog/products.server");
  await addProductsToCollection(a.shop.id, [a.product], a.collection);
  a.transfer = await startExport(a.shop.id, a.user.id, { ip: "127.0.0.1" });

  b.user = await makeUser();
  b.shop = await makeShop(b.user.id);
  b.product = (await makeProduct(b.shop.id, b.user.id, { title: "Shop B's Kaya", stock: 3 })).productId;
  const bc = await saveCollection(b.shop.id, null, { title: "Shop B picks" });
  if (!bc?.ok) throw new Error("collection");
  b.collection = bc.id;
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

async function signedIn(user: { email: string; password: string; phone: string }) {
  const client = new FormClient(web.url);
  client.forwardedFor = `198.51.100.${Math.floor(Math.random() * 250)}`;
  await signIn(client, user);
  return client;
}

/** Shop A as its own owner sees it: what must not change whatever shop B tries. */
async function shopAState() {
  const product = (await getProduct(a.shop.id, a.product))!;
  return {
    product: {
      title: product.product.title,
      status: product.product.status,
      handle: product.product.handle,
      stock: product.product.stockOnHand,
      updatedAt: product.product.updatedAt,
    },
    variants: product.variants.map((v) => [v.id, v.priceMinor, v.onHand]),
    media: (await listProductMedia(a.shop.id, a.product)).map((m) => [m.id, m.alt, m.position]),
    collection: (await getCollection(a.shop.id, a.collection))!.products.map((p) => p.id),
    collectionTitle: (await getCollection(a.shop.id, a.collection))!.collection.title,
    transfer: (await getTransfer(a.shop.id, a.transfer))?.id,
    ledger: (
      await withShop(a.shop.id, (tx) =>
        tx.select().from(schema.inventoryMovements).where(eq(schema.inventoryMovements.variantId, a.variant)),
      )
    ).length,
  };
}

describe("cross-tenant attempts on every product route", () => {
  it("shop B's staff get 404 (or nothing done) for shop A's products, media, collections and transfers, and shop A is unchanged", async () => {
    const before = await shopAState();
    const client = await signedIn(b.user);
    const list = await client.get("/admin/products");
    expect(list.status).toBe(200);
    expect(htmlDecode(client.lastHtml)).toContain("Shop B's Kaya");
    expect(htmlDecode(client.lastHtml)).not.toContain("Shop A's Songket");
    const csrf = client.csrfToken();
    const post = (path: string, fields: Record<string, string>) => client.post(path, fields, { csrf });

    const attempts: Array<[string, Promise<Response>]> = [
      ["read the editor", client.get(`/admin/products/${a.product}`)],
      [
        "save",
        post(`/admin/products/${a.product}`, { intent: "save", title: "Hijacked", optionsBefore: "[]", "variants.0.price": "1.00" }),
      ],
      ["adjust stock", post(`/admin/products/${a.product}`, { intent: "adjust", variantId: a.variant, delta: "50", reason: "received" })],
      [
        "adjust A's variant through B's product",
        post(`/admin/products/${b.product}`, { intent: "adjust", variantId: a.variant, delta: "50", reason: "received" }),
      ],
      ["delete", post(`/admin/products/${a.product}`, { intent: "delete" })],
      [
        "sign an upload",
        post(`/admin/products/${a.product}/media`, { intent: "request-upload", filename: "x.png", contentType: "image/png", size: "100" }),
      ],
      ["complete an upload", post(`/admin/products/${a.product}/media`, { intent: "complete", mediaId: a.media })],
      ["set alt text", post(`/admin/products/${a.product}/media`, { intent: "alt", mediaId: a.media, alt: "hijacked" })],
      ["make cover", post(`/admin/products/${a.product}/media`, { intent: "cover", mediaId: a.media })],
      ["move media", post(`/admin/products/${a.product}/media`, { intent: "move", mediaId: a.media, direction: "left" })],
      ["delete media", post(`/admin/products/${a.product}/media`, { intent: "delete", mediaId: a.media })],
      [
        "alt text of A's media through B's product",
        post(`/admin/products/${b.product}/media`, { intent: "alt", mediaId: a.media, alt: "hijacked" }),
      ],
      ["delete A's media through B's product", post(`/admin/products/${b.product}/media`, { intent: "delete", mediaId: a.media })],
      ["complete A's upload through B's product", post(`/admin/products/${b.product}/media`, { intent: "complete", mediaId: a.media })],
      ["read a transfer", client.get(`/admin/products/transfers/${a.transfer}`)],
      ["download an export", client.get(`/admin/products/transfers/${a.transfer}/csv`)],
      ["download an error report", client.get(`/admin/products/transfers/${a.transfer}/csv?report=errors`)],
      ["read a collection", client.get(`/admin/collections/${a.collection}`)],
      ["rename a collection", post(`/admin/collections/${a.collection}`, { intent: "save", title: "Hijacked" })],
      ["reorder a collection", post(`/admin/collections/${a.collection}`, { intent: "move", productId: a.product, direction: "down" })],
      ["remove from a collection", post(`/admin/collections/${a.collection}`, { intent: "remove", productId: a.product })],
      ["delete a collection", post(`/admin/collections/${a.collection}`, { intent: "delete" })],
    ];
    for (const [what, attempt] of attempts) {
      const res = await attempt;
      expect({ what, status: res.status }).toEqual({ what, status: 404 });
    }

    // Bulk actions take ids from the form: A's ids match nothing in B's shop.
    for (const bulk of ["publish", "archive", "draft", "delete"]) {
      const res = await post("/admin/products", { bulk, ids: a.product });
      expect(res.status).toBe(200);
      expect(htmlDecode(client.lastHtml)).toMatch(/\b0 (published|archived|set to draft|deleted)\./);
    }
    await post("/admin/products", { bulk: "add-to-collection", ids: a.product, collectionId: b.collection });
    expect(htmlDecode(client.lastHtml)).toContain("0 added to the collection.");
    const intoA = await post("/admin/products", { bulk: "add-to-collection", ids: b.product, collectionId: a.collection });
    expect(intoA.status).toBe(400);
    expect(htmlDecode(client.lastHtml)).toContain("Choose the collection to add the products to.");
    await client.get(`/admin/products?collection=${a.collection}`);
    expect(htmlDecode(client.lastHtml)).toContain("No products match these filters.");

    expect(await shopAState()).toEqual(before);
  });

  it("the same requests work on the shop's own products (so the 404s above are isolation, not broken routes)", async () => {
    const client = await signedIn(b.user);
    const page = await client.get(`/admin/products/${b.product}`);
    // The page may send the browser's upload to the bucket's S3 endpoint (and show media from the public base).
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toMatch(new RegExp(`connect-src [^;]*${new URL(process.env.S3_ENDPOINT!).origin.replace(/[.]/g, "\\.")}`));
    expect(csp).toMatch(new RegExp(`img-src [^;]*${new URL(process.env.MEDIA_PUBLIC_BASE_URL!).origin.replace(/[.]/g, "\\.")}`));
    const csrf = client.csrfToken();
    const variant = (await getProduct(b.shop.id, b.product))!.variants[0];
    const adjust = await client.post(
      `/admin/products/${b.product}`,
      { intent: "adjust", variantId: variant.id, delta: "4", reason: "received" },
      { csrf },
    );
    expect(adjust.status).toBe(302);
    const save = await client.post(
      `/admin/products/${b.product}`,
      {
        intent: "save",
        title: "Shop B's Kaya Pandan",
        status: "active",
        optionsBefore: "[]",
        "variants.0.id": variant.id,
        "variants.0.price": "15.50",
        "variants.0.track": "on",
      },
      { csrf },
    );
    expect(save.status).toBe(302);
    const after = (await getProduct(b.shop.id, b.product))!;
    expect([after.product.title, after.product.status, after.variants[0].priceMinor, after.variants[0].onHand]).toEqual([
      "Shop B's Kaya Pandan",
      "active",
      1550,
      7,
    ]);
    const upload = await client.post(
      `/admin/products/${b.product}/media`,
      { intent: "request-upload", filename: "x.png", contentType: "image/png", size: "100" },
      { csrf },
    );
    expect(upload.status).toBe(200);
    expect(await upload.json()).toMatchObject({
      mediaId: expect.any(String),
      upload: { method: "PUT", headers: { "Content-Type": "image/png" } },
    });
    const refused = await client.post(
      `/admin/products/${b.product}/media`,
      { intent: "request-upload", filename: "x.gif", contentType: "image/gif", size: "100" },
      { csrf },
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: "x.gif: use a JPG, PNG or WebP image, or an MP4 or WebM video." });
  });

  it("refuses a form save with field errors next to the fields, keeping what was typed", async () => {
    const client = await signedIn(b.user);
    await client.get("/admin/products/new");
    const res = await client.post("/admin/products/new", {
      intent: "save",
      title: "Tudung Bawal",
      optionsBefore: "[]",
      "options.0.name": "Colour",
      "options.0.values": "Black, Cream",
      "variants.0.price": "",
    });
    expect(res.status).toBe(400);
    const html = htmlDecode(client.lastHtml);
    // Options changed without JavaScript: the grid was regenerated, and each row asks for its price.
    expect(html).toContain('data-field-error="variants.0.price">Enter a price, e.g. 49.90.');
    expect(html).toContain('data-field-error="variants.1.price">Enter a price, e.g. 49.90.');
    expect(html).toContain('value="Tudung Bawal"');
    expect(html).toContain('value="Black, Cream"');
  });
});
