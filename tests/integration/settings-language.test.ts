/**
 * The settings forms answer in the merchant's language (issue 17): a merchant working in Bahasa
 * Melayu or 简体中文 posts the general settings, the company details, the daily report's time and
 * the security choice wrongly over HTTP and reads each message in the page's language with no
 * word of the English one left; a good save says so in that language. The daily report's
 * settings show a preview of the message and "Send a test now" sends it once per click through
 * the outbox to the member's verified number, which the sandbox's WhatsApp inbox receives.
 */
import { randomUUID } from "node:crypto";

import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { deliverMessage } from "~/domain/notify/messages.server";
import { WassengerClient } from "~/integrations/wassenger.server";
import type { Locale } from "~/lib/i18n";
import { localeCookie, serverT } from "~/lib/i18n.server";
import { asPlatform, schema, withShop } from "~db/client";

import { type RunningSandbox, startSandbox } from "../../sandbox/server";
import { signIn } from "../helpers/auth";
import { makeShop, makeUser } from "../helpers/factories";
import { clientOfItsOwn, htmlDecode, webForFile } from "../helpers/web";

const web = webForFile();
let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

/** What the page flags as an error: field errors and alerts. */
function flagged(html: string): string {
  const alerts = [...html.matchAll(/(?:role="alert"|class="error")[^>]*>([\s\S]*?)<\/(?:p|div)>/g)].map((m) => m[1]);
  return htmlDecode(alerts.join("\n").replace(/<[^>]+>/g, " "));
}

/** Words that are the same in every language: the brand, language names, the example domain ("domain" is Malay too). */
const SAME = new Set([
  "netshop",
  "whatsapp",
  "english",
  "bahasa",
  "melayu",
  "shop",
  "example",
  "domain",
  "http",
  "format",
  "digit",
  "digits",
]);

type T = (key: string, values?: Record<string, unknown>) => string;
const word = (locale: Locale, key: string, values: Record<string, unknown> = {}) => {
  const [namespace, path] = key.split(":");
  return (serverT(locale, namespace as "settings") as unknown as T)(path, values);
};

/** `text` holds `key`'s message in `locale` and no word (four letters or more) of its English message. */
function expectWorded(text: string, locale: Locale, key: string, values: Record<string, unknown> = {}) {
  const wanted = word(locale, key, values);
  const english = word("en", key, values);
  expect(wanted, `${key} has a ${locale} text`).not.toBe(english);
  expect(text, `${locale} ${key}`).toContain(wanted);
  for (const w of (english.match(/[A-Za-z]{4,}/g) ?? []).map((x) => x.toLowerCase()).filter((x) => !SAME.has(x)))
    expect(text.toLowerCase(), `${locale} ${key}: "${w}"`).not.toMatch(new RegExp(`\\b${w}\\b`));
}

async function merchantIn(locale: Locale) {
  const owner = await makeUser();
  const shop = await makeShop(owner.id);
  const client = clientOfItsOwn(web.url);
  await signIn(client, owner);
  client.setCookie("lng", (await localeCookie.serialize(locale)).split(";")[0].slice("lng=".length));
  return { owner, shop, client };
}

