/**
 * Wrong passwords for one account spread over many addresses are slowed down (issue 15): after
 * the free tries, every further sign-in to that account waits longer (doubling, capped: a delay,
 * never a lock-out), the account's owner is told on WhatsApp when it starts, and the owner's own
 * trusted device is never slowed. The storefront's customer login follows the same rule per shop
 * account: the browser that logged in to the account before is the one never slowed.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";

import { logIn } from "~/domain/accounts/login.server";
import { logInCustomer, signUpCustomer } from "~/domain/checkout/customers.server";
import { shownPoliciesField } from "~/domain/policies/versions.server";
import { DELAYS, recordFailure } from "~/lib/rate-limit.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema } from "~db/client";

import { signIn } from "../helpers/auth";
import { makeShop, makeUser } from "../helpers/factories";
import { uniquePhone } from "../helpers/phones";
import { FormClient, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

let web: Awaited<ReturnType<typeof startWeb>>;
let n = 0;
const fromNewAddress = () => {
  const c = new FormClient(web.url);
  c.forwardedFor = `198.51.${Math.floor(++n / 250)}.${(n % 250) + 1}`;
  return c;
};

beforeAll(async () => {
  web = await startWeb();
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

it("slows an account's sign-ins from 40 addresses, tells its owner, and never slows the owner's trusted device", async () => {
  const user = await makeUser();
  const trusted = fromNewAddress();
  await signIn(trusted, user, { trust: true });
  await trusted.get("/admin/account");
  expect((await trusted.post("/logout", {})).status).toBe(302);

  const free = DELAYS.loginFailuresPerAccount.free;
  for (let i = 0; i <= free; i++) {
    const c = fromNewAddress();
    await c.get("/login");
    expect((await c.post("/login", { email: user.email, password: `wrong-${i}` })).status, `attempt ${i + 1}`).toBe(401);
  }
  // The attempt that started the slowing down queued a WhatsApp notice to the owner (sent by the notify worker).
  const notices = await asPlatform((tx) =>
    tx
      .select()
      .from(schema.messages)
      .where(and(eq(schema.messages.userId, user.id), eq(schema.messages.purpose, "security_notice"))),
  );
  expect(notices).toHaveLength(1);
  expect(notices[0]).toMatchObject({ channel: "whatsapp", recipient: user.phone });
  expect(notices[0].body).toContain(`wrong password ${free + 1} times`);

  // More failures from elsewhere (counted as the login does) make the wait long; many more reach the cap only.
  for (let i = 0; i < 30; i++) await recordFailure("loginFailuresPerAccount", user.email.toLowerCase());
  const attacker = fromNewAddress();
  await attacker.get("/login");
  const slowed = await attacker.post("/login", { email: user.email, password: user.password });
  expect(slowed.status).toBe(429);
  const retryAfter = Number(slowed.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(60);
  expect(retryAfter).toBeLessThanOrEqual(DELAYS.loginFailuresPerAccount.maxSeconds);
  expect(attacker.lastHtml).toContain("Too many wrong passwords for this account");

  const inMalay = fromNewAddress();
  await inMalay.get("/login");
  await inMalay.post("/locale", { lng: "ms", redirectTo: "/login" });
  await inMalay.get("/login");
  await inMalay.post("/login", { email: user.email, password: user.password });
  expect(inMalay.lastHtml).toContain("Terlalu banyak kata laluan salah");

  // The owner's trusted browser signs in at once, and a success clears the count.
  await trusted.get("/login");
  const own = await trusted.post("/login", { email: user.email, password: user.password });
  expect(own.status).toBe(302);
  const later = fromNewAddress();
  await later.get("/login");
  expect((await later.post("/login", { email: user.email, password: user.password })).status).toBe(302);
});

it("slows a storefront customer's logins from many addresses, tells the customer, and never slows the browser they used before", async () => {
  const owner = await makeUser();
  const shop = await makeShop(owner.id);
  const base = `/s/${shop.slug}/account`;
  const email = `shopper-${Date.now()}@example.com`;
  const password = "a long shopper passphrase 2026";
  const phone = uniquePhone();

  // The customer signs up (this browser now knows the account) and logs out.
  const known = fromNewAddress();
  await known.get(`${base}/signup`);
  expect(
    (
      await known.post(`${base}/signup`, {
        ...known.shownPolicies(),
        name: "Siti Aminah",
        email,
        phone: phone.local,
        password,
        adult: "on",
      })
    ).status,
  ).toBe(302);
  await known.get(base);
  expect((await known.post(`${base}/logout`, {})).status).toBe(302);

  const free = DELAYS.loginFailuresPerAccount.free;
  for (let i = 0; i <= free; i++) {
    const c = fromNewAddress();
    await c.get(`${base}/login`);
    expect((await c.post(`${base}/login`, { email, password: `wrong-${i}` })).status, `attempt ${i + 1}`).toBe(400);
  }
  const notices = await asPlatform((tx) =>
    tx
      .select()
      .from(schema.messages)
      .where(and(eq(schema.messages.shopId, shop.id), eq(schema.messages.purpose, "security_notice"))),
  );
  expect(notices).toHaveLength(1);
  expect(notices[0]).toMatchObject({ channel: "whatsapp", recipient: phone.e164 });
  expect(notices[0].body).toContain(`wrong password ${free + 1} times`);
  expect(notices[0].body).not.toContain(password);

  // Many more failures from elsewhere: a long wait, even with the right password — but capped.
  for (let i = 0; i < 30; i++) await recordFailure("loginFailuresPerAccount", `customer:${shop.id}:${email}`);
  const attacker = fromNewAddress();
  await attacker.get(`${base}/login`);
  const slowed = await attacker.post(`${base}/login`, { email, password });
  expect(slowed.status).toBe(429);
  const retryAfter = Number(slowed.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(60);
  expect(retryAfter).toBeLessThanOrEqual(DELAYS.loginFailuresPerAccount.maxSeconds);
  expect(attacker.lastHtml).toContain("Too many wrong passwords for this account");

  const inChinese = fromNewAddress();
  await inChinese.get(`${base}/login`);
  await inChinese.post(`/s/${shop.slug}/locale`, { lng: "zh", redirectTo: `${base}/login` });
  await inChinese.get(`${base}/login`);
  expect((await inChinese.post(`${base}/login`, { email, password })).status).toBe(429);
  expect(inChinese.lastHtml).toContain("此账户的错误密码次数过多");

  // The browser the customer used before logs in at once, and that clears the count for everyone.
  await known.get(`${base}/login`);
  expect((await known.post(`${base}/login`, { email, password })).status).toBe(302);
  const later = fromNewAddress();
  await later.get(`${base}/login`);
  expect((await later.post(`${base}/login`, { email, password })).status).toBe(302);
});

it("with an injected clock: free tries, then waits doubling to the cap from 40 addresses, never a lock-out, and a new window after an hour", async () => {
  const user = await makeUser();
  // The owner reads Chinese: the notice comes in their language.
  await asPlatform((tx) => tx.update(schema.users).set({ preferredLanguage: "zh" }).where(eq(schema.users.id, user.id)));
  const { free, maxSeconds, windowSeconds } = DELAYS.loginFailuresPerAccount;
  const t0 = Date.parse("2026-03-01T09:00:00Z");
  let now = t0;
  let address = 0;
  const attempt = (password: string) =>
    logIn(
      { email: user.email, password },
      { ip: `203.0.113.${++address}`, userAgent: "clock test" },
      new Request("http://shop.test/login"),
      {
        redirectTo: "/admin",
        now,
      },
    );

  const waits: number[] = [];
  for (let i = 0; i < 40; i++) {
    const result = await attempt(`wrong-${i}`);
    expect(result, `attempt ${i + 1} at +${(now - t0) / 1000} s`).toMatchObject({ ok: false, status: 401 });
    if (i < free) continue; // the free tries
    // Then even the right password, from yet another address, waits; a millisecond before the wait ends too...
    const slowed = await attempt(user.password);
    if (slowed.ok) throw new Error(`not slowed after ${i + 1} wrong passwords`);
    expect(slowed.status).toBe(429);
    waits.push(slowed.retryAfterSeconds!);
    now += slowed.retryAfterSeconds! * 1000 - 1;
    expect(await attempt(user.password)).toMatchObject({ ok: false, status: 429, retryAfterSeconds: 1 });
    now += 1; // ...and the wait is exactly that long: then the next try is allowed.
  }
  // Doubling from 1 s after the free tries, capped: a delay, never a lock-out.
  expect(waits).toEqual(waits.map((_, k) => Math.min(maxSeconds, 2 ** k)));
  expect(waits.at(-1)).toBe(maxSeconds);
  expect(address).toBeGreaterThan(40);

  // The owner was told once, when the slowing started, however many failures followed.
  const notices = await asPlatform((tx) =>
    tx
      .select()
      .from(schema.messages)
      .where(and(eq(schema.messages.userId, user.id), eq(schema.messages.purpose, "security_notice"))),
  );
  expect(notices).toHaveLength(1);
  expect(notices[0].body).toContain(`过去一小时内有人输错密码 ${free + 1} 次`);

  // When the wait is over, the right password works from anywhere, and clears the count.
  expect(await attempt(user.password)).toMatchObject({ ok: true });
  expect(await attempt("wrong-again")).toMatchObject({ ok: false, status: 401 });
  expect(await attempt(user.password)).toMatchObject({ ok: true });

  // Failures older than the window no longer count: an hour after the last one, the free tries are back.
  for (let i = 0; i < free; i++) await attempt(`late-${i}`);
  now += windowSeconds * 1000 + 1;
  for (let i = 0; i < free; i++) expect(await attempt(`later-${i}`), `after the window, try ${i + 1}`).toMatchObject({ status: 401 });
  expect(await attempt("one too many")).toMatchObject({ status: 401 });
  expect(await attempt(user.password)).toMatchObject({ ok: false, status: 429, retryAfterSeconds: 1 });
});

it("a storefront customer, with an injected clock: free tries, then waits doubling to the cap from 40 addresses, never a lock-out, one notice in the customer's language, a new window after an hour", async () => {
  const owner = await makeUser();
  const shop = await makeShop(owner.id);
  const email = `clock-${Date.now()}@example.com`;
  const password = "a long shopper passphrase 2026";
  const phone = uniquePhone();
  // The customer signed up on the storefront in Bahasa Melayu: their notice comes in it.
  const signedUp = await signUpCustomer(
    shop.id,
    { name: "Siti Aminah", email, phone: phone.local, password, adult: "on", ...(await shownPoliciesField(["privacy"])) },
    { ip: `192.0.2.${Math.floor(Math.random() * 250) + 1}`, anonymousCartId: undefined, language: "ms" },
  );
  expect(signedUp.ok).toBe(true);
  const { free, maxSeconds, windowSeconds } = DELAYS.loginFailuresPerAccount;
  const t0 = Date.parse("2026-03-01T09:00:00Z");
  let now = t0;
  let address = 0;
  const attempt = (tried: string) =>
    logInCustomer(
      shop.id,
      { email, password: tried },
      { ip: `203.0.114.${++address}`, userAgent: "clock test", anonymousCartId: undefined, now },
    );
  const wrong = { ok: false, errors: { form: "That email and password do not match an account at this shop." } };

  const waits: number[] = [];
  for (let i = 0; i < 40; i++) {
    const result = await attempt(`wrong-${i}`);
    expect(result, `attempt ${i + 1} at +${(now - t0) / 1000} s`).toMatchObject(wrong);
    expect(result).not.toHaveProperty("slowedSeconds");
    if (i < free) continue;
    const slowed = await attempt(password);
    if (slowed.ok) throw new Error(`not slowed after ${i + 1} wrong passwords`);
    expect(slowed.slowedSeconds).toBe(slowed.retryAfterSeconds);
    waits.push(slowed.slowedSeconds!);
    now += slowed.slowedSeconds! * 1000 - 1;
    expect(await attempt(password)).toMatchObject({ ok: false, slowedSeconds: 1 });
    now += 1;
  }
  expect(waits).toEqual(waits.map((_, k) => Math.min(maxSeconds, 2 ** k)));
  expect(waits.at(-1)).toBe(maxSeconds);
  expect(address).toBeGreaterThan(40);

  const notices = await asPlatform((tx) =>
    tx
      .select()
      .from(schema.messages)
      .where(and(eq(schema.messages.shopId, shop.id), eq(schema.messages.purpose, "security_notice"))),
  );
  expect(notices).toHaveLength(1);
  expect(notices[0]).toMatchObject({ channel: "whatsapp", recipient: phone.e164 });
  expect(notices[0].body).toContain(`kata laluan yang salah sebanyak ${free + 1} kali`);
  expect(notices[0].body).not.toContain("wrong password");

  expect(await attempt(password)).toMatchObject({ ok: true });
  expect(await attempt("wrong-again")).toMatchObject(wrong);
  expect(await attempt(password)).toMatchObject({ ok: true });

  for (let i = 0; i < free; i++) await attempt(`late-${i}`);
  now += windowSeconds * 1000 + 1;
  for (let i = 0; i < free; i++) expect(await attempt(`later-${i}`), `after the window, try ${i + 1}`).toMatchObject(wrong);
  expect(await attempt("one too many")).toMatchObject(wrong);
  expect(await attempt(password)).toMatchObject({ ok: false, slowedSeconds: 1 });
});

it("writes a storefront customer's notice in the language they signed up in, then in the one they switched to while signed in", async () => {
  const owner = await makeUser();
  const shop = await makeShop(owner.id);
  const base = `/s/${shop.slug}/account`;
  const email = `lingo-${Date.now()}@example.com`;
  const password = "a long shopper passphrase 2026";
  const phone = uniquePhone();
  const languageOf = async () =>
    (
      await asPlatform((tx) =>
        tx
          .select({ language: schema.customers.language })
          .from(schema.customers)
          .where(and(eq(schema.customers.shopId, shop.id), eq(schema.customers.email, email))),
      )
    )[0]?.language;

  const c = fromNewAddress();
  await c.get(`${base}/signup`);
  await c.post(`/s/${shop.slug}/locale`, { lng: "zh", redirectTo: `${base}/signup` });
  await c.get(`${base}/signup`);
  expect(
    (await c.post(`${base}/signup`, { ...c.shownPolicies(), name: "Tan Mei Ling", email, phone: phone.local, password, adult: "on" }))
      .status,
  ).toBe(302);
  expect(await languageOf()).toBe("zh");
  await c.get(base);
  expect((await c.post(`/s/${shop.slug}/locale`, { lng: "ms", redirectTo: base })).status).toBe(302);
  expect(await languageOf()).toBe("ms");
  // A visitor who is not signed in switching language changes no account.
  const stranger = fromNewAddress();
  await stranger.get(`${base}/login`);
  await stranger.post(`/s/${shop.slug}/locale`, { lng: "en", redirectTo: `${base}/login` });
  expect(await languageOf()).toBe("ms");

  for (let i = 0; i <= DELAYS.loginFailuresPerAccount.free; i++) {
    const attacker = fromNewAddress();
    await attacker.get(`${base}/login`);
    expect((await attacker.post(`${base}/login`, { email, password: `wrong-${i}` })).status).toBe(400);
  }
  const notices = await asPlatform((tx) =>
    tx
      .select()
      .from(schema.messages)
      .where(and(eq(schema.messages.shopId, shop.id), eq(schema.messages.purpose, "security_notice"))),
  );
  expect(notices).toHaveLength(1);
  expect(notices[0].body).toContain("Hai Tan,");
  expect(notices[0].body).toContain(shop.name);
  expect(notices[0].body).not.toMatch(/wrong password|密码/);
});

it("says what went wrong at sign-in in the visitor's language", async () => {
  const user = await makeUser();
  for (const [lng, expected, empty] of [
    ["en", "That email and password don't match an account.", "Enter your password."],
    ["ms", "E-mel dan kata laluan itu tidak sepadan dengan mana-mana akaun.", "Masukkan kata laluan anda."],
    ["zh", "该电子邮件和密码与任何账户都不匹配。", "请输入您的密码。"],
  ] as const) {
    const c = fromNewAddress();
    await c.get("/login");
    await c.post("/locale", { lng, redirectTo: "/login" });
    await c.get("/login");
    expect((await c.post("/login", { email: user.email, password: "not the password" })).status, lng).toBe(401);
    expect(c.lastHtml, lng).toContain(expected);
    expect((await c.post("/login", { email: user.email, password: "" })).status, lng).toBe(400);
    expect(c.lastHtml, lng).toContain(empty);
  }
});

it("says what went wrong at a storefront login in the visitor's language, with no English left", async () => {
  const owner = await makeUser();
  const shop = await makeShop(owner.id);
  const base = `/s/${shop.slug}/account`;
  for (const [lng, invalid, empty] of [
    ["ms", "E-mel dan kata laluan itu tidak sepadan dengan mana-mana akaun di kedai ini.", "Masukkan kata laluan anda."],
    ["zh", "该电子邮件和密码与本店的任何账户都不匹配。", "请输入您的密码。"],
  ] as const) {
    const c = fromNewAddress();
    await c.get(`${base}/login`);
    await c.post(`/s/${shop.slug}/locale`, { lng, redirectTo: `${base}/login` });
    await c.get(`${base}/login`);
    expect((await c.post(`${base}/login`, { email: `nobody-${lng}@example.com`, password: "not the password" })).status, lng).toBe(400);
    expect(c.lastHtml, lng).toContain(invalid);
    expect(c.lastHtml, lng).not.toContain("do not match an account");
    expect((await c.post(`${base}/login`, { email: `nobody-${lng}@example.com`, password: "" })).status, lng).toBe(400);
    expect(c.lastHtml, lng).toContain(empty);
    expect(c.lastHtml, lng).not.toContain("Enter your password.");
  }
});
