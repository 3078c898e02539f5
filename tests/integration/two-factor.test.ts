import { and, desc, eq, sql } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { checkCode, issueCode } from "~/domain/accounts/codes.server";
import { startTotpEnrolment } from "~/domain/accounts/totp.server";
import { enableTotp } from "~/domain/accounts/two-factor.server";
import { rememberLocale } from "~/lib/i18n.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";

import { latestWhatsApp, signIn, whatsAppCode } from "../helpers/auth";
import { makeUser } from "../helpers/factories";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1"; // each client gets its own address through X-Forwarded-For

let web: Awaited<ReturnType<typeof startWeb>>;
beforeAll(async () => {
  web = await startWeb();
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

function client(): FormClient {
  const c = new FormClient(web.url);
  c.forwardedFor = `203.0.113.${Math.floor(Math.random() * 250)}`;
  return c;
}

async function passwordStep(c: FormClient, user: { email: string; password: string }) {
  await c.get("/login");
  const res = await c.post("/login", { email: user.email, password: user.password });
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe("/login/verify");
  expect(c.cookie("__session")).toBeUndefined(); // no session before the second factor
  await c.get("/login/verify");
  return res;
}

const verify = (c: FormClient, code: string, extra: Record<string, string> = {}) =>
  c.post("/login/verify", { intent: "verify", code, ...extra });

describe("WhatsApp sign-in codes", () => {
  it("are sent after the password and log in; the code is stored only as a hash and recorded redacted", async () => {
    const user = await makeUser();
    const c = client();
    await passwordStep(c, user);
    expect(htmlDecode(c.lastHtml)).toMatch(/We sent a 6-digit code to your WhatsApp/);
    const code = await whatsAppCode(user.phone);
    expect((await latestWhatsApp(user.phone))?.message).toContain(`Your NetShop sign-in code is ${code}`);

    const [stored] = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.verificationCodes)
        .where(eq(schema.verificationCodes.userId, user.id))
        .orderBy(desc(schema.verificationCodes.createdAt)),
    );
    expect(stored.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.codeHash).not.toContain(code);
    const [message] = await asPlatform((tx) => tx.select().from(schema.messages).where(eq(schema.messages.id, stored.messageId!)));
    expect(message).toMatchObject({ purpose: "sign_in_code", channel: "whatsapp", recipient: user.phone });
    expect(message.status).not.toBe("failed");
    expect(message.body).toContain("••••••");
    expect(message.body).not.toContain(code);
    // Nowhere else either: no message body, outbox payload or audit entry holds it.
    const [leaks] = await asPlatform((tx) =>
      tx.execute<{ n: number }>(sql`select
        (select count(*) from messages where body like ${"%" + code + "%"} and user_id = ${user.id})
      + (select count(*) from outbox where payload::text like ${"%" + code + "%"})
      + (select count(*) from audit_log where actor_user_id = ${user.id} and coalesce(after::text, '') like ${"%" + code + "%"}) as n`),
    );
    expect(Number(leaks.n)).toBe(0);

    const ok = await verify(c, code);
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe("/admin");
    expect(c.cookie("__session")).toBeTruthy();
    const [session] = await asPlatform((tx) => tx.select().from(schema.sessions).where(eq(schema.sessions.userId, user.id)));
    expect(session.secondFactor).toBe("whatsapp");
  });

  it("work once only", async () => {
    const user = await makeUser();
    const challenge = `test-${user.id}`;
    await issueCode({ userId: user.id, purpose: "sign_in", subjectId: challenge, phone: user.phone });
    const code = await whatsAppCode(user.phone);
    expect(await checkCode({ purpose: "sign_in", subjectId: challenge, code })).toEqual({ result: "ok" });
    expect(await checkCode({ purpose: "sign_in", subjectId: challenge, code })).toEqual({ result: "none" });
  });

  it("expire after 5 minutes", async () => {
    const user = await makeUser();
    const c = client();
    await passwordStep(c, user);
    const code = await whatsAppCode(user.phone);
    const [row] = await asPlatform((tx) => tx.select().from(schema.verificationCodes).where(eq(schema.verificationCodes.userId, user.id)));
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(5 * 60 * 1000);
    // Five minutes pass.
    await asPlatform((tx) =>
      tx
        .update(schema.verificationCodes)
        .set({ expiresAt: sql`now() - interval '1 second'` })
        .where(eq(schema.verificationCodes.id, row.id)),
    );
    const late = await verify(c, code);
    expect(late.status).toBe(401);
    expect(htmlDecode(c.lastHtml)).toContain("That code has expired. Send a new code.");
  });

  it("die after 5 wrong tries: a new code is needed, and the resend is throttled", async () => {
    const user = await makeUser();
    const c = client();
    await passwordStep(c, user);
    const code = await whatsAppCode(user.phone);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 1; i <= 4; i++) {
      expect((await verify(c, wrong)).status).toBe(401);
      expect(htmlDecode(c.lastHtml)).toContain(`${5 - i} ${5 - i === 1 ? "try" : "tries"} left`);
    }
    expect((await verify(c, wrong)).status).toBe(401);
    expect(htmlDecode(c.lastHtml)).toContain("Too many wrong codes. Send a new code.");
    // Even the right code no longer works.
    expect((await verify(c, code)).status).toBe(401);
    expect(htmlDecode(c.lastHtml)).toContain("Too many wrong codes");

    const resent = await c.post("/login/verify", { intent: "resend" });
    expect(resent.status).toBe(200);
    expect(htmlDecode(c.lastHtml)).toContain("A new code is on its way");
    const again = await c.post("/login/verify", { intent: "resend" });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(htmlDecode(c.lastHtml)).toContain("A code was just sent");

    const fresh = await whatsAppCode(user.phone);
    expect(fresh).not.toBe(code);
    expect((await verify(c, code)).status).toBe(401); // the replaced code is dead
    expect((await verify(c, fresh)).status).toBe(302);
  });

  it("are asked for in the person's language, in Bahasa Melayu and in Chinese", async () => {
    const pages = { ms: ["Sahkan bahawa ini anda", "Hantar kod baharu"], zh: ["确认是您本人", "发送新验证码"] } as const;
    for (const [language, [title, resend]] of Object.entries(pages)) {
      const c = client();
      const [name, value] = (await rememberLocale(language as keyof typeof pages)).split(";")[0].split("=");
      c.setCookie(name, value);
      await passwordStep(c, await makeUser());
      const page = htmlDecode(c.lastHtml);
      expect(page).toContain(title);
      expect(page).toContain(resend);
      expect(page).not.toContain("Confirm it's you");
      expect(page).not.toContain("Send a new code");
    }
  });

  it("are refused in the person's language: no English left in Bahasa Melayu or Chinese", async () => {
    const expected = {
      ms: {
        empty: "Masukkan kod 6 digit.",
        wrong: "Kod itu tidak betul. Tinggal 4 cubaan",
        recovery: "Masukkan salah satu kod pemulihan anda.",
      },
      zh: {
        empty: "请输入 6 位验证码。",
        wrong: "验证码不正确。在需要新验证码之前，您还可以尝试 4 次。",
        recovery: "请输入您的一个恢复码。",
      },
    } as const;
    const english = [
      "Enter the 6-digit code.",
      "That code is not right",
      "tries left",
      "Enter one of your recovery codes.",
      "A code was just sent",
      "Wait ",
    ];
    for (const [language, texts] of Object.entries(expected)) {
      const c = client();
      const [name, value] = (await rememberLocale(language as keyof typeof expected)).split(";")[0].split("=");
      c.setCookie(name, value);
      const user = await makeUser();
      await passwordStep(c, user);
      const code = await whatsAppCode(user.phone);
      const pages: string[] = [];
      expect((await verify(c, "")).status).toBe(400);
      pages.push(htmlDecode(c.lastHtml));
      expect(pages.at(-1)).toContain(texts.empty);
      expect((await verify(c, code === "000000" ? "111111" : "000000")).status).toBe(401);
      pages.push(htmlDecode(c.lastHtml));
      expect(pages.at(-1)).toContain(texts.wrong);
      expect((await verify(c, "", { using: "recovery" })).status).toBe(400);
      pages.push(htmlDecode(c.lastHtml));
      expect(pages.at(-1)).toContain(texts.recovery);
      // A second code at once is refused (30-second cool-down), with the wait in the same language.
      expect((await c.post("/login/verify", { intent: "resend" })).status).toBe(200);
      expect((await c.post("/login/verify", { intent: "resend" })).status).toBe(429);
      pages.push(htmlDecode(c.lastHtml));
      expect(pages.at(-1)).toMatch(language === "ms" ? /Tunggu \d+ saat/ : /请等待 \d+ 秒/);
      for (const page of pages) for (const text of english) expect(page).not.toContain(text);
    }
  });

  it("are skipped for 30 days on a trusted device, and asked again after it is forgotten", async () => {
    const user = await makeUser();
    const c = client();
    await passwordStep(c, user);
    const ok = await verify(c, await whatsAppCode(user.phone), { trust: "on" });
    expect(ok.status).toBe(302);
    const trusted = ok.headers.getSetCookie().find((h) => h.startsWith("__trusted="))!;
    expect(trusted).toMatch(/Max-Age=2592000/);
    expect(trusted).toMatch(/HttpOnly/);
    await c.get("/admin/account");
    await c.post("/logout", {});

    await c.get("/login");
    const direct = await c.post("/login", { email: user.email, password: user.password });
    expect(direct.headers.get("location")).toBe("/admin"); // no code this time
    const [session] = await asPlatform((tx) =>
      tx.select().from(schema.sessions).where(eq(schema.sessions.userId, user.id)).orderBy(desc(schema.sessions.createdAt)).limit(1),
    );
    expect(session.secondFactor).toBe("trusted_device");

    // Another browser is not trusted.
    const other = client();
    await passwordStep(other, user);

    await c.get("/admin/account");
    await c.post("/admin/account", { intent: "forget-devices" });
    expect(htmlDecode(c.lastHtml)).toContain("1 trusted device forgotten");
    await c.get("/admin/account");
    await c.post("/logout", {});
    await passwordStep(c, user);
  });

  it("can be replaced by a recovery code, each working once", async () => {
    const user = await makeUser();
    const c = client();
    await signIn(c, user);
    await c.get("/admin/account");
    await c.post("/admin/account", { intent: "recovery-codes" });
    const codes = [...c.lastHtml.matchAll(/<li>([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})<\/li>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);
    const stored = await asPlatform((tx) => tx.select().from(schema.recoveryCodes).where(eq(schema.recoveryCodes.userId, user.id)));
    expect(stored).toHaveLength(10);
    expect(stored.every((r) => !codes.some((code) => r.codeHash.includes(code) || r.salt.includes(code)))).toBe(true);

    const b = client();
    await passwordStep(b, user);
    expect((await verify(b, codes[3].toLowerCase(), { using: "recovery" })).status).toBe(302);
    const again = client();
    await passwordStep(again, user);
    expect((await verify(again, codes[3], { using: "recovery" })).status).toBe(401);
    expect(htmlDecode(again.lastHtml)).toContain("That is not one of your unused recovery codes.");
  });
});

