/**
 * Issue 15's "every refusal in the visitor's language", for the doors into an account: merchant
 * sign-up (/signup), a storefront customer's sign-up, accepting a staff invitation and setting up
 * an authenticator app (/admin/account/totp). A visitor reading Bahasa Melayu or 简体中文 triggers
 * each refusal over HTTP; each answer is a 4xx (never a 500) carrying the message in that
 * language, with no English word of the English message left in what the page flags as an error.
 */
import { and, eq } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { inviteStaff } from "~/domain/accounts/staff.server";
import { shownPoliciesField } from "~/domain/policies/versions.server";
import type { Locale } from "~/lib/i18n";
import { localeCookie, serverT } from "~/lib/i18n.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";

import { emailsTo, latestWhatsApp, signIn } from "../helpers/auth";
import { makeShop, makeUser, onPlan, unique } from "../helpers/factories";
import { uniquePhone } from "../helpers/phones";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1"; // each client its own address: sign-ups are limited per address

let web: Awaited<ReturnType<typeof startWeb>>;
beforeAll(async () => {
  web = await startWeb();
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

/** Words kept as they are in every language (brands, the example address). */
const NAMES = new Set(["netshop", "whatsapp", "name", "example", "digit"]);

function englishWords(message: string): string[] {
  return (message.match(/[A-Za-z]{4,}/g) ?? []).map((w) => w.toLowerCase()).filter((w) => !NAMES.has(w));
}

/** What the page flags as an error: its alerts (field errors and banners), as text. */
function flagged(html: string): string {
  const alerts = [...html.matchAll(/role="alert"[^>]*>([\s\S]*?)<\/(?:p|div)>/g)].map((m) => m[1]);
  return htmlDecode(alerts.join("\n").replace(/<[^>]+>/g, " "));
}

async function client(locale: Locale): Promise<FormClient> {
  const c = new FormClient(web.url);
  c.forwardedFor = `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  c.setCookie("lng", (await localeCookie.serialize(locale)).split(";")[0].slice("lng=".length));
  return c;
}

/** The answer shows `key` of the auth namespace in `locale`, and no word of its English text. */
function expectTranslated(html: string, locale: Locale, key: string, values: Record<string, unknown> = {}) {
  const t = serverT(locale, "auth") as (k: string, v?: Record<string, unknown>) => string;
  const en = serverT("en", "auth") as (k: string, v?: Record<string, unknown>) => string;
  const text = flagged(html);
  const wanted = t(key, values);
  expect(wanted, `${key} has a ${locale} text`).not.toBe(en(key, values));
  expect(text, `${locale} ${key}`).toContain(wanted);
  for (const word of englishWords(en(key, values).replace(/\S+@\S+/g, "")))
    expect(text.toLowerCase(), `${locale} ${key}: "${word}"`).not.toMatch(new RegExp(`\\b${word}\\b`));
}

describe.each(["ms", "zh"] as const)("account doors refuse in %s", (locale) => {
  it("merchant sign-up: every field, a taken address and too many sign-ups", async () => {
    const c = await client(locale);
    await c.get("/signup");
    const empty = await c.post("/signup", {});
    expect(empty.status).toBe(400);
    for (const key of ["signup.name", "signup.company", "signup.email", "signup.phone", "signup.adult", "signup.terms"])
      expectTranslated(c.lastHtml, locale, `problems.${key}`);
    expectTranslated(c.lastHtml, locale, "problems.password.tooShort", { min: 12 });

    // A form whose token is not this browser's (expired, or forged by another site).
    const forged = await c.post("/signup", { name: "Siti" }, { csrf: "not-the-token" });
    expect(forged.status).toBe(403);
    expect(htmlDecode(c.lastHtml)).toContain(serverT(locale, "common")("badInput.csrf"));
    await c.get("/signup");

    const wrong = await c.post("/signup", {
      name: "x".repeat(101),
      companyName: "y".repeat(121),
      email: "not-an-address",
      phone: "12",
      password: "password123456",
      adult: "on",
      terms: "on",
    });
    expect(wrong.status).toBe(400);
    for (const key of ["signup.nameTooLong", "signup.companyTooLong", "signup.email", "signup.phoneInvalid", "password.tooCommon"])
      expectTranslated(c.lastHtml, locale, `problems.${key}`);

    // An address already taken; the sign-ups that passed the form count towards the address's limit.
    const taken = await makeUser();
    const form = {
      name: "Siti Hajar",
      companyName: "Hajar Batik",
      email: taken.email,
      phone: uniquePhone().local,
      password: "batik tulis pekalongan 2026",
      adult: "on",
      terms: "on",
      ...(await shownPoliciesField(["privacy", "terms"])),
    };
    const again = await c.post("/signup", form);
    expect(again.status).toBe(400);
    expectTranslated(c.lastHtml, locale, "problems.signup.emailTaken");
    let last = again;
    for (let i = 0; i < 10 && last.status !== 429; i++) last = await c.post("/signup", form);
    expect(last.status).toBe(429);
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
    expectTranslated(c.lastHtml, locale, "problems.signup.tooMany");
  });

  it("a storefront customer's sign-up: every field, a taken address and too many sign-ups", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id, { name: "Kedai Batik" });
    const page = `/s/${shop.slug}/account/signup`;
    const c = await client(locale);
    await c.get(page);
    const empty = await c.post(page, {});
    expect(empty.status).toBe(400);
    for (const key of ["signup.name", "signup.email", "signup.adultCustomer"]) expectTranslated(c.lastHtml, locale, `problems.${key}`);
    expectTranslated(c.lastHtml, locale, "problems.password.tooShort", { min: 12 });

    const wrong = await c.post(page, {
      name: "x".repeat(101),
      email: `${"a".repeat(60)}@${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.example.com`,
      phone: "12",
      password: "sunshine2026!",
    });
    expect(wrong.status).toBe(400);
    for (const key of ["signup.nameTooLong", "signup.emailTooLong", "signup.phoneOptional", "password.tooCommon"])
      expectTranslated(c.lastHtml, locale, `problems.${key}`);

    const form = {
      name: "Mei Ling",
      email: `${unique("mei")}@example.com`,
      password: "kuih lapis sarawak 2026",
      adult: "on",
      ...(await shownPoliciesField(["privacy"])),
    };
    const first = await c.post(page, form);
    expect(first.status).toBe(302);
    const other = await client(locale);
    await other.get(page);
    const again = await other.post(page, form);
    expect(again.status).toBe(400);
    expectTranslated(other.lastHtml, locale, "problems.signup.emailTakenCustomer");
    let last = again;
    for (let i = 0; i < 10 && last.status !== 429; i++) last = await other.post(page, form);
    expect(last.status).toBe(429);
    expectTranslated(other.lastHtml, locale, "problems.signup.tooMany");
  });

  it("accepting a staff invitation: a link that does not work, someone else's invitation, already a member", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id, { name: "Kedai Songket" });
    await onPlan(shop.id, "growth");
    const invitee = await makeUser();
    const actor = { userId: owner.id, name: "Nur Aina", shopId: shop.id, shopName: "Kedai Songket", role: "owner" as const };
    const who = { ip: "127.0.0.1" };
    // Two invitations for one person, by email and by WhatsApp.
    expect(
      await inviteStaff(actor, { channel: "email", recipient: invitee.email, role: "staff", permissions: ["orders"] }, who),
    ).toMatchObject({
      ok: true,
    });
    expect(
      await inviteStaff(actor, { channel: "whatsapp", recipient: invitee.phone, role: "staff", permissions: ["orders"] }, who),
    ).toMatchObject({ ok: true });
    const byEmail = (await emailsTo(invitee.email))[0].text.match(/\/invite\?token=([\w-]+)/)![1];
    const whatsApp = await latestWhatsApp(invitee.phone);
    const byPhone = (whatsApp?.message ?? JSON.stringify(whatsApp?.template ?? "")).match(/\/invite\?token=([\w-]+)/)![1];

    const stranger = await makeUser();
    const s = await client(locale);
    await signIn(s, stranger);
    // The page's form posts to its own address, the link's token included.
    const accept = (who: FormClient, token: string) => who.post(`/invite?token=${token}`, { token });
    await s.get(`/invite?token=${byEmail}`);
    expect((await accept(s, byEmail)).status).toBe(400);
    expectTranslated(s.lastHtml, locale, "problems.invite.otherEmail", { recipient: invitee.email });
    expect((await accept(s, byPhone)).status).toBe(400);
    expectTranslated(s.lastHtml, locale, "problems.invite.otherPhone");
    // A link that is no invitation: refused, and the page explains it in the visitor's language.
    expect((await accept(s, "not-a-token")).status).toBe(400);
    expect(htmlDecode(s.lastHtml)).toContain(serverT(locale, "team")("invitePage.invalid"));
    expect(htmlDecode(s.lastHtml)).not.toContain(serverT("en", "team")("invitePage.invalid"));

    const c = await client(locale);
    await signIn(c, invitee);
    await c.get(`/invite?token=${byEmail}`);
    expect((await accept(c, byEmail)).status).toBe(302);
    await c.get(`/invite?token=${byPhone}`);
    expect((await accept(c, byPhone)).status).toBe(400);
    expectTranslated(c.lastHtml, locale, "problems.invite.alreadyMember");
  });

  it("setting up an authenticator app: no set-up begun, a malformed code, a wrong code, a replayed code", async () => {
    const user = await makeUser();
    const c = await client(locale);
    await signIn(c, user);
    // A form posted before the page ever showed a QR code: no secret is being set up.
    await c.get("/admin/account/password");
    const none = await c.post("/admin/account/totp", { code: "123456" });
    expect(none.status).toBe(400);
    expectTranslated(c.lastHtml, locale, "problems.totpSetup.expired");

    await c.get("/admin/account/totp");
    const secret = c.lastHtml.match(/data-testid="totp-secret">([A-Z2-7]+)</)![1];
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" });
    for (const code of ["12345", "12a456", "", "1234567"]) {
      const malformed = await c.post("/admin/account/totp", { code });
      expect(malformed.status, code).toBe(400);
      expectTranslated(c.lastHtml, locale, "problems.totpSetup.malformed");
    }
    // Six digits that are none of the codes around now (±1 step, and the steps beside those).
    const around = new Set([-2, -1, 0, 1, 2].map((step) => totp.generate({ timestamp: Date.now() + step * 30_000 })));
    const notIt = ["000000", "111111", "222222", "333333", "444444", "555555"].find((code) => !around.has(code))!;
    const wrong = await c.post("/admin/account/totp", { code: notIt });
    expect(wrong.status).toBe(400);
    expectTranslated(c.lastHtml, locale, "problems.totpSetup.wrong");

    // The same code sent twice at once (a double submit, or a replay racing it): one sets the app up.
    const csrf = c.csrfToken();
    const code = totp.generate();
    const both = await Promise.all([c.post("/admin/account/totp", { code }, { csrf }), c.post("/admin/account/totp", { code }, { csrf })]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 400]);
    const enabled = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.actorUserId, user.id), eq(schema.auditLog.action, "account.2fa_totp_enabled"))),
    );
    expect(enabled).toHaveLength(1);
    // Replayed afterwards: refused, in the page's language. While the code is current it is
    // "already used"; once its window has passed (a slow machine) the set-up is simply over.
    const replay = await c.post("/admin/account/totp", { code }, { csrf });
    expect(replay.status).toBe(400);
    const t = serverT(locale, "auth");
    expect([t("problems.totpReused"), t("problems.totpSetup.expired")], flagged(c.lastHtml)).toContain(flagged(c.lastHtml).trim());
  });
});
