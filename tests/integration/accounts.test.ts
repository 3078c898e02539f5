import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { signUp } from "~/domain/accounts/signup.server";
import { shownPoliciesField } from "~/domain/policies/versions.server";
import { createShop } from "~/domain/shops/shops.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";

import { bcryptAtConfiguredCost, signIn } from "../helpers/auth";
import { makeShop, makeUser, PASSWORD, unique } from "../helpers/factories";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1"; // each client below gets its own address through X-Forwarded-For

let web: Awaited<ReturnType<typeof startWeb>>;
beforeAll(async () => {
  web = await startWeb();
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

const who = () => ({ ip: `192.0.2.${Math.floor(Math.random() * 250)}`, userAgent: "vitest" });
/** The sign-up page's hidden field, naming the versions in force the page showed. */
const shown = () => shownPoliciesField(["privacy", "terms"]);
const validForm = () => ({
  name: "Siti Nurhaliza",
  email: `${unique("siti")}@example.com`,
  phone: "012-345 6789",
  companyName: "Siti Batik",
  password: PASSWORD,
  adult: "on",
  terms: "on",
});

describe("sign-up validation (each problem has its own message)", () => {
  it("refuses a duplicate email, whatever its case", async () => {
    const form = validForm();
    expect((await signUp({ ...form, ...(await shown()) }, who())).ok).toBe(true);
    const again = await signUp({ ...form, email: form.email.toUpperCase(), ...(await shown()) }, who());
    expect(again).toEqual({ ok: false, errors: { email: "An account with this email already exists. Log in instead?" } });
  });

  it("gives each invalid field its own message", async () => {
    const result = await signUp({ ...validForm(), password: "short", adult: undefined, phone: "12345", terms: undefined }, who());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      password: "Use at least 12 characters.",
      adult: "You must be 18 or older to open a NetShop account.",
      phone: "Enter a valid WhatsApp number, e.g. 012-345 6789 or +60 12-345 6789.",
      terms: "Please accept the terms of service and the privacy policy.",
    });
  });

  it("stores a bcrypt hash and the normalised WhatsApp number", async () => {
    const form = validForm();
    const result = await signUp({ ...form, ...(await shown()) }, who());
    if (!result.ok) throw new Error("sign-up failed");
    const [user] = await asPlatform((tx) => tx.select().from(schema.users).where(eq(schema.users.id, result.userId)));
    expect(user.phone).toBe("+60123456789");
    expect(user.passwordHash).toMatch(bcryptAtConfiguredCost());
    expect(user.passwordHash).not.toContain(PASSWORD);
    expect(user.adultConfirmedAt).toBeInstanceOf(Date);
    const [welcome] = await asPlatform((tx) => tx.select().from(schema.messages).where(eq(schema.messages.userId, user.id)));
    expect(welcome).toMatchObject({ purpose: "welcome", recipient: "+60123456789", status: "pending", channel: "whatsapp" });
  });

  it("refuses a taken, reserved or malformed shop address", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    const taken = await createShop(owner.id, { name: "Another", slug: shop.slug }, who());
    expect(taken).toEqual({ ok: false, errors: { slug: "That shop address is taken. Choose another." } });
    expect(await createShop(owner.id, { name: "Admin", slug: "admin" }, who())).toEqual({
      ok: false,
      errors: { slug: "That address is reserved. Choose another." },
    });
    expect(await createShop(owner.id, { name: "Bad", slug: "-bad slug-" }, who())).toEqual({
      ok: false,
      errors: { slug: "Use lowercase letters, digits and hyphens (not at the start or end)." },
    });
  });
});

function client(): FormClient {
  const c = new FormClient(web.url);
  c.forwardedFor = `198.51.100.${Math.floor(Math.random() * 250)}`;
  return c;
}