describe("authenticator apps (TOTP)", () => {
  it("enrol with a QR code, then every login needs the app's code, which is never accepted twice", async () => {
    const user = await makeUser();
    const c = client();
    await signIn(c, user);
    const page = await c.get("/admin/account/totp");
    expect(page.status).toBe(200);
    expect(c.lastHtml).toContain('src="data:image/png;base64,');
    const secret = c.lastHtml.match(/data-testid="totp-secret">([A-Z2-7]+)</)![1];
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" });

    const wrong = await c.post("/admin/account/totp", { code: "12345" });
    expect(wrong.status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("Enter the 6-digit code your app shows (digits only).");
    // Kept, not generated again below: the 30-second window may turn over in between.
    const enrolmentCode = totp.generate();
    const enrolled = await c.post("/admin/account/totp", { code: enrolmentCode });
    expect(enrolled.status).toBe(200);
    expect(c.lastHtml).toContain("Your app is set up");
    expect([...c.lastHtml.matchAll(/<li>[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}<\/li>/g)]).toHaveLength(10);
    const [row] = await asPlatform((tx) =>
      tx.select().from(schema.totpAuthenticators).where(eq(schema.totpAuthenticators.userId, user.id)),
    );
    expect(row.secretEncrypted).toMatch(/^v1\./);
    expect(row.secretEncrypted).not.toContain(secret);

    // The next login asks for the app's code, not a WhatsApp one.
    const before = (await latestWhatsApp(user.phone))?.createdAt;
    const b = client();
    await passwordStep(b, user);
    expect(b.lastHtml).toContain("authenticator app shows");
    expect((await latestWhatsApp(user.phone))?.createdAt).toBe(before);

    // The code used for enrolment is spent; so is a code once used for a login.
    const reused = await verify(b, enrolmentCode);
    expect(reused.status).toBe(401);
    expect(htmlDecode(b.lastHtml)).toContain("That code was already used");
  });

  it("refuses a code reused within its own window (domain level, exact step)", async () => {
    const user = await makeUser();
    const full = (await asPlatform((tx) => tx.select().from(schema.users).where(eq(schema.users.id, user.id))))[0];
    const enrolment = await startTotpEnrolment(full);
    const totp = new TOTP({ secret: Secret.fromBase32(enrolment.secret) });
    // Enrol with the previous step's code, so the current step is still free for a login.
    const previous = totp.generate({ timestamp: Date.now() - 30_000 });
    expect(await enableTotp(full, previous, { ip: "127.0.0.1" })).toMatchObject({ ok: true });

    const c = client();
    await passwordStep(c, user);
    const now = totp.generate();
    expect((await verify(c, now)).status).toBe(302);
    const d = client();
    await passwordStep(d, user);
    expect((await verify(d, now)).status).toBe(401);
    expect(htmlDecode(d.lastHtml)).toContain("already used");
    expect((await verify(d, previous)).status).toBe(401); // older steps too
    const failed = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.actorUserId, user.id), eq(schema.auditLog.action, "account.2fa_failed"))),
    );
    expect(failed.length).toBe(2);
  });
});
