/**
 * Issue 17's "every form message in the seller's language" for the team, orders and customers
 * pages: an owner reading Bahasa Melayu or 简体中文 posts each form wrongly over HTTP; each answer
 * is a 4xx carrying the message in that language, with no word of the English message left.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getProduct } from "~/domain/catalog/products.server";
import type { Locale } from "~/lib/i18n";
import { localeCookie, serverT } from "~/lib/i18n.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { signIn } from "../helpers/auth";
import { makeProduct } from "../helpers/catalog";
import { englishLeft } from "../helpers/english";
import { makeShop, makeUser } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

type Person = { id: string; email: string; password: string; phone: string };
let web: Awaited<ReturnType<typeof startWeb>>;
let owner: Person;
let shopId: string;
let variantId: string;

beforeAll(async () => {
  web = await startWeb();
  owner = await makeUser();
  shopId = (await makeShop(owner.id)).id;
  const p = await makeProduct(shopId, owner.id, { title: "Songket Emas", price: "120.00", stock: 50, status: "active" });
  variantId = (await getProduct(shopId, p.productId))!.variants[0].id;
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

async function ownerIn(locale: Locale) {
  const client = new FormClient(web.url);
  client.forwardedFor = `198.51.101.${Math.floor(Math.random() * 250)}`;
  await signIn(client, owner);
  client.setCookie("lng", (await localeCookie.serialize(locale)).split(";")[0].slice("lng=".length));
  return client;
}

/** The page without its scripts (route data and translations travel inlined). */
const shown = (html: string) => htmlDecode(html.replace(/<script[\s\S]*?<\/script>/g, ""));

/** The answer shows `key` in `locale` and no word of its English text (names and examples kept). */
function expectWorded(
  html: string,
  locale: Locale,
  ns: "team" | "orders",
  key: string,
  values: Record<string, string | number> = {},
  enValues = values,
) {
  const t = serverT(locale, ns) as unknown as (k: string, v?: Record<string, unknown>) => string;
  const en = serverT("en", ns) as unknown as (k: string, v?: Record<string, unknown>) => string;
  const page = shown(html);
  expect(t(key, values), `${key} has a ${locale} text`).not.toBe(en(key, values));
  expect(page, `${locale} ${key}`).toContain(t(key, values));
  expect(englishLeft(t(key, values), en(key, enValues), ["NetShop", "WhatsApp", "J&T Express", "name@example.com"])).toEqual([]);
  expect(page).not.toContain(en(key, enValues));
}

describe.each(["ms", "zh"] as const)("the owner's forms refuse in %s", (locale) => {
  it("staff: a withdrawn invitation", async () => {
    const c = await ownerIn(locale);
    await c.get("/admin/staff");
    const gone = await c.post("/admin/staff", { intent: "withdraw", inviteId: "00000000-0000-4000-8000-000000000000" });
    expect(gone.status).toBe(400);
    expectWorded(c.lastHtml, locale, "team", "problems.inviteGone");
  });

  it("an order: an empty note, too many to send, a done message", async () => {
    const paid = await makeOrder(shopId, { lines: [{ variantId, quantity: 2 }], paid: true, customerName: "Puan Aminah" });
    const [line] = await withShop(shopId, (tx) => tx.select().from(schema.orderLines).where(eq(schema.orderLines.orderId, paid.id)));
    const c = await ownerIn(locale);
    await c.get(`/admin/orders/${paid.id}`);
    const post = (id: string, fields: Record<string, string>) => c.post(`/admin/orders/${id}`, fields);

    expect((await post(paid.id, { intent: "note", note: "  " })).status).toBe(400);
    expectWorded(c.lastHtml, locale, "orders", "problems.noteEmpty");

    expect(
      (await post(paid.id, { intent: "fulfil", carrier: "jnt", trackingNumber: "630012345678", [`qty_${line.id}`]: "5" })).status,
    ).toBe(400);
    expectWorded(c.lastHtml, locale, "orders", "problems.atMostSend", { count: 2 });

    expect((await post(paid.id, { intent: "move", to: "processing" })).status).toBe(200);
    const status = serverT(locale, "orders")("statuses.processing").toLowerCase();
    expectWorded(c.lastHtml, locale, "orders", "done.moved", { status }, { status: "processing" });
  });
});
