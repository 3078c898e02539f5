/**
 * An order's timeline worded for its reader, in the reader's language: the shop's staff read every
 * entry ("Customer told by WhatsApp: order confirmed"), the customer reads only what concerns them,
 * as said to them ("We sent you a WhatsApp message"), and never the shop's own notes or owner alerts.
 */
import { describe, expect, it } from "vitest";

import { orderStatusPath } from "~/domain/orders/order-links.server";
import type { Locale } from "~/lib/i18n";
import { rememberLocale } from "~/lib/i18n.server";
import { schema, withShop } from "~db/client";

import { signedInClient } from "../helpers/auth";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { clientOfItsOwn, type FormClient, htmlDecode, webForFile } from "../helpers/web";

const web = webForFile();

async function inLanguage(client: FormClient, locale: Locale) {
  const [name, ...value] = (await rememberLocale(locale)).split(";")[0].split("=");
  client.setCookie(name, value.join("="));
}

describe("order timeline", () => {
  it("is worded for the merchant in the admin and for the customer on their order page, each in their language", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    await makeProduct(shop.id, owner.id, { title: "Kain Pelikat", price: "45.00", stock: 4, status: "active" });
    const [variant] = await withShop(shop.id, (tx) => tx.select().from(schema.variants).limit(1));
    const order = await makeOrder(shop.id, { lines: [{ variantId: variant.id, quantity: 1 }], paid: true });

    const staff = await signedInClient(web.url, owner);
    await staff.get(`/admin/orders/${order.id}`);
    await staff.post(`/admin/orders/${order.id}`, { intent: "note", note: "Bungkus sebagai hadiah" });
    await inLanguage(staff, "zh");
    expect((await staff.get(`/admin/orders/${order.id}`)).status).toBe(200);
    // The timeline as shown (the page's data still carries each entry's English summary, for the audit trail).
    const admin = htmlDecode(staff.lastHtml.match(/<ol class="timeline" data-testid="timeline">[\s\S]*?<\/ol>/)?.[0] ?? "");
    expect(admin).toContain("等待付款 → 已付款");
    expect(admin).toContain("已通过 WhatsApp 通知顾客：订单已确认");
    expect(admin).toContain("Bungkus sebagai hadiah"); // the staff's note, in their own words
    expect(admin).not.toContain("Customer told by");
    expect(admin).toMatch(/消息状态：(等待发送|已发送|已送达|已读|发送失败)/); // the message's delivery, worded too

    const customer = clientOfItsOwn(web.url);
    await inLanguage(customer, "ms");
    expect((await customer.get(orderStatusPath(shop.slug, order.id))).status).toBe(200);
    // What the customer reads: the page without its scripts (the storefront's translations travel
    // inlined in a script, and they include the merchant's wording as templates).
    const page = htmlDecode(customer.lastHtml.replace(/<script\b[\s\S]*?<\/script>/g, ""));
    expect(page).toContain("Sejarah pesanan");
    expect(page).toContain("Bayaran diterima");
    expect(page).toContain("Kami menghantar mesej WhatsApp kepada anda: pesanan disahkan");
    // The shop's business stays with the shop: its note, the owner's alert, the merchant's wording.
    expect(page).not.toContain("Bungkus sebagai hadiah");
    expect(page).not.toContain("Pemilik dimaklumkan");
    expect(page).not.toContain("Pelanggan dimaklumkan");
  });
});
