/**
 * What `npm start` prints (scripts/console-banner.ts) is true of the demo data it seeds: read back
 * from the printed text alone, the storefront answers; the owner and the supplier sign in with the
 * printed password and the WhatsApp code found in the printed inbox for the printed number, and
 * open the shop admin and the supplier portal; the operator signs in with the printed password and
 * a code from the printed authenticator secret, then opens the operators' console. The banner is
 * built by the same function `npm start` calls, against this file's web server, sandbox and
 * database (no second start of the product).
 */
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { normalisePhone } from "~/lib/phone";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase } from "~db/client";
import { DEMO, seedDemo } from "~db/seed";
import { DEMO_SUPPLIER } from "~db/seed-dropship";

import { consoles } from "../../scripts/console-banner";
import { whatsAppCode } from "../helpers/auth";
import { type IsolatedStack, isolatedStack } from "../helpers/stack";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

let stack: IsolatedStack | undefined;
let web: Awaited<ReturnType<typeof startWeb>>;
let banner = "";

beforeAll(async () => {
  stack = await isolatedStack();
  web = await startWeb();
  banner = await consoles(web.url, await seedDemo(), `${process.env.SANDBOX_URL}/wassenger/inbox`);
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
  await stack?.stop();
});

/** The URL and login printed on the line that starts with `label`. */
function printed(label: string): { url: string; login: string | undefined } {
  const line = banner.split("\n").find((l) => l.trimStart().startsWith(label));
  expect(line, label).toBeDefined();
  const [, url, login] = /(https?:\/\/\S+)\s*([^\s,]+@[^\s,]+)?/.exec(line!)!;
  return { url, login };
}

const password = () => /the password (\S+)\):/.exec(banner)![1];

function client(n: number) {
  const c = new FormClient(web.url);
  c.forwardedFor = `198.51.100.${n}`;
  return c;
}

/** The printed WhatsApp inbox and the number codes for `who` ("owner", "supplier") go to. */
function printedInbox(who: "owner" | "supplier"): { sandbox: string; phone: string } {
  const line = banner.split("\n").find((l) => l.trimStart().startsWith("WhatsApp sign-in codes"));
  expect(line, "WhatsApp inbox line").toBeDefined();
  const inbox = /(https?:\/\/\S+)\/wassenger\/inbox/.exec(line!)![1];
  const phone = new RegExp(`${who} ([0-9][0-9 -]+[0-9])`).exec(line!)![1];
  return { sandbox: inbox, phone: normalisePhone(phone)! };
}

/** Signs in with a printed login and the WhatsApp code from the printed inbox; then opens `page`. */
async function signInWithWhatsApp(c: FormClient, email: string, who: "owner" | "supplier", page: string) {
  const login = await passwordAccepted(c, email);
  expect(login.headers.get("location"), `${who} is asked for the second factor`).toBe("/login/verify");
  await c.get("/login/verify");
  const { sandbox, phone } = printedInbox(who);
  expect((await c.post("/login/verify", { intent: "verify", code: await whatsAppCode(phone, sandbox) })).status, who).toBe(302);
  const res = await c.get(page);
  expect(res.status, `${who} opens ${page}`).toBe(200);
  return htmlDecode(c.lastHtml);
}

/** The password step with a printed login: accepted (on to the second factor or in). */
async function passwordAccepted(c: FormClient, email: string) {
  await c.get("/login");
  const res = await c.post("/login", { email, password: password() });
  expect(res.status, email).toBe(302);
  return res;
}

describe("npm start's banner", () => {
  it("prints every console at this server's address", () => {
    for (const label of ["Shop admin (owner)", "Storefront", "Supplier portal", "Operators' console"])
      expect(printed(label).url.startsWith(`${web.url}/`), label).toBe(true);
  });

  it("the storefront answers; the owner and the supplier sign in (WhatsApp code) and open their consoles", async () => {
    expect((await fetch(printed("Storefront").url, { headers: { "X-Forwarded-For": "198.51.100.1" } })).status).toBe(200);
    const owner = printed("Shop admin (owner)");
    expect(new URL(owner.url).pathname).toBe("/admin");
    // Not signed in, the admin sends to the sign-in page.
    expect((await client(5).get("/admin")).status).toBe(302);
    const admin = await signInWithWhatsApp(client(2), owner.login!, "owner", new URL(owner.url).pathname);
    expect(admin).toContain(DEMO.shop.name);
    const supplier = printed("Supplier portal");
    expect(new URL(supplier.url).pathname).toBe("/supplier");
    const portal = await signInWithWhatsApp(client(3), supplier.login!, "supplier", new URL(supplier.url).pathname);
    expect(portal).toContain(DEMO_SUPPLIER.supplierName);
  });

  it("the operator signs in with the printed secret's code and opens the console", async () => {
    const operator = printed("Operators' console");
    const secret = /demo secret ([A-Z2-7]+)/.exec(banner)![1];
    const c = client(4);
    const login = await passwordAccepted(c, operator.login!);
    expect(login.headers.get("location")).toBe("/login/verify");
    await c.get("/login/verify");
    const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate();
    expect((await c.post("/login/verify", { intent: "verify", code })).status).toBe(302);
    expect((await c.get(new URL(operator.url).pathname)).status).toBe(200);
    // The console itself: its navigation to merchants and billing.
    expect(c.lastHtml).toContain('href="/platform/merchants"');
    expect(c.lastHtml).toContain('href="/platform/billing"');
  });
});
