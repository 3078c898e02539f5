import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";

import { signIn } from "../helpers/auth";
import { makeShop, makeUser } from "../helpers/factories";
import { FormClient, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

let web: Awaited<ReturnType<typeof startWeb>>;
let malayShop: { slug: string };
let englishShop: { slug: string };

beforeAll(async () => {
  web = await startWeb();
  const owner = await makeUser();
  malayShop = await makeShop(owner.id, { language: "ms", name: "Kedai Mak Cik" });
  englishShop = await makeShop(owner.id, { language: "en" });
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

async function page(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(web.url + path, { headers: { "X-Forwarded-For": "203.0.113.9", ...headers } });
  const html = await res.text();
  return { res, html, lang: /<html lang="([^"]+)"/.exec(html)?.[1] };
}

describe("locale resolution: lng cookie → Accept-Language → shop language → English", () => {
  it("falls back to the shop's language, then to English", async () => {
    expect((await page(`/s/${malayShop.slug}`)).lang).toBe("ms");
    expect((await page(`/s/${malayShop.slug}`, { "Accept-Language": "fr-FR,fr;q=0.9" })).lang).toBe("ms");
    expect((await page(`/s/${englishShop.slug}`)).lang).toBe("en");
    expect((await page("/login")).lang).toBe("en");
  });

  it("prefers the browser's Accept-Language over the shop's language", async () => {
    const zh = await page(`/s/${malayShop.slug}`, { "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5" });
    expect(zh.lang).toBe("zh-Hans");
    expect(zh.html).toContain("技术支持"); // "Powered by" in the footer
    expect((await page(`/s/${englishShop.slug}`, { "Accept-Language": "ms-MY" })).lang).toBe("ms");
  });

  it("the switcher's cookie beats everything, works without JavaScript and only redirects on-site", async () => {
    const client = new FormClient(web.url);
    client.forwardedFor = "203.0.113.10";
    await client.get(`/s/${englishShop.slug}`);
    // The storefront's switcher posts to its own /s/:slug/locale: its cached pages carry no CSRF
    // token, and storefront paths accept the browser's same-origin proof instead.
    expect(client.lastHtml).toContain(`action="/s/${englishShop.slug}/locale"`);

    const switched = await client.post(
      `/s/${englishShop.slug}/locale`,
      { lng: "ms", redirectTo: `/s/${englishShop.slug}?q=batik` },
      { csrf: "" },
    );
    expect(switched.status).toBe(302);
    expect(switched.headers.get("location")).toBe(`/s/${englishShop.slug}?q=batik`);
    expect(switched.headers.getSetCookie().find((c) => c.startsWith("lng="))).toMatch(/^lng=.*Max-Age=31536000.*HttpOnly.*SameSite=Lax/i);

    const lngCookie = client.cookie("lng")!;
    const res = await page(`/s/${englishShop.slug}`, { Cookie: `lng=${lngCookie}`, "Accept-Language": "zh-CN" });
    expect(res.lang).toBe("ms");
    expect(res.html).toContain("Dikuasakan oleh");

    await client.get(`/s/${englishShop.slug}`);
    const offsite = await client.post(`/s/${englishShop.slug}/locale`, { lng: "zh", redirectTo: "//evil.example/" });
    expect(offsite.headers.get("location")).toBe(`/s/${englishShop.slug}`);
  });

  it("ignores an unknown language and a switch without the CSRF token", async () => {
    const client = new FormClient(web.url);
    client.forwardedFor = "203.0.113.11";
    await client.get("/login");
    const unknown = await client.post("/locale", { lng: "xx", redirectTo: "/login" });
    expect(unknown.status).toBe(302);
    expect(unknown.headers.get("set-cookie")).toBeNull();
    expect((await client.post("/locale", { lng: "ms", redirectTo: "/login" }, { csrf: null })).status).toBe(403);
  });

  it("translates the admin chrome", async () => {
    const { signIn } = await import("../helpers/auth");
    const owner = await makeUser();
    await makeShop(owner.id);
    const client = new FormClient(web.url);
    client.forwardedFor = "203.0.113.12";
    await signIn(client, owner);
    await client.get("/admin");
    await client.post("/locale", { lng: "zh", redirectTo: "/admin" });
    await client.get("/admin");
    expect(client.lastHtml).toContain('<html lang="zh-Hans"');
    expect(client.lastHtml).toContain("退出登录"); // Log out
    expect(client.lastHtml).toContain("商品"); // Products
  });
});

describe("a signed-in person's language choice", () => {
  it("is kept on their account, so messages sent to them outside a page use it", async () => {
    const user = await makeUser();
    await makeShop(user.id);
    const client = new FormClient(web.url);
    client.forwardedFor = "203.0.113.77";
    await signIn(client, user);
    await client.get("/admin");
    const res = await client.post("/locale", { lng: "zh", redirectTo: "/admin" });
    expect(res.status).toBe(302);
    const [row] = await asPlatform((tx) =>
      tx.select({ language: schema.users.preferredLanguage }).from(schema.users).where(eq(schema.users.id, user.id)),
    );
    expect(row.language).toBe("zh");
  });
});