describe.each(["ms", "zh"] as const)("settings in %s", (locale) => {
  it("refuses each form in the page's language and says a save worked in it", async () => {
    const { owner, client } = await merchantIn(locale);
    const refused = async (page: string, fields: Record<string, string>) => {
      await client.get(page);
      const res = await client.post(page, fields);
      expect(res.status, `${page} refuses`).toBe(400);
      return flagged(client.lastHtml);
    };

    const general = await refused("/admin/settings", { name: " ", timezone: "Mars/Base", language: "xx", customDomain: "http://x/y z" });
    for (const key of ["shopName", "timezone", "language", "domainFormat"]) expectWorded(general, locale, `settings:errors.${key}`);

    const company = await refused("/admin/settings/company", {
      companyName: "x",
      registrationNumber: "12-ab",
      companyAddress: "no postcode",
    });
    for (const key of ["companyName", "registrationNumber", "postcode"]) expectWorded(company, locale, `settings:errors.${key}`);

    const report = await refused("/admin/settings/reports", { intent: "save", enabled: "on", sendAt: "9am" });
    expectWorded(report, locale, "settings:errors.sendAt");

    // Nobody has confirmed this member's number: the test is refused, nothing is queued.
    await asPlatform((tx) => tx.update(schema.users).set({ phoneVerifiedAt: null }).where(eq(schema.users.id, owner.id)));
    const test = await refused("/admin/settings/reports", { intent: "test", token: randomUUID() });
    expectWorded(test, locale, "settings:errors.noVerifiedPhone");

    const security = await refused("/admin/settings/security", { requireTwoFactor: "maybe" });
    expectWorded(security, locale, "settings:errors.twoFactorChoice");

    await client.get("/admin/settings");
    const saved = await client.post("/admin/settings", {
      name: "Kedai Bahasa",
      timezone: "Asia/Kuala_Lumpur",
      language: "ms",
      customDomain: "",
    });
    expect(saved.status).toBe(200);
    expect(htmlDecode(client.lastHtml)).toContain(word(locale, "settings:saved"));
    await client.get("/admin/settings/reports");
    expect((await client.post("/admin/settings/reports", { intent: "save", enabled: "on", sendAt: "08:30" })).status).toBe(200);
    expect(htmlDecode(client.lastHtml)).toContain(word(locale, "settings:saved"));
  });
});

describe("the daily report's test and preview", () => {
  it("previews the message in the shop's language and sends it once per click to the verified number, into the WhatsApp inbox", async () => {
    const { owner, shop, client } = await merchantIn("zh");
    await withShop(shop.id, (tx) =>
      tx.update(schema.shops).set({ name: "Kedai Ujian", language: "ms" }).where(eq(schema.shops.id, shop.id)),
    );
    await asPlatform((tx) => tx.update(schema.users).set({ phoneVerifiedAt: new Date() }).where(eq(schema.users.id, owner.id)));

    await client.get("/admin/settings/reports");
    const page = htmlDecode(client.lastHtml);
    const preview = page.match(/data-testid="report-preview"[^>]*>([\s\S]*?)<\/pre>/)?.[1] ?? "";
    expect(preview).toContain("*Kedai Ujian*");
    expect(preview).toContain(serverT("ms", "reports")("whatsapp.orders", { number: "0" }));
    expect(page).toContain(word("zh", "settings:reportTest.send"));
    const token = client.lastHtml.match(/name="token" value="([^"]+)"/)?.[1];
    expect(token).toBeDefined();

    // One click posted twice (a double click, a resent form): one message.
    for (let i = 0; i < 2; i++) {
      const res = await client.post("/admin/settings/reports", { intent: "test", token: token! });
      expect(res.status).toBe(200);
      expect(htmlDecode(client.lastHtml)).toContain(word("zh", "settings:notices.reportTestSent", { phone: owner.phone }));
    }
    const messages = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.messages)
        .where(and(eq(schema.messages.shopId, shop.id), eq(schema.messages.purpose, "daily_report_test"))),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ channel: "whatsapp", recipient: owner.phone, body: preview });

    // The outbox's job, as the notify worker runs it, against the sandbox's Wassenger.
    const wassenger = new WassengerClient({ baseUrl: `${sandbox.url}/wassenger/v1`, token: "sandbox-wassenger-token", sandbox: true });
    expect(await deliverMessage({ messageId: messages[0].id, shopId: shop.id }, wassenger)).toBe("sent");
    const inbox = sandbox.wassenger.messages.filter((m) => m.phone === owner.phone);
    expect(inbox).toHaveLength(1);
    expect(inbox[0].message).toBe(preview);
  });
});
