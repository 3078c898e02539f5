/**
 * What NetShop sends outside a page is written in the recipient's language (issue 17): the welcome
 * WhatsApp message (the sign-up page's language), sign-in, reset and number codes (the person's
 * language), staff invitations (the shop's language: the person invited has none yet), and the
 * dropshipping alerts to a merchant's owner (their language) and to a supplier's number (the
 * supplier shop's language). Each is produced by the real domain code, read back where it went (the
 * messages table, the mail sandbox) and compared with the English text: no English word is left.
 */
import { and, desc, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";

import { issueCode } from "~/domain/accounts/codes.server";
import { signUp } from "~/domain/accounts/signup.server";
import { inviteStaff } from "~/domain/accounts/staff.server";
import { forwardOrder, listForwards, supplierOrderCancelled } from "~/domain/dropship/forwarding.server";
import { rejectSupplierLine } from "~/domain/dropship/supplier-portal.server";
import { setSupplierStatus } from "~/domain/dropship/suppliers.server";
import { shownPoliciesField } from "~/domain/policies/versions.server";
import { openShop } from "~/flows/shop-opened.server";
import { supplierOrderChanged } from "~/flows/supplier-shipment.server";
import type { Locale } from "~/lib/i18n";
import { serverT } from "~/lib/i18n.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema, withShop } from "~db/client";

import { emailsTo } from "../helpers/auth";
import { importInto, makeDropshipOrder, makeMerchant, makeOperator, makeSupplier, makeSupplierProduct, topUp } from "../helpers/dropship";
import { englishLeft } from "../helpers/english";
import { makeUser, PASSWORD, unique } from "../helpers/factories";
import { uniquePhone } from "../helpers/phones";

afterAll(async () => {
  await closeRedis();
  await closeDatabase();
});

const who = { ip: "127.0.0.1", userAgent: "vitest" };
const en = serverT("en", "notices");
/** Names, the brand and words that are the same in the language (Malay "portal"). */
const KEEP = ["NetShop", "WhatsApp", "Nur Aina", "Nur", "Kedai Bahasa", "Pembekal Batik", "Batik scarf", "portal"];

function expectNoEnglish(text: string, english: string) {
  expect(text).not.toBe(english);
  expect(englishLeft(text, english, KEEP), text).toEqual([]);
}

async function messagesTo(recipient: string, purpose: string) {
  return asPlatform((tx) =>
    tx
      .select()
      .from(schema.messages)
      .where(and(eq(schema.messages.recipient, recipient), eq(schema.messages.purpose, purpose)))
      .orderBy(desc(schema.messages.createdAt)),
  );
}

async function setLanguage(userId: string, language: Locale) {
  await asPlatform((tx) => tx.update(schema.users).set({ preferredLanguage: language }).where(eq(schema.users.id, userId)));
}
async function setShopLanguage(shopId: string, language: Locale) {
  await withShop(shopId, (tx) => tx.update(schema.shops).set({ language }).where(eq(schema.shops.id, shopId)));
}

describe.each(["ms", "zh"] as const)("messages in %s", (locale) => {
  it("the welcome WhatsApp message is in the sign-up page's language, which the account keeps", async () => {
    const phone = uniquePhone();
    const result = await signUp(
      {
        name: "Nur Aina",
        email: `${unique("welcome")}@example.com`,
        phone: phone.local,
        companyName: "Aina Trading",
        password: PASSWORD,
        adult: "on",
        terms: "on",
        ...(await shownPoliciesField(["privacy", "terms"])),
      },
      { ...who, ip: `10.9.${Math.floor(Math.random() * 250)}.1` },
      locale,
    );
    expect(result.ok).toBe(true);
    const [welcome] = await messagesTo(phone.e164, "welcome");
    expectNoEnglish(welcome.body, en("welcome", { name: "Nur" }));
    const [user] = await asPlatform((tx) => tx.select().from(schema.users).where(eq(schema.users.phone, phone.e164)));
    expect(user.preferredLanguage).toBe(locale);
  });

  it("sign-in, password-reset and number codes are in the person's language", async () => {
    const user = await makeUser();
    await setLanguage(user.id, locale);
    for (const purpose of ["sign_in", "password_reset", "contact_change"] as const) {
      expect(await issueCode({ userId: user.id, purpose, subjectId: unique(purpose), phone: user.phone })).toEqual({ ok: true });
      const [sent] = await messagesTo(user.phone, `${purpose}_code`);
      // The row keeps the text with the code redacted; the phone got the same text with the code.
      expectNoEnglish(sent.body, en(`codes.${purpose}`, { code: "••••••" }));
    }
  });

  it("a staff invitation (email and its subject, WhatsApp) is in the shop's language", async () => {
    const owner = await makeUser();
    const opened = await openShop(owner.id, { name: "Kedai Bahasa", slug: unique("shop-") }, who);
    if (!opened.ok) throw new Error("shop not opened");
    await setShopLanguage(opened.shop.id, locale);
    const actor = { userId: owner.id, name: "Nur Aina", shopId: opened.shop.id, shopName: "Kedai Bahasa", role: "owner" as const };
    const email = `${unique("invitee")}@example.com`;
    expect(await inviteStaff(actor, { channel: "email", recipient: email, role: "admin" }, who)).toMatchObject({ ok: true });
    const [mail] = await emailsTo(email);
    const values = { inviter: "Nur Aina", shop: "Kedai Bahasa" };
    expectNoEnglish(mail.subject, en("invite.subject", values));
    const englishText = en("invite.text", { ...values, role: en("invite.admin"), link: "" });
    expectNoEnglish(mail.text.replace(/https?:\/\/\S+/, ""), englishText);
    const phone = uniquePhone();
    expect(
      await inviteStaff(actor, { channel: "whatsapp", recipient: phone.local, role: "staff", permissions: ["orders"] }, who),
    ).toMatchObject({ ok: true });
    const [whatsapp] = await messagesTo(phone.e164, "staff_invite");
    expectNoEnglish(whatsapp.body, en("invite.text", { ...values, role: en("invite.staff"), link: en("invite.link") }));
  });

  it("dropshipping alerts: the merchant's owner in their language, the supplier's number in its shop's", async () => {
    const supplier = await makeSupplier({ name: "Pembekal Batik" });
    await setShopLanguage(supplier.shopId, locale);
    const [profile] = await withShop(supplier.shopId, (tx) => tx.select().from(schema.supplierProfiles));
    const operator = await makeOperator();
    await setSupplierStatus(operator.id, supplier.shopId, "suspended", who);
    await setSupplierStatus(operator.id, supplier.shopId, "approved", who);
    const [suspended] = await messagesTo(profile.whatsapp, "supplier.suspended");
    expectNoEnglish(suspended.body, en("dropship.suspended", { name: "Pembekal Batik" }));
    const [approved] = await messagesTo(profile.whatsapp, "supplier.approved");
    expectNoEnglish(approved.body, en("dropship.approved", { name: "Pembekal Batik" }));

    const product = await makeSupplierProduct(supplier.shopId, supplier.user.id, {
      title: "Batik scarf",
      cost: "5.00",
      price: "20.00",
      stock: 50,
      option: { name: "Colour", values: "Red, Blue" },
    });
    const merchant = await makeMerchant();
    await setLanguage(merchant.user.id, locale);
    const linked = await importInto(merchant.shopId, merchant.user.id, product.productId);

    // An empty wallet: the supplier order is held and the owner told.
    const held = await makeDropshipOrder(merchant.shopId, [{ variantId: linked.variants[0].id, quantity: 1 }]);
    await forwardOrder({ shopId: merchant.shopId, orderId: held.id });
    const heldEnglish = en("dropship.held", { number: held.number, amount: "10.00 MYR" });
    const heldAlert = (await listForwards(merchant.shopId)).alerts.find((a) => a.kind === "held")!;
    expectNoEnglish(heldAlert.message.replace(/[\d.]+ MYR/, ""), heldEnglish);
    const [heldWhatsApp] = await messagesTo(merchant.user.phone, "dropship.held");
    expectNoEnglish(heldWhatsApp.body.replace(/[\d.]+ MYR/, ""), en("dropship.prefix", { message: heldEnglish }));

    // Paid from the wallet: the supplier is told of the new order; a line rejected tells the owner.
    await topUp(merchant.shopId, 10_000);
    const order = await makeDropshipOrder(
      merchant.shopId,
      linked.variants.map((v) => ({ variantId: v.id, quantity: 1 })),
    );
    await forwardOrder({ shopId: merchant.shopId, orderId: order.id });
    const [newOrder] = await messagesTo(profile.whatsapp, "dropship.new_order");
    expectNoEnglish(newOrder.body.replace(/NS-\S+/, "NS-x-1"), en("dropship.newOrder", { reference: "NS-x-1", count: 2 }));
    const forward = (await listForwards(merchant.shopId)).forwards.find((f) => f.orderId === order.id)!;
    const lines = await withShop(supplier.shopId, (tx) =>
      tx.select().from(schema.supplierOrderLines).where(eq(schema.supplierOrderLines.supplierOrderId, forward.id)),
    );
    expect(await rejectSupplierLine(supplier.shopId, forward.id, lines[0].id, { userId: supplier.user.id, ...who }, "")).toEqual({
      ok: true,
    });
    await supplierOrderChanged({ supplierShopId: supplier.shopId, supplierOrderId: forward.id });
    const rejectedEnglish = en("dropship.rejectedOne", { number: order.number, items: "", reason: en("dropship.outOfStock") });
    const rejected = (await listForwards(merchant.shopId)).alerts.find((a) => a.kind === "rejected")!;
    expectNoEnglish(rejected.message.replace(/1 × Batik scarf \(\w+\)/, ""), rejectedEnglish);
    const [rejectedWhatsApp] = await messagesTo(merchant.user.phone, "dropship.rejected");
    expectNoEnglish(rejectedWhatsApp.body.replace(/1 × Batik scarf \(\w+\)/, ""), en("dropship.prefix", { message: rejectedEnglish }));

    // Cancelled by the shop: the supplier is told not to ship.
    await supplierOrderCancelled({ supplierShopId: supplier.shopId, supplierOrderId: forward.id });
    const [cancelled] = await messagesTo(profile.whatsapp, "dropship.cancelled");
    expectNoEnglish(cancelled.body.replace(/NS-\S+/, "NS-x-1"), en("dropship.cancelled", { reference: "NS-x-1" }));
  });
});
