import { desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { rememberLocale } from "~/lib/i18n.server";
import { enforceLimit } from "~/lib/rate-limit.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";

import { emailsTo, signIn, whatsAppCode } from "../helpers/auth";
import { makeUser, unique } from "../helpers/factories";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";
// A small public limit, so the per-address limit of the HTTP layer can be reached here.
process.env.RATE_LIMIT_PUBLIC_PER_MINUTE = "40";

let web: Awaited<ReturnType<typeof startWeb>>;
beforeAll(async () => {
  web = await startWeb();
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

let ipCounter = 0;
function client(): FormClient {
  const c = new FormClient(web.url);
  c.forwardedFor = `100.64.${++ipCounter}.${Math.floor(Math.random() * 250)}`;
  return c;
}

const NEW_PASSWORD = "nasi lemak with extra sambal";

describe("password reset", () => {
  it("by email: a link that works once, within 30 minutes, and ends every session", async () => {
    const user = await makeUser();
    const old = client();
    await signIn(old, user, { trust: true });
    const c = client();
    await c.get("/password/forgot");
    const asked = await c.post("/password/forgot", { email: user.email, method: "email" });
    expect(asked.status).toBe(200);
    expect(htmlDecode(c.lastHtml)).toContain(`If an account uses ${user.email}, we have emailed it a link`);
    const [mail] = await emailsTo(user.email);
    const token = mail.text.match(/\/password\/reset\?token=([\w-]+)/)![1];
    const [record] = await asPlatform((tx) => tx.select().from(schema.messages).where(eq(schema.messages.recipient, user.email)));
    expect(record.body).toContain("[reset link]");
    expect(record.body).not.toContain(token);

    await c.get(`/password/reset?token=${token}`);
    const weak = await c.post(`/password/reset?token=${token}`, { token, password: "password1234", confirm: "password1234" });
    expect(weak.status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("This password is too common.");
    const mismatch = await c.post(`/password/reset?token=${token}`, { token, password: NEW_PASSWORD, confirm: `${NEW_PASSWORD}!` });
    expect(htmlDecode(c.lastHtml)).toContain("The two passwords are different.");
    expect(mismatch.status).toBe(400);
    const done = await c.post(`/password/reset?token=${token}`, { token, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(done.headers.get("location")).toBe("/login?reset=1");

    expect((await old.get("/admin")).headers.get("location")).toMatch(/^\/login/); // every session ended
    await c.get(`/password/reset?token=${token}`);
    expect(c.lastHtml).toContain("This link has expired or was already used.");
    // The trusted device was forgotten too: the new password still needs the code.
    await old.get("/login");
    expect((await old.post("/login", { email: user.email, password: NEW_PASSWORD })).headers.get("location")).toBe("/login/verify");
  });

  it("by email: an expired link is refused", async () => {
    const user = await makeUser();
    const c = client();
    await c.get("/password/forgot");
    await c.post("/password/forgot", { email: user.email, method: "email" });
    const token = (await emailsTo(user.email))[0].text.match(/token=([\w-]+)/)![1];
    const csrf = c.csrfToken();
    await asPlatform((tx) =>
      tx
        .update(schema.passwordResets)
        .set({ expiresAt: sql`now() - interval '1 second'` })
        .where(eq(schema.passwordResets.userId, user.id)),
    );
    await c.get(`/password/reset?token=${token}`);
    expect(c.lastHtml).toContain("This link has expired or was already used.");
    expect(
      (await c.post(`/password/reset?token=${token}`, { token, password: NEW_PASSWORD, confirm: NEW_PASSWORD }, { csrf })).status,
    ).toBe(400);
  });

  it("by WhatsApp code; an unknown email gets the same answer", async () => {
    const user = await makeUser();
    const c = client();
    await c.get("/password/forgot");
    expect((await c.post("/password/forgot", { email: user.email, method: "whatsapp" })).headers.get("location")).toBe("/password/reset");
    await c.get("/password/reset");
    const code = await whatsAppCode(user.phone);
    expect(
      (await c.post("/password/reset", { code: "000000" === code ? "111111" : "000000", password: NEW_PASSWORD, confirm: NEW_PASSWORD }))
        .status,
    ).toBe(401);
    expect(htmlDecode(c.lastHtml)).toContain("That code is not right.");
    expect((await c.post("/password/reset", { code, password: NEW_PASSWORD, confirm: NEW_PASSWORD })).headers.get("location")).toBe(
      "/login?reset=1",
    );
    await signIn(client(), { ...user, password: NEW_PASSWORD });

    const nobody = client();
    await nobody.get("/password/forgot");
    const unknown = await nobody.post("/password/forgot", { email: `${unique("ghost")}@example.com`, method: "whatsapp" });
    expect(unknown.headers.get("location")).toBe("/password/reset");
    await nobody.get("/password/reset");
    expect((await nobody.post("/password/reset", { code: "123456", password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status).toBe(401);
  });

  it("is limited per account, answering 429 with Retry-After", async () => {
    const user = await makeUser();
    for (let i = 0; i < 3; i++) {
      const c = client();
      await c.get("/password/forgot");
      expect((await c.post("/password/forgot", { email: user.email, method: "email" })).status).toBe(200);
    }
    const c = client();
    await c.get("/password/forgot");
    const limited = await c.post("/password/forgot", { email: user.email, method: "email" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(htmlDecode(c.lastHtml)).toContain("Too many reset requests.");
    expect(await emailsTo(user.email)).toHaveLength(3);
  });
});

describe("password reset in Bahasa Melayu and Chinese", () => {
  const expected = {
    ms: {
      email: "Masukkan alamat e-mel akaun anda.",
      common: "Kata laluan ini terlalu biasa.",
      different: "Kedua-dua kata laluan itu berbeza.",
      code: "Masukkan kod 6 digit daripada WhatsApp.",
      wrong: "Kod itu tidak betul. Tinggal 4 cubaan",
      subject: "Tetapkan semula kata laluan NetShop anda",
    },
    zh: {
      email: "请输入您账户的电子邮件地址。",
      common: "此密码过于常见。",
      different: "两次输入的密码不一致。",
      code: "请输入 WhatsApp 收到的 6 位验证码。",
      wrong: "验证码不正确。在需要新验证码之前，您还可以尝试 4 次。",
      subject: "重置您的 NetShop 密码",
    },
  } as const;
  const english = [
    "Enter the email address",
    "too common",
    "The two passwords are different",
    "Enter the 6-digit code",
    "That code is not right",
    "tries left",
  ];

  it("words every refusal of the forgot and reset pages in the page's language, and the emailed link in the account's", async () => {
    for (const [language, texts] of Object.entries(expected)) {
      const user = await makeUser();
      await asPlatform((tx) =>
        tx
          .update(schema.users)
          .set({ preferredLanguage: language as keyof typeof expected })
          .where(eq(schema.users.id, user.id)),
      );
      const c = client();
      const [name, value] = (await rememberLocale(language as keyof typeof expected)).split(";")[0].split("=");
      c.setCookie(name, value);
      const pages: string[] = [];
      await c.get("/password/forgot");
      expect((await c.post("/password/forgot", { email: "not an address", method: "whatsapp" })).status).toBe(400);
      pages.push(htmlDecode(c.lastHtml));
      expect(pages.at(-1)).toContain(texts.email);

      expect((await c.post("/password/forgot", { email: user.email, method: "whatsapp" })).headers.get("location")).toBe("/password/reset");
      await c.get("/password/reset");
      const code = await whatsAppCode(user.phone);
      const attempts: Array<[Record<string, string>, string]> = [
        [{ code: "", password: "password1234", confirm: "password1234" }, texts.common],
        [{ code: "", password: NEW_PASSWORD, confirm: `${NEW_PASSWORD}!` }, texts.different],
        [{ code: "", password: NEW_PASSWORD, confirm: NEW_PASSWORD }, texts.code],
        [{ code: code === "000000" ? "111111" : "000000", password: NEW_PASSWORD, confirm: NEW_PASSWORD }, texts.wrong],
      ];
      for (const [form, text] of attempts) {
        expect((await c.post("/password/reset", form)).status).toBeGreaterThanOrEqual(400);
        pages.push(htmlDecode(c.lastHtml));
        expect(pages.at(-1)).toContain(text);
      }
      for (const page of pages) for (const text of english) expect(page).not.toContain(text);

      // The emailed link goes out in the account's own language, whoever asks for it.
      const other = client();
      await other.get("/password/forgot");
      expect((await other.post("/password/forgot", { email: user.email, method: "email" })).status).toBe(200);
      const [mail] = await emailsTo(user.email);
      expect(mail.subject).toBe(texts.subject);
      expect(mail.text).toMatch(/\/password\/reset\?token=[\w-]+/);
      expect(mail.text).not.toContain("Someone (hopefully you)");
    }
  });
});

describe("password change", () => {
  it("needs the current password, refuses weak ones, and logs out the other sessions", async () => {
    const user = await makeUser();
    const a = client();
    const b = client();
    await signIn(a, user);
    await signIn(b, user);
    await a.get("/admin/account/password");
    expect(
      (await a.post("/admin/account/password", { current: "wrong wrong wrong", password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status,
    ).toBe(400);
    expect(htmlDecode(a.lastHtml)).toContain("That is not your current password.");
    expect((await a.post("/admin/account/password", { current: user.password, password: "short", confirm: "short" })).status).toBe(400);
    expect(htmlDecode(a.lastHtml)).toContain("Use at least 12 characters.");
    expect(
      (await a.post("/admin/account/password", { current: user.password, password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status,
    ).toBe(200);
    expect(htmlDecode(a.lastHtml)).toContain("1 other session was logged out.");
    expect((await a.get("/admin/account")).status).toBe(200);
    expect((await b.get("/admin/account")).headers.get("location")).toMatch(/^\/login/);
  });
});

describe("sessions", () => {
  it("are listed with device, address and last use, and any can be revoked", async () => {
    const user = await makeUser();
    const a = client();
    const b = client();
    await signIn(a, user);
    await signIn(b, user);
    const [bSession] = await asPlatform((tx) =>
      tx.select().from(schema.sessions).where(eq(schema.sessions.userId, user.id)).orderBy(desc(schema.sessions.createdAt)).limit(1),
    );
    await asPlatform((tx) =>
      tx
        .update(schema.sessions)
        .set({
          userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        })
        .where(eq(schema.sessions.id, bSession.id)),
    );
    await a.get("/admin/account/sessions");
    expect(a.lastHtml).toContain("Chrome 131 on Windows");
    expect(a.lastHtml).toContain(b.forwardedFor!);
    expect(a.lastHtml).toContain("this device");
    expect((await a.post("/admin/account/sessions", { sessionId: bSession.id })).status).toBe(200);
    expect(htmlDecode(a.lastHtml)).toContain("Logged out 1 session.");
    expect((await b.get("/admin/account")).headers.get("location")).toMatch(/^\/login/);
    // Someone else's session cannot be revoked through one's own list.
    const other = await makeUser();
    const o = client();
    await signIn(o, other);
    const [oSession] = await asPlatform((tx) => tx.select().from(schema.sessions).where(eq(schema.sessions.userId, other.id)));
    await a.get("/admin/account/sessions");
    await a.post("/admin/account/sessions", { sessionId: oSession.id });
    expect((await o.get("/admin/account")).status).toBe(200);
  });

  it("without 'remember me' end after 30 idle minutes, and after 12 hours at most", async () => {
    const user = await makeUser();
    const a = client();
    await signIn(a, user);
    const [s] = await asPlatform((tx) => tx.select().from(schema.sessions).where(eq(schema.sessions.userId, user.id)));
    expect(s.expiresAt.getTime() - s.createdAt.getTime()).toBeLessThanOrEqual(30 * 60 * 1000 + 1000);
    // 31 minutes without a request.
    await asPlatform((tx) =>
      tx
        .update(schema.sessions)
        .set({ lastSeenAt: sql`now() - interval '31 minutes'`, expiresAt: sql`now() - interval '1 minute'` })
        .where(eq(schema.sessions.id, s.id)),
    );
    expect((await a.get("/admin/account")).headers.get("location")).toMatch(/^\/login/);

    const b = client();
    await signIn(b, user);
    const [t] = await asPlatform((tx) =>
      tx.select().from(schema.sessions).where(eq(schema.sessions.userId, user.id)).orderBy(desc(schema.sessions.createdAt)).limit(1),
    );
    // Logged in 11 h 50 min ago and active: the next request extends it only up to the 12-hour mark.
    await asPlatform((tx) =>
      tx
        .update(schema.sessions)
        .set({ createdAt: sql`now() - interval '11 hours 50 minutes'`, lastSeenAt: sql`now() - interval '2 minutes'` })
        .where(eq(schema.sessions.id, t.id)),
    );
    expect((await b.get("/admin/account")).status).toBe(200);
    const [after] = await asPlatform((tx) => tx.select().from(schema.sessions).where(eq(schema.sessions.id, t.id)));
    expect(after.expiresAt.getTime() - after.createdAt.getTime()).toBeLessThanOrEqual(12 * 3600 * 1000 + 1000);
  });
});

describe("rate limits", () => {
  it("public pages: per address, 429 with Retry-After (admin pages and other addresses unaffected)", async () => {
    const c = client();
    let status = 200;
    let res: Response | undefined;
    for (let i = 0; i < 45 && status !== 429; i++) {
      res = await c.get("/legal/terms");
      status = res.status;
    }
    expect(status).toBe(429);
    expect(Number(res!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await client().get("/legal/terms")).status).toBe(200);
  });

  it("second-factor answers: per address", async () => {
    const users = await Promise.all([makeUser(), makeUser()]);
    const c = client();
    let last = 0;
    for (let i = 0; i < 20 && last !== 429; i++) {
      const user = users[i % 2];
      await c.get("/login");
      await c.post("/login", { email: user.email, password: user.password });
      await c.get("/login/verify");
      for (let j = 0; j < 4 && last !== 429; j++) last = (await c.post("/login/verify", { intent: "verify", code: "000000" })).status;
    }
    expect(last).toBe(429);
  });

  it("checkout: the limit is defined for the checkout to use", async () => {
    const key = unique("cart");
    for (let i = 0; i < 10; i++) await enforceLimit("checkoutPerCart", key);
    const refused = await enforceLimit("checkoutPerCart", key).then(
      () => undefined,
      (e: unknown) => e as Response,
    );
    expect(refused?.status).toBe(429);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
