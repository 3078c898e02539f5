/**
 * Issue 15's reproductions, each class once, anonymously where the attacker was anonymous: hostile
 * input is a 4xx with a message in the visitor's language, never a 500 — broken URL encoding, NUL
 * and invalid UTF-8, bodies that are not the form they claim, `Origin: null`, oversize uploads —
 * and cookies are `Secure` whenever the request came over HTTPS.
 */
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PermanentJobFailure } from "~/domain/jobs/errors";
import { completeUpload, processMedia, requestUpload } from "~/domain/media/media.server";
import { shownPoliciesField } from "~/domain/policies/versions.server";
import { headObject, publicObjectUrl, putObject, readObject } from "~/integrations/storage.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { signIn, whatsAppCode } from "../helpers/auth";
import { makePng } from "../helpers/catalog";
import { makeSupplier, makeSupplierProduct } from "../helpers/dropship";
import { makeShop, makeUser, unique } from "../helpers/factories";
import { makeActiveProduct } from "../helpers/storefront";
import { FormClient, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1"; // X-Forwarded-Proto: https, and a distinct address per client

let web: Awaited<ReturnType<typeof startWeb>>;
let shop: { id: string; slug: string };
let owner: Awaited<ReturnType<typeof makeUser>>;
let productId: string;
let n = 0;
const nextIp = () => `198.18.${Math.floor(++n / 250)}.${(n % 250) + 1}`;

beforeAll(async () => {
  web = await startWeb();
  owner = await makeUser();
  shop = await makeShop(owner.id);
  productId = (await makeActiveProduct(shop.id, owner.id, { title: "Batik sarong" })).productId;
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

/** A raw request: fetch would re-encode a broken path, so paths go through as written. */
async function raw(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(web.url + path, { redirect: "manual", ...init, headers: { "X-Forwarded-For": nextIp(), ...init.headers } });
}

async function anonymousWithToken(path = "/login") {
  const client = new FormClient(web.url);
  client.forwardedFor = nextIp();
  await client.get(path);
  return client;
}

describe("1. invalid percent-encoding in the path", () => {
  it("is a 400 page in the visitor's language, for every kind of route", async () => {
    for (const path of ["/login/%FF", "/s/%ED%A0%80%C0%AF", `/s/${shop.slug}/products/%FF`, "/%E0%A4%A", "/build/%FF.js", "/s/x%zz"]) {
      const res = await raw(path);
      expect(res.status, path).toBe(400);
      expect(await res.text(), path).toContain("not allowed");
    }
    const ms = await raw("/login/%FF", { headers: { "Accept-Language": "ms" } });
    expect(ms.status).toBe(400);
    const page = await ms.text();
    expect(page).toContain('lang="ms"');
    expect(page).toContain("aksara yang tidak dibenarkan");
  });
});

describe("2. a NUL byte never reaches PostgreSQL", () => {
  it("in query strings and path parameters", async () => {
    for (const path of [
      `/s/${shop.slug}/search?q=%00`,
      `/s/${shop.slug}/search?q=a%C0b`,
      `/s/${shop.slug}/products/%00`,
      `/s/${shop.slug}/collections/%00`,
      `/s/${shop.slug}/products/a%00b`,
    ]) {
      expect((await raw(path)).status, path).toBe(400);
    }
    expect((await raw(`/s/${shop.slug}/search?q=batik`)).status).toBe(200);
  });

  it("in a form field, signed out and signed in", async () => {
    const client = await anonymousWithToken();
    const login = await client.post("/login", { email: "a\u0000b@example.com", password: "x" });
    expect(login.status).toBe(400);
    expect(client.lastHtml).toContain("NUL");

    const admin = new FormClient(web.url);
    admin.forwardedFor = nextIp();
    await signIn(admin, owner);
    await admin.get("/admin/collections");
    const res = await admin.post("/admin/collections", { intent: "collection", title: "Sale\u0000" });
    expect(res.status).toBe(400);
    expect(admin.lastHtml).toContain("NUL");
    expect((await raw(`/admin/dropship?q=%00`, { headers: { Cookie: admin.cookieHeader() } })).status).toBe(400);
  });

  it("in a header value", async () => {
    const res = await raw("/login", { headers: { "Accept-Language": "en\u00ff" } });
    expect(res.status).toBe(400);
  });
});

describe("3. a body that is not the form it claims", () => {
  it("is a 415 or 400 with a message on every form route, /login and /signup included", async () => {
    for (const path of ["/login", "/signup", `/s/${shop.slug}/cart`]) {
      const client = await anonymousWithToken(path === "/login" ? "/login" : "/signup");
      const headers = (type: string) => ({
        "Content-Type": type,
        Cookie: client.cookieHeader(),
        Origin: web.url,
        "X-Forwarded-For": nextIp(),
      });
      const cases: Array<[string, string, number]> = [
        ["multipart/form-data", "a=b", 415],
        ["multipart/form-data; boundary=xyz", "email=a@b.c&password=x", 400],
        ["multipart/form-data; boundary=xyz", '--xyz\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b', 400],
        ["application/json", '{"email":"a@b.c"}', 415],
        ["text/plain", "email=a@b.c", 415],
      ];
      for (const [type, body, status] of cases) {
        const res = await fetch(web.url + path, { method: "POST", headers: headers(type), body, redirect: "manual" });
        expect(res.status, `${path} ${type} ${body.slice(0, 20)}`).toBe(status);
        expect(await res.text()).toMatch(/form/i);
      }
    }
  });
});

describe("4. Origin: null", () => {
  it("is a 403, even with a valid CSRF token", async () => {
    const client = await anonymousWithToken();
    const csrf = client.csrfToken();
    const res = await client.post("/login", { email: "a@example.com", password: "whatever" }, { origin: "null", csrf });
    expect(res.status).toBe(403);
    expect(client.lastHtml).toContain("without an origin");
    for (const origin of ["not a url", "http://evil.example", `${web.url}/path`]) {
      expect((await client.post("/login", { email: "a@example.com", password: "x" }, { origin, csrf })).status, origin).toBe(403);
    }
    // Remix compares the Origin with X-Forwarded-Host: we refuse first, never let it throw.
    const forwarded = await fetch(`${web.url}/login`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: client.cookieHeader(),
        Origin: web.url,
        "X-Forwarded-Host": "elsewhere.example",
        "X-Forwarded-For": nextIp(),
      },
      body: new URLSearchParams({ _csrf: csrf, email: "a@example.com", password: "x" }),
      redirect: "manual",
    });
    expect(forwarded.status).toBe(403);
    // Provider callbacks take cross-site POSTs: a foreign or malformed Origin there is no exception either (found by the fuzz test).
    for (const origin of ["https://evil.example", "::not a url::", "null"]) {
      for (const path of ["/webhooks/kling/x/y/z.data", "/webhooks/wassenger/nope"]) {
        const res = await raw(path, { method: "POST", headers: { Origin: origin, "Content-Type": "application/json" }, body: "{}" });
        expect(res.status, `${path} ${origin}`).toBeLessThan(500);
      }
    }
  });
});

describe("5. a supplier image over 10 MB", () => {
  /** A signed-in supplier on one of their product's pages (in Malay when asked), sending an image as the page's form does. */
  async function supplierProductPage(language?: "ms") {
    const supplier = await makeSupplier();
    const product = await makeSupplierProduct(supplier.shopId, supplier.user.id, { cost: "5.00", price: "12.00", stock: 3 });
    const page = `/supplier/products/${product.productId}`;
    const client = new FormClient(web.url);
    const ip = nextIp();
    client.forwardedFor = ip;
    await signIn(client, supplier.user);
    await client.get(page);
    if (language) {
      await client.post("/locale", { lng: language, redirectTo: page });
      await client.get(page);
    }
    const postImage = (image: File) => {
      const body = new FormData();
      body.set("_csrf", client.csrfToken());
      body.set("image", image);
      return fetch(`${web.url}${page}`, {
        method: "POST",
        body,
        headers: { Cookie: client.cookieHeader(), Origin: web.url, "X-Forwarded-For": ip },
        redirect: "manual",
      });
    };
    return { supplier, postImage };
  }

  it("is a 413 shown as the image field's error", async () => {
    const { postImage } = await supplierProductPage();
    const res = await postImage(new File([new Uint8Array(11 * 1024 * 1024)], "huge.png", { type: "image/png" }));
    expect(res.status).toBe(413);
    const html = await res.text();
    expect(html).toContain("too large");
    expect(html).toContain("10 MB");
  });

  it("a supplier image that is HTML after a PNG header is refused beside the field, in the supplier's language", async () => {
    const { supplier, postImage } = await supplierProductPage("ms");
    const png = await makePng(400, 300);
    const res = await postImage(
      new File([Buffer.concat([png.subarray(0, 33), Buffer.from("<html><script>alert(1)</script></html>")])], "x.png", {
        type: "image/png",
      }),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("x.png bukan gambar JPEG, PNG atau WebP yang boleh dibaca");
    expect(await withShop(supplier.shopId, (tx) => tx.select().from(schema.media))).toHaveLength(0);
  });

  // Every upload path stores the re-encoded image (issue 15, "uploads are what they claim").
  /** A real PNG with an HTML page after its end: browsers sniffing the bytes could run it. */
  const polyglot = async () =>
    Buffer.concat([await makePng(400, 300), Buffer.from("<html><script>alert(document.cookie)</script></html>".repeat(10))]);
  const expectClean = async (key: string, format: string) => {
    const object = await readObject(key);
    expect(object.includes("<script>"), key).toBe(false);
    expect((await sharp(object).metadata()).format, key).toBe(format);
  };

  it("a supplier's product image and a shop's logo and hero image keep nothing after the image", async () => {
    const { supplier, postImage } = await supplierProductPage();
    expect((await postImage(new File([new Uint8Array(await polyglot())], "tail.png", { type: "image/png" }))).status).toBeLessThan(400);
    const [media] = await withShop(supplier.shopId, (tx) => tx.select().from(schema.media).where(eq(schema.media.filename, "tail.png")));
    await expectClean(media.originalKey, "png");

    const client = new FormClient(web.url);
    client.forwardedFor = nextIp();
    await signIn(client, owner);
    await client.get("/admin/settings/storefront");
    for (const slot of ["logo", "heroImage", "favicon"]) {
      const body = new FormData();
      body.set("_csrf", client.csrfToken());
      body.set("intent", "upload");
      body.set("slot", slot);
      body.set("image", new File([new Uint8Array(await polyglot())], "tail.png", { type: "image/png" }));
      const res = await fetch(`${web.url}/admin/settings/storefront`, {
        method: "POST",
        body,
        headers: { Cookie: client.cookieHeader(), Origin: web.url, "X-Forwarded-For": client.forwardedFor },
        redirect: "manual",
      });
      expect(res.status, slot).toBe(302);
    }
    const [{ theme }] = await withShop(shop.id, (tx) =>
      tx.select({ theme: schema.shops.storefrontTheme }).from(schema.shops).where(eq(schema.shops.id, shop.id)),
    );
    const images = theme as Record<string, { key: string } | null>;
    for (const slot of ["logo", "heroImage", "favicon"]) await expectClean(images[slot]!.key, slot === "favicon" ? "png" : "webp");
  });
});

describe("6. uploads are what they claim", () => {
  async function uploadModelPhoto(client: FormClient, bytes: Uint8Array, name: string, type: string) {
    await client.get(`/admin/products/${productId}/studio`);
    const body = new FormData();
    body.set("_csrf", client.csrfToken());
    body.set("intent", "upload-model-photo");
    body.set("photo", new File([Buffer.from(bytes)], name, { type }));
    return fetch(`${web.url}/admin/products/${productId}/studio`, {
      method: "POST",
      body,
      headers: { Cookie: client.cookieHeader(), Origin: web.url, "X-Forwarded-For": client.forwardedFor! },
      redirect: "manual",
    });
  }
  const photos = (filename: string) =>
    withShop(shop.id, (tx) => tx.select().from(schema.aiModelPhotos).where(eq(schema.aiModelPhotos.filename, filename)));

  it("refuses a PNG header followed by HTML as a model photo, and re-encodes a real one", async () => {
    const client = new FormClient(web.url);
    client.forwardedFor = nextIp();
    await signIn(client, owner);
    const png = await makePng(600, 800);
    const header = png.subarray(0, 33); // signature + IHDR: 600×800
    const html = Buffer.from("<html><script>alert(document.cookie)</script></html>".repeat(20));
    const fake = await uploadModelPhoto(client, Buffer.concat([header, html]), "fake.png", "image/png");
    expect(fake.status).toBe(400);
    expect(await photos("fake.png")).toHaveLength(0);

    const polyglot = await uploadModelPhoto(client, Buffer.concat([png, html]), "polyglot.png", "image/png");
    expect(polyglot.status).toBe(302);
    const [stored] = await photos("polyglot.png");
    expect(stored.contentType).toBe("image/png");
    const object = await readObject(stored.objectKey);
    expect(object.includes("<script>")).toBe(false);
    expect((await sharp(object).metadata()).format).toBe("png");
    expect(stored.bytes).toBe(object.length);
  });
});

describe("7. found by the well-formed fuzzer (valid token, own Origin, hostile values)", () => {
  it("a path or redirectTo a Location header cannot carry is encoded, never a 500", async () => {
    for (const path of ["/s/%F0%9F%98%80/account/logout", "/s/%E2%82%AC%E2%82%AC/locale"]) {
      const res = await raw(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get("location"), path).toMatch(/^\/s\/%[0-9A-F]{2}/);
    }
    const client = await anonymousWithToken(`/s/${shop.slug}`);
    const res = await client.post(`/s/${shop.slug}/locale`, { lng: "ms", redirectTo: `/s/${shop.slug}/😀 ‮x` });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/s/${shop.slug}/%F0%9F%98%80%20%E2%80%AEx`);
  });

  it("an id PostgreSQL cannot read as a uuid, or a number out of range, is a 400", async () => {
    const client = new FormClient(web.url);
    client.forwardedFor = nextIp();
    await signIn(client, owner);
    for (const inviteId of ["null", "😀", "1e309"]) {
      await client.get("/admin/staff");
      const res = await client.post("/admin/staff", { intent: "withdraw", inviteId });
      expect(res.status, inviteId).toBe(400);
    }
  });

  it("a webhook's JSON with \\u0000 inside is a 400 (the earlier unexplained POST /webhooks/wassenger 500)", async () => {
    const secret = process.env.WASSENGER_WEBHOOK_SECRET!;
    const res = await raw(`/webhooks/wassenger/${secret}?x=1`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ event: "message:out:ack", data: { id: "wamid.\u0000", status: "delivered" } }),
    });
    expect(res.status).toBe(400);
  });

  it("a legacy ?_data= request is a 400 page, with no stack trace", async () => {
    const res = await raw("/login?_data=routes%2Flogin");
    expect(res.status).toBe(400);
    expect(await res.text()).not.toMatch(/\bat .*\.js:\d+/);
  });

  it("a data request for the live-progress event stream is a 400 at once, not a connection held open", async () => {
    const res = await raw("/admin/progress.data");
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  });
});

describe("6b. presigned uploads and the store", () => {
  it("the media job refuses a presigned upload that only starts like a PNG, and deletes it", async () => {
    const png = await makePng(400, 300);
    const fake = Buffer.concat([png.subarray(0, 33), Buffer.from("<html><script>alert(1)</script></html>".repeat(10))]);
    const signed = await requestUpload(shop.id, productId, { filename: "fake.png", contentType: "image/png", size: fake.length });
    if (!signed?.ok) throw new Error("upload not signed");
    const put = await fetch(signed.upload.url, { method: "PUT", headers: signed.upload.headers, body: new Uint8Array(fake) });
    expect(put.ok).toBe(true);
    // Its first bytes pass the check after upload; the media job decodes it and refuses it.
    expect(await completeUpload(shop.id, productId, signed.mediaId)).toEqual({ ok: true, status: "processing" });
    await expect(processMedia({ shopId: shop.id, mediaId: signed.mediaId })).rejects.toBeInstanceOf(PermanentJobFailure);
    const [row] = await withShop(shop.id, (tx) => tx.select().from(schema.media).where(eq(schema.media.id, signed.mediaId)));
    expect(row).toMatchObject({ status: "failed", storedBytes: 0 });
    expect(await headObject(row.originalKey)).toBeUndefined();
  });

  it("stored objects are served by the S3 store with their true type, media inline and exports as attachments", async () => {
    const png = await sharp(await makePng(64, 48))
      .png()
      .toBuffer();
    const imageKey = `shops/${shop.id}/media/served-${Date.now()}.png`;
    const csvKey = `shops/${shop.id}/exports/orders-${Date.now()}.csv`;
    await putObject({ key: imageKey, body: png, contentType: "image/png", immutable: true });
    await putObject({ key: csvKey, body: "a,b\n1,2\n", contentType: "text/csv; charset=utf-8" });
    // Over the S3 protocol, as a browser fetches the public URL of the media origin.
    const image = await fetch(publicObjectUrl(imageKey));
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.headers.get("content-disposition")).toBe("inline");
    expect(image.headers.get("x-content-type-options")).toBe("nosniff");
    expect(image.headers.get("content-security-policy")).toMatch(/sandbox/);
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);
    const csv = await fetch(publicObjectUrl(csvKey));
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="orders-\d+\.csv"$/);
    expect(csv.headers.get("x-content-type-options")).toBe("nosniff");
    // The store's own error pages too: nothing from the media origin is sniffed or run.
    const missing = await fetch(publicObjectUrl(`shops/${shop.id}/media/nothing-here.png`));
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/^application\/xml/);
    expect(missing.headers.get("x-content-type-options")).toBe("nosniff");
    expect(missing.headers.get("content-security-policy")).toMatch(/sandbox/);
  });

  it("a presigned upload cannot change its type to HTML on the way", async () => {
    const png = await makePng(40, 30);
    const signed = await requestUpload(shop.id, productId, { filename: "a.png", contentType: "image/png", size: png.length });
    if (!signed?.ok) throw new Error("upload not signed");
    const html = Buffer.alloc(png.length, " ");
    Buffer.from("<html><script>alert(1)</script></html>").copy(html);
    const put = await fetch(signed.upload.url, { method: "PUT", headers: { "Content-Type": "text/html" }, body: new Uint8Array(html) });
    expect(put.status).toBe(403);
    const [row] = await withShop(shop.id, (tx) => tx.select().from(schema.media).where(eq(schema.media.id, signed.mediaId)));
    expect(await headObject(row.originalKey)).toBeUndefined();
  });

  it("stores nothing a browser would run, whoever asks", async () => {
    for (const contentType of ["text/html", "image/svg+xml", "application/xml", "text/javascript", "image/png; x=<"]) {
      await expect(putObject({ key: `shops/${shop.id}/x`, body: "<html></html>", contentType }), contentType).rejects.toThrow(/refusing/);
    }
  });
});

describe("cookies over HTTPS", () => {
  it("are Secure whatever NODE_ENV, the session cookie included", async () => {
    const https = { "X-Forwarded-Proto": "https", "X-Forwarded-For": nextIp() };
    const page = await raw("/login", { headers: https });
    const csrfCookie = page.headers.getSetCookie().find((c) => c.startsWith("__Host-csrf="))!;
    expect(csrfCookie).toMatch(/;\s*Secure/i);
    const token = (await page.text()).match(/name="_csrf" value="([^"]*)"/)![1];
    const user = await makeUser();
    const login = await fetch(`${web.url}/login`, {
      method: "POST",
      headers: {
        ...https,
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: csrfCookie.split(";")[0],
        Origin: web.url.replace("http:", "https:"),
      },
      body: new URLSearchParams({ _csrf: token, email: user.email, password: user.password }),
      redirect: "manual",
    });
    expect(login.status).toBe(302);
    const cookies = login.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) expect(c, c.split("=")[0]).toMatch(/;\s*Secure/i);

    // The second factor, over HTTPS too: the session cookie itself is Secure.
    const jar = [csrfCookie, ...cookies].map((c) => c.split(";")[0]).join("; ");
    const verified = await fetch(`${web.url}/login/verify`, {
      method: "POST",
      headers: {
        ...https,
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: jar,
        Origin: web.url.replace("http:", "https:"),
      },
      body: new URLSearchParams({ _csrf: token, intent: "verify", code: await whatsAppCode(user.phone) }),
      redirect: "manual",
    });
    expect(verified.status).toBe(302);
    const session = verified.headers.getSetCookie().find((c) => c.startsWith("__session="));
    expect(session).toMatch(/;\s*Secure/i);

    // A storefront customer's cookies, from their sign-up over HTTPS.
    const signupPage = await raw(`/s/${shop.slug}/account/signup`, { headers: https });
    const shopCsrf = signupPage.headers.getSetCookie().find((c) => c.startsWith("__Host-csrf="));
    const signup = await fetch(`${web.url}/s/${shop.slug}/account/signup`, {
      method: "POST",
      headers: {
        ...https,
        "Content-Type": "application/x-www-form-urlencoded",
        ...(shopCsrf ? { Cookie: shopCsrf.split(";")[0] } : {}),
        Origin: web.url.replace("http:", "https:"),
      },
      body: new URLSearchParams({
        _csrf: (await signupPage.text()).match(/name="_csrf" value="([^"]*)"/)![1],
        name: "Aishah",
        email: `${unique("secure")}@example.com`,
        password: "cendol gula melaka 2026",
        adult: "on",
        ...(await shownPoliciesField(["privacy"])),
      }),
      redirect: "manual",
    });
    expect(signup.status).toBe(302);
    const customerCookies = signup.headers.getSetCookie();
    expect(customerCookies.length).toBeGreaterThan(0);
    for (const c of customerCookies) expect(c, c.split("=")[0]).toMatch(/;\s*Secure/i);
  });
});