describe("sign-up, shop creation and login over HTTP (no JavaScript)", () => {
  it("keeps what was typed and shows each error next to its field", async () => {
    const c = client();
    await c.get("/signup");
    const res = await c.post("/signup", {
      ...c.shownPolicies(),
      ...validForm(),
      name: "Ahmad Tan",
      phone: "12-34",
      password: "short",
      adult: "",
    });
    expect(res.status).toBe(400);
    const html = htmlDecode(c.lastHtml);
    expect(html).toContain('value="Ahmad Tan"');
    expect(html).toContain('value="12-34"');
    expect(html).toContain('data-field-error="phone"');
    expect(html).toContain("Use at least 12 characters.");
    expect(html).toContain("You must be 18 or older");
    expect(html).not.toContain('value="short"');
  });

  it("signs up, creates a shop (taken slug refused with the name kept), and lands in the admin", async () => {
    const c = client();
    await c.get("/signup");
    const form = validForm();
    const signup = await c.post("/signup", { ...form, ...c.shownPolicies() });
    expect(signup.status).toBe(302);
    expect(signup.headers.get("location")).toBe("/admin/shops/new");
    const sessionCookie = signup.headers.getSetCookie().find((h) => h.startsWith("__session="))!;
    expect(sessionCookie).toMatch(/HttpOnly/i);
    expect(sessionCookie).toMatch(/SameSite=Lax/i);
    expect(sessionCookie).not.toMatch(/Max-Age/i); // no "remember me": ends with the browser

    expect((await c.get("/admin")).headers.get("location")).toBe("/admin/shops/new");
    await c.get("/admin/shops/new");
    const other = await makeShop((await makeUser()).id);
    const taken = await c.post("/admin/shops/new", {
      name: "Batik Siti",
      slug: other.slug,
      currency: "MYR",
      timezone: "Asia/Kuala_Lumpur",
      language: "ms",
    });
    expect(taken.status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("That shop address is taken. Choose another.");
    expect(c.lastHtml).toContain('value="Batik Siti"');

    const slug = unique("batik-");
    const created = await c.post("/admin/shops/new", {
      name: "Batik Siti",
      slug,
      currency: "MYR",
      timezone: "Asia/Kuala_Lumpur",
      language: "ms",
    });
    expect(created.headers.get("location")).toBe("/admin");
    const admin = await c.get("/admin");
    expect(admin.status).toBe(200);
    expect(c.lastHtml).toContain("Batik Siti");
    expect(c.lastHtml).toContain(`/s/${slug}`);
    const [shop] = await asPlatform((tx) => tx.select().from(schema.shops).where(eq(schema.shops.slug, slug)));
    expect(shop).toMatchObject({ currency: "MYR", timezone: "Asia/Kuala_Lumpur", language: "ms" });
  });

  it("logs in with a new session id, remembers for 30 days on request, and logs out for good", async () => {
    const user = await makeUser();
    const c = client();
    await c.get("/login");
    const bad = await c.post("/login", { email: user.email, password: "wrong password here" });
    expect(bad.status).toBe(401);
    expect(htmlDecode(c.lastHtml)).toContain("That email and password don't match an account.");
    expect(c.lastHtml).toContain(`value="${user.email}"`);

    const ok = await signIn(c, { ...user, email: user.email.toUpperCase() }, { remember: true });
    const cookie = ok.headers.getSetCookie().find((h) => h.startsWith("__session="))!;
    expect(cookie).toMatch(/Max-Age=2592000/);
    const firstSession = c.cookie("__session")!;
    expect((await c.get("/admin/shops/new")).status).toBe(200);

    const out = await c.post("/logout", {});
    expect(out.headers.get("location")).toBe("/login");
    // The old cookie is dead on the server, not only deleted in this browser.
    const stale = new FormClient(web.url);
    stale.setCookie("__session", firstSession);
    expect((await stale.get("/admin")).headers.get("location")).toMatch(/^\/login\?redirectTo=/);

    // Logging in again starts a new session with a new id.
    await signIn(c, user);
    expect(c.cookie("__session")).toBeTruthy();
    expect(c.cookie("__session")).not.toBe(firstSession);
  });

  it("switches between the shops a person belongs to, and only those", async () => {
    const user = await makeUser();
    const first = await makeShop(user.id, { name: "Alpha Store" });
    const second = await makeShop(user.id, { name: "Beta Store" });
    const stranger = await makeShop((await makeUser()).id, { name: "Someone Else's" });
    const c = client();
    await signIn(c, user);
    await c.get("/admin");
    expect(c.lastHtml).toContain('name="shopId"'); // the switcher, for a person with two shops
    expect(c.lastHtml).toContain(`/s/${first.slug}`); // alphabetically first until they choose
    expect(await c.post("/admin/switch-shop", { shopId: second.id })).toHaveProperty("status", 302);
    await c.get("/admin");
    expect(c.lastHtml).toContain(`/s/${second.slug}`);
    expect((await c.post("/admin/switch-shop", { shopId: stranger.id })).status).toBe(403);
    await c.get("/admin");
    expect(c.lastHtml).toContain(`/s/${second.slug}`);
    expect(c.lastHtml).not.toContain(stranger.slug);
  });

  it("limits wrong passwords per account and address, answering 429 with Retry-After", async () => {
    const user = await makeUser();
    const c = client();
    await c.get("/login");
    for (let i = 0; i < 5; i++) {
      expect((await c.post("/login", { email: user.email, password: `wrong-password-${i}` })).status).toBe(401);
    }
    const limited = await c.post("/login", { email: user.email, password: user.password });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(60);
    expect(htmlDecode(c.lastHtml)).toContain("Too many login attempts");
    // Another address is not locked out of the same account.
    const elsewhere = client();
    await elsewhere.get("/login");
    const accepted = await elsewhere.post("/login", { email: user.email, password: user.password });
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toBe("/login/verify"); // on to the WhatsApp code
  });

  it("refuses forms without this browser's CSRF token or from another site", async () => {
    const c = client();
    const attempts = [
      { form: validForm(), options: { csrf: null } },
      { form: validForm(), options: { csrf: "forged-token-forged-token" } },
      { form: validForm(), options: { origin: "https://evil.example" } },
    ];
    for (const { form, options } of attempts) {
      await c.get("/signup");
      expect((await c.post("/signup", form, options)).status).toBe(403);
      const found = await asPlatform((tx) => tx.select().from(schema.users).where(eq(schema.users.email, form.email)));
      expect(found).toEqual([]);
    }
  });
});
