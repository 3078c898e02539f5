/**
 * Refusals of the billing page and the operators' console in Bahasa Melayu and 简体中文: a merchant
 * and an operator using those languages trigger them over HTTP (a plan that is not offered, a
 * downgrade over the smaller plan's seats, an invoice that does not exist, an expired pack form, the
 * console refused to a merchant, a suspension without a reason, lifting a suspension that is not
 * there, a trial extended too far, plan prices that are not whole sen, a merchant that does not
 * exist, a wallet top-up without an amount) and each answer carries the message in the page's
 * language, with no English word of the English message left in what the page flags as an error.
 */
import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import type { Locale } from "~/lib/i18n";
import { localeCookie, serverT } from "~/lib/i18n.server";

import { billingStack, signedIn, trialShop } from "../helpers/billing";
import { makeOperator } from "../helpers/dropship";
import { addMember, makeUser } from "../helpers/factories";
import { type FormClient, htmlDecode } from "../helpers/web";

process.env.TRUST_PROXY = "1";

const stack = billingStack();

/** Names that are the same in every language (the plan names are kept like the brand), and Malay's own "platform". */
const NAMES = new Set(["netshop", "free", "starter", "growth", "pro", "slug", "platform"]);

/** Words of four letters or more in the English message: none may be left in the other language's answer. */
function englishWords(message: string): string[] {
  return (message.match(/[A-Za-z]{4,}/g) ?? []).map((w) => w.toLowerCase()).filter((w) => !NAMES.has(w));
}

/** What the page flags as an error: alerts and field errors, the error page's text, or a plain-text answer whole. */
function flagged(html: string): string {
  if (!html.includes("<")) return html;
  const alerts = [...html.matchAll(/role="alert"[^>]*>([\s\S]*?)<\/(?:p|div)>/g)].map((m) => m[1]);
  const errorPage = /<div class="card (?:narrow|medium)"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1];
  return htmlDecode([...alerts, errorPage ?? ""].join("\n").replace(/<[^>]+>/g, " "));
}

async function inLanguage(client: FormClient, locale: Locale) {
  client.setCookie("lng", (await localeCookie.serialize(locale)).split(";")[0].slice("lng=".length));
  return client;
}

/** The answer shows `key` of `namespace` in `locale`, and no word of its English text. */
function expectTranslated(
  html: string,
  locale: Locale,
  namespace: "billing" | "supplier",
  key: string,
  values: Record<string, unknown> = {},
) {
  const t = serverT(locale, namespace) as (k: string, v?: Record<string, unknown>) => string;
  const en = serverT("en", namespace) as (k: string, v?: Record<string, unknown>) => string;
  const text = flagged(htmlDecode(html));
  const wanted = t(key, values);
  expect(wanted, `${key} has a ${locale} text`).not.toBe(en(key, values));
  expect(text, `${locale} ${key}`).toContain(wanted);
  for (const word of englishWords(en(key, values)))
    expect(text.toLowerCase(), `${locale} ${key}: "${word}"`).not.toMatch(new RegExp(`\\b${word}\\b`));
}

describe.each(["ms", "zh"] as const)("billing and console refusals in %s", (locale) => {
  it("a merchant's refusals on the billing page and at the console's door", async () => {
    const { owner, shop } = await trialShop();
    // Two staff beyond the owner: the Free plan's one seat is over by two.
    for (let i = 0; i < 2; i++) await addMember(shop.id, (await makeUser()).id, "staff", ["products"]);
    const client = await inLanguage(await signedIn(stack.web.url, owner), locale);

    await client.get("/admin/billing");
    const csrf = client.csrfToken();
    const notOffered = await client.post("/admin/billing", { intent: "change", planId: "platinum", interval: "month" }, { csrf });
    expect(notOffered.status).toBe(400);
    expectTranslated(client.lastHtml, locale, "billing", "errors.planNotShown");

    const noInterval = await client.post("/admin/billing", { intent: "change", planId: "pro", interval: "weekly" }, { csrf });
    expect(noInterval.status).toBe(400);
    expectTranslated(client.lastHtml, locale, "billing", "errors.chooseInterval");

    const down = await client.post("/admin/billing", { intent: "change", planId: "free", interval: "month" }, { csrf });
    expect(down.status).toBe(409);
    expectTranslated(client.lastHtml, locale, "billing", "errors.reduce.seats", { count: 2 });

    const noInvoice = await client.post("/admin/billing", { intent: "pay", invoiceId: randomUUID() }, { csrf });
    expect(noInvoice.status).toBe(404);
    expectTranslated(client.lastHtml, locale, "billing", "errors.invoiceNotFound");

    const expired = await client.post("/admin/billing", { intent: "buy-credits", packId: "video-20", token: "old" }, { csrf });
    expect(expired.status).toBe(400);
    expectTranslated(client.lastHtml, locale, "billing", "errors.reload");

    expect((await client.get(`/admin/billing/invoices/${randomUUID()}`)).status).toBe(404);
    expectTranslated(client.lastHtml, locale, "billing", "errors.invoiceNotFound");

    expect((await client.get("/platform/merchants")).status).toBe(403);
    expectTranslated(client.lastHtml, locale, "billing", "errors.operatorsOnly");
  });

  it("an operator's refusals in the console", async () => {
    const { shop } = await trialShop();
    const operator = await inLanguage(await signedIn(stack.web.url, await makeOperator()), locale);
    const page = `/platform/merchants/${shop.id}`;
    await operator.get(page);
    const csrf = operator.csrfToken();

    expect((await operator.post(page, { intent: "suspend", reason: "" }, { csrf })).status).toBe(400);
    expectTranslated(operator.lastHtml, locale, "billing", "errors.reason");

    expect((await operator.post(page, { intent: "unsuspend", reason: "Paid by transfer" }, { csrf })).status).toBe(400);
    expectTranslated(operator.lastHtml, locale, "billing", "errors.notSuspended");

    expect((await operator.post(page, { intent: "extend-trial", days: "365" }, { csrf })).status).toBe(400);
    expectTranslated(operator.lastHtml, locale, "billing", "errors.days");

    expect((await operator.post(page, { intent: "grant", kind: "copy", credits: "lots" }, { csrf })).status).toBe(400);
    expectTranslated(operator.lastHtml, locale, "billing", "errors.credits");

    expect((await operator.post(page, { intent: "refund" }, { csrf })).status).toBe(400);
    expectTranslated(operator.lastHtml, locale, "billing", "errors.chooseAction");

    expect((await operator.get(`/platform/merchants/${randomUUID()}`)).status).toBe(404);
    expectTranslated(operator.lastHtml, locale, "billing", "errors.noMerchant");

    await operator.get("/platform/billing");
    const prices = await operator.post("/platform/billing", { planId: "starter", priceMinor: "1.5", yearlyPriceMinor: "31000" });
    expect(prices.status).toBe(400);
    expectTranslated(operator.lastHtml, locale, "billing", "errors.monthlyPrice");

    await operator.get("/platform");
    const topUp = await operator.post("/platform?index", { shopSlug: shop.slug, amount: "lima ratus", note: "", token: "t".repeat(24) });
    expect(topUp.status).toBe(400);
    expectTranslated(operator.lastHtml, locale, "supplier", "platform.errors.amount");
  });
});
