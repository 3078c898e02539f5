/**
 * Storefront themes: bad colours, links and lengths are refused field by field; a saved theme
 * shows on the storefront (announcement, hero, WhatsApp chat link, colours), also when it was
 * written elsewhere (the shops trigger tells the cache); images are decoded and re-encoded (the
 * favicon becomes a 64×64 PNG served per shop, never a 404); unknown paths get the shop's 404.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { saveStorefrontTheme } from "~/domain/storefront/theme.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase } from "~db/client";

import { signIn } from "../helpers/auth";
import { makeShop, makeUser } from "../helpers/factories";
import { FormClient, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

let web: Awaited<ReturnType<typeof startWeb>>;
let client: FormClient;
let user: Awaited<ReturnType<typeof makeUser>>;
let shop: { id: string; slug: string };

const GOOD = {
  intent: "save",
  primaryColour: "#7C2D12",
  headerColour: "#FFF7ED",
  headerTextColour: "#431407",
  heroTitle: "Koleksi Raya 2027",
  heroText: "Baju kurung & tudung, free shipping above RM150.",
  heroLinkLabel: "Shop Raya",
  heroLinkUrl: "/search?q=raya",
  announcement: "Free shipping to Sabah & Sarawak this week",
  announcementUrl: "",
  contactEmail: "hello@kedai.my",
  contactPhone: "03-1234 5678",
  whatsapp: "012-345 6789",
  facebook: "https://facebook.com/kedai",
  instagram: "",
  tiktok: "https://www.tiktok.com/@kedai",
};

beforeAll(async () => {
  web = await startWeb();
  user = await makeUser();
  shop = await makeShop(user.id);
  client = new FormClient(web.url);
  client.forwardedFor = `198.51.100.${Math.floor(Math.random() * 250)}`;
  await signIn(client, user);
});

afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

const storefront = async (path = "") => (await fetch(`${web.url}/s/${shop.slug}${path}`, { redirect: "manual" })).text();

describe("storefront theme settings", () => {
  it("refuses low contrast, unsafe links, long texts and bad numbers with a message beside each field", async () => {
    expect((await client.get("/admin/settings/storefront")).status).toBe(200);
    const res = await client.post("/admin/settings/storefront", {
      ...GOOD,
      primaryColour: "#fde68a", // pale yellow: white text on it is unreadable
      headerTextColour: "#fff7ed", // the same as the header
      heroLinkUrl: "javascript:alert(1)",
      heroTitle: "x".repeat(81),
      whatsapp: "call me",
      facebook: "ftp://facebook.com/kedai",
      contactEmail: "not-an-email",
    });
    expect(res.status).toBe(400);
    const html = client.lastHtml;
    for (const field of ["primaryColour", "headerTextColour", "heroLinkUrl", "heroTitle", "whatsapp", "facebook", "contactEmail"])
      expect(html, field).toContain(`data-field-error="${field}"`);
    expect(html).toMatch(/White text on this colour is hard to read \(1\.\d : 1; needs 4\.5 : 1\)/);
    expect(html).toContain("Use at most 80 characters.");
    expect(html).toContain("Use a link that starts with https:// or http://");
    // Nothing was saved.
    expect(await storefront()).not.toContain("announcement-bar");
  });

  it("a saved theme shows on the storefront at once", async () => {
    await storefront(); // the shop is now in this process's cache
    const res = await client.post("/admin/settings/storefront", GOOD);
    expect(res.status).toBe(302);
    const html = await storefront();
    expect(html).toContain('data-testid="announcement-bar"');
    expect(html).toContain("Free shipping to Sabah &amp; Sarawak this week");
    expect(html).toContain("Koleksi Raya 2027");
    expect(html).toContain(`href="/s/${shop.slug}/search?q=raya"`);
    expect(html).toContain('href="https://wa.me/60123456789"');
    expect(html).toContain('href="https://www.tiktok.com/@kedai"');
    expect(html).toContain("--brand:#7c2d12");
    expect(html).toContain("--shop-header-bg:#fff7ed");
  });

  it("a theme changed by another process reaches the cached storefront through the shops trigger", async () => {
    await storefront();
    const saved = await saveStorefrontTheme(
      shop.id,
      { userId: user.id },
      { ...GOOD, announcement: "Cuti Deepavali: orders ship on Monday" },
    );
    expect(saved.ok).toBe(true);
    await expect.poll(() => storefront(), { interval: 100 }).toContain("Cuti Deepavali: orders ship on Monday");
  });

  it("uploads a favicon and a logo through sharp; the favicon is served per shop as a 64×64 PNG", async () => {
    // Before any upload the shop's favicon is NetShop's, never a 404.
    const before = await fetch(`${web.url}/s/${shop.slug}/favicon`, { redirect: "manual" });
    expect(before.status).toBe(302);
    expect(before.headers.get("location")).toBe("/favicon.svg");
    expect((await fetch(`${web.url}/favicon.svg`)).status).toBe(200);

    await client.get("/admin/settings/storefront");
    const csrf = client.csrfToken();
    const upload = async (slot: string, bytes: Buffer, name: string, type: string) => {
      const body = new FormData();
      body.set("_csrf", csrf);
      body.set("intent", "upload");
      body.set("slot", slot);
      body.set("image", new File([new Uint8Array(bytes)], name, { type }));
      return fetch(`${web.url}/admin/settings/storefront`, {
        method: "POST",
        body,
        headers: { Cookie: client.cookieHeader(), Origin: web.url },
        redirect: "manual",
      });
    };
    const square = await sharp({ create: { width: 300, height: 300, channels: 3, background: "#7c2d12" } })
      .png()
      .toBuffer();
    // Not an image, and a polyglot claiming to be PNG: refused with a message, never stored.
    const bad = await upload("favicon", Buffer.from("<svg onload=alert(1)>"), "x.png", "image/png");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("This file is not a JPG, PNG or WebP image.");
    expect((await upload("favicon", square, "icon.png", "image/png")).status).toBe(302);
    const wide = await sharp({ create: { width: 1200, height: 300, channels: 3, background: "#ffffff" } })
      .jpeg()
      .toBuffer();
    expect((await upload("logo", wide, "logo.jpg", "image/jpeg")).status).toBe(302);

    const favicon = await fetch(`${web.url}/s/${shop.slug}/favicon`, { redirect: "manual" });
    expect(favicon.status).toBe(302);
    const icon = await fetch(favicon.headers.get("location")!);
    expect(icon.status).toBe(200);
    const meta = await sharp(Buffer.from(await icon.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 64, 64]);

    const html = await storefront();
    expect(html).toContain(`<link rel="icon" href="/s/${shop.slug}/favicon"/>`);
    expect(html).toMatch(/data-testid="shop-logo"/);
    const logo =
      /<img src="([^"]+)"[^>]*data-testid="shop-logo"/.exec(html)?.[1] ?? /data-testid="shop-logo"[^>]*src="([^"]+)"/.exec(html)?.[1];
    const logoMeta = await sharp(Buffer.from(await (await fetch(logo!.replaceAll("&amp;", "&"))).arrayBuffer())).metadata();
    expect([logoMeta.width, logoMeta.height]).toEqual([600, 150]); // fitted inside 600×200
  });

  it("an unknown path in the shop is the shop's own 404, not the framework's", async () => {
    const res = await fetch(`${web.url}/s/${shop.slug}/no/such/page`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('data-testid="storefront-404"');
    expect(html).toContain("We could not find that page");
    expect(html).toContain('data-testid="announcement-bar"'); // inside the shop's own layout
    expect(html).not.toContain("No route matches");
  });

  it("the page and the errors are in Chinese for a merchant working in 简体中文", async () => {
    await client.post("/locale", { lng: "zh", redirectTo: "/admin/settings/storefront" });
    await client.get("/admin/settings/storefront");
    expect(client.lastHtml).toContain("店面设计");
    await client.post("/admin/settings/storefront", { ...GOOD, primaryColour: "#ffff00" });
    expect(client.lastHtml).toContain("此颜色上的白色文字难以阅读");
  });
});
