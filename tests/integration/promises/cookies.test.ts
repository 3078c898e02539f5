process.env.TRUST_PROXY = "1";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { makeShop, makeUser, PASSWORD, unique } from "../../helpers/factories";
import { uniquePhone } from "../../helpers/phones";
import { startWeb } from "../../helpers/web";

/**
 * The privacy page's cookie promise: “We set only the cookies the site needs (your sign-in, your
 * language, your cart and form protection) until you accept analytics; cookies are sent only over
 * encrypted connections (HTTPS).”
 */
let web: Awaited<ReturnType<typeof startWeb>>;
let shop: { id: string; slug: string };

beforeAll(async () => {
  web = await startWeb();
  const owner = await makeUser();
  shop = await makeShop(owner.id);
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

/** The cookies the site needs, by name: form protection, language, sign-in (admin and storefront), cart, orders placed, privacy proof, consent choice itself. */
const NECESSARY = [
  /^csrf$/,
  /^__Host-csrf$/,
  /^lng$/,
  /^__session$/,
  /^__login$/,
  /^__trusted$/,
  /^__reset$/,
  /^ns_cart_[0-9a-f]{32}$/,
  /^ns_customer_[0-9a-f]{32}$/,
  // Sign-in protection: the account this browser signed in to, so wrong passwords typed elsewhere never slow it.
  /^ns_known_[0-9a-f]{32}$/,
  /^ns_orders$/,
  /^ns_privacy_guest$/,
  /^ns_consent$/,
];

/** A cookie-keeping visitor that can claim to come over HTTPS through the trusted proxy. */
class Visitor {
  jar = new Map<string, string>();
  setCookies: string[] = [];
  html = "";
  constructor(private readonly https: boolean) {}
  private headers(extra: Record<string, string> = {}) {
    return {
      ...(this.jar.size ? { Cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
      ...(this.https ? { "X-Forwarded-Proto": "https" } : {}),
      "X-Forwarded-For": "198.51.100.44",
      ...extra,
    };
  }
  private keep(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair] = line.split(";");
      const [name, ...value] = pair.split("=");
      this.jar.set(name.trim(), value.join("="));
    }
  }
  async get(path: string) {
    const res = await fetch(web.url + path, { headers: this.headers(), redirect: "manual" });
    this.keep(res);
    this.html = await res.text();
    return res;
  }
  async post(path: string, fields: Record<string, string>) {
    const csrf = this.html.match(/name="_csrf" value="([^"]*)"/)?.[1] ?? "";
    const origin = `${this.https ? "https" : "http"}://${new URL(web.url).host}`;
    const res = await fetch(web.url + path, {
      method: "POST",
      headers: this.headers({ "Content-Type": "application/x-www-form-urlencoded", Origin: origin }),
      body: new URLSearchParams({ ...fields, _csrf: csrf }),
      redirect: "manual",
    });
    this.keep(res);
    this.html = await res.text();
    return res;
  }
  names() {
    return [...new Set(this.setCookies.map((c) => c.split("=")[0].trim()))];
  }
}

const events = async () =>
  (await withShop(shop.id, (tx) => tx.select().from(schema.storefrontEvents).where(eq(schema.storefrontEvents.shopId, shop.id)))).length;

/** A browsing session: the storefront, a language change, an account, the admin's login page. */
async function browse(v: Visitor) {
  expect((await v.get(`/s/${shop.slug}`)).status).toBe(200);
  expect((await v.post(`/s/${shop.slug}/locale`, { lng: "ms", redirectTo: `/s/${shop.slug}` })).status).toBe(302);
  await v.get(`/s/${shop.slug}/account/signup`);
  const signup = await v.post(`/s/${shop.slug}/account/signup`, {
    // The form's hidden field naming the policy versions it showed.
    policyVersions: v.html.match(/name="policyVersions" value="([^"]*)"/)?.[1] ?? "",
    name: "Cookie Tester",
    email: `${unique("cookie")}@example.com`,
    phone: uniquePhone().local,
    password: PASSWORD,
    adult: "on",
  });
  expect(signup.status).toBe(302);
  await v.get(`/s/${shop.slug}/account`);
  await v.get("/login");
}

describe("promise: cookies", () => {
  it("“we set only the cookies the site needs (your sign-in, your language, your cart and form protection) until you accept analytics”", async () => {
    const before = await events();
    const v = new Visitor(false);
    await browse(v);
    for (const name of v.names())
      expect(
        NECESSARY.some((re) => re.test(name)),
        `cookie ${name} is not a necessary one`,
      ).toBe(true);
    expect(v.names()).not.toContain("ns_consent");
    // Nothing is recorded for analytics before the choice...
    expect(await events()).toBe(before);
    // ...and only after "accept all".
    await v.get(`/s/${shop.slug}/consent`);
    expect((await v.post(`/s/${shop.slug}/consent`, { choice: "all", redirectTo: `/s/${shop.slug}` })).status).toBe(302);
    await v.get(`/s/${shop.slug}`);
    await expect.poll(events).toBeGreaterThan(before);
  });

  it("“cookies are sent only over encrypted connections (HTTPS)”: every cookie set over HTTPS is Secure, and form protection is a __Host- cookie", async () => {
    const v = new Visitor(true);
    await browse(v);
    expect(v.setCookies.length).toBeGreaterThanOrEqual(4);
    for (const line of v.setCookies) expect(line, line.split("=")[0]).toMatch(/;\s*Secure(;|$)/i);
    expect(v.names()).toContain("__Host-csrf");
    expect(v.names()).not.toContain("csrf");
    // HTTPS also tells browsers never to use plain HTTP for the site.
    const res = await fetch(`${web.url}/login`, { headers: { "X-Forwarded-Proto": "https" } });
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
  });
});
