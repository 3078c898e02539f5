process.env.TRUST_PROXY = "1";
import { and, eq, inArray } from "drizzle-orm";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { shopRequests } from "~/domain/privacy/requests.server";
import { prepareDataExport } from "~/flows/data-export-prepared.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { emailsTo, latestWhatsApp, whatsAppCode } from "../../helpers/auth";
import { sellable } from "../../helpers/checkout";
import { makeShop, makeUser, unique } from "../../helpers/factories";
import { makeOrder, TEST_ADDRESS } from "../../helpers/orders";
import { uniquePhone } from "../../helpers/phones";
import { FormClient, htmlDecode, startWeb } from "../../helpers/web";

let web: Awaited<ReturnType<typeof startWeb>>;
let shop: { id: string; slug: string };
let variantId: string;

beforeAll(async () => {
  web = await startWeb();
  const owner = await makeUser();
  shop = await makeShop(owner.id);
  ({ variantId } = await sellable(shop.id, owner.id, { stock: 50 }));
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

function client() {
  const c = new FormClient(web.url);
  c.forwardedFor = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  return c;
}

async function guestOrder(contact: { email?: string; phone?: string }) {
  const customerName = `Guest ${unique("g")}`;
  const order = await makeOrder(shop.id, {
    lines: [{ variantId, quantity: 1 }],
    paid: true,
    email: contact.email ?? null,
    phone: contact.phone ?? null,
    customerName,
  });
  return { customerName, id: order.id, number: order.number };
}

/** A client proved (by an emailed code) as the buyer of `email`'s orders. */
async function provedBy(email: string) {
  const c = client();
  await c.get(`/s/${shop.slug}/privacy`);
  await c.post(`/s/${shop.slug}/privacy`, { intent: "send-code", contact: email });
  const code = (await emailsTo(email))[0].text.match(/\b(\d{6})\b/)![1];
  expect((await c.post(`/s/${shop.slug}/privacy`, { intent: "verify", contact: email, code })).status).toBe(302);
  await c.get(`/s/${shop.slug}/privacy`);
  return c;
}

const ordersByIds = (ids: string[]) =>
  withShop(shop.id, (tx) =>
    tx
      .select()
      .from(schema.orders)
      .where(and(eq(schema.orders.shopId, shop.id), inArray(schema.orders.id, ids))),
  );
const fieldError = (html: string, name: string) => htmlDecode(html).match(new RegExp(`data-field-error="${name}">([^<]*)<`))?.[1];

const notice = (html: string) => htmlDecode(html).match(/data-testid="privacy-notice">([^<]*)</)?.[1];

describe("a guest buyer's privacy page /s/:slug/privacy", () => {
  it("proves the buyer with a WhatsApp code (hashed, single use), then exports and asks for deletion; the merchant sees the request", async () => {
    const phone = uniquePhone();
    const order = await guestOrder({ phone: phone.e164 });
    const someoneElse = await guestOrder({ phone: uniquePhone().e164 });
    const c = client();
    expect((await c.get(`/s/${shop.slug}/privacy`)).status).toBe(200);
    expect(c.lastHtml).toContain('name="contact"');
    const sent = await c.post(`/s/${shop.slug}/privacy`, { intent: "send-code", contact: phone.local });
    expect(sent.status).toBe(200);
    expect(notice(c.lastHtml)).toBe("If we have orders for that contact, a code is on its way.");
    const code = await whatsAppCode(phone.e164);

    // Stored as keyed hashes only: neither the number nor the code is in privacy_codes, and the
    // message keeps a redacted body.
    const codes = await withShop(shop.id, (tx) => tx.select().from(schema.privacyCodes).where(eq(schema.privacyCodes.shopId, shop.id)));
    expect(codes.length).toBeGreaterThan(0);
    expect(JSON.stringify(codes)).not.toContain(code);
    expect(JSON.stringify(codes)).not.toContain(phone.e164);
    const sentRows = await withShop(shop.id, (tx) => tx.select().from(schema.messages).where(eq(schema.messages.recipient, phone.e164)));
    expect(sentRows.map((m) => m.body).join()).toContain("••••••");
    expect(sentRows.map((m) => m.body).join()).not.toContain(code);

    // A wrong code is refused; the right one proves the contact for this browser.
    const wrong = code === "000000" ? "111111" : "000000";
    expect((await c.post(`/s/${shop.slug}/privacy`, { intent: "verify", contact: phone.e164, code: wrong })).status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("That code is not right or has expired. Send a new code.");
    const verified = await c.post(`/s/${shop.slug}/privacy`, { intent: "verify", contact: phone.e164, code });
    expect(verified.status).toBe(302);
    await c.get(`/s/${shop.slug}/privacy`);
    expect(c.lastHtml).toContain('data-testid="guest-verified"');
    // Single use: the same code does not prove anyone again.
    const other = client();
    await other.get(`/s/${shop.slug}/privacy`);
    expect((await other.post(`/s/${shop.slug}/privacy`, { intent: "verify", contact: phone.e164, code })).status).toBe(400);
    // Without the proof, no right can be exercised.
    expect((await other.post(`/s/${shop.slug}/privacy`, { intent: "export" })).status).toBe(403);

    // Export: their orders, and nobody else's.
    expect((await c.post(`/s/${shop.slug}/privacy`, { intent: "export" })).status).toBe(200);
    const [request] = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.privacyRequests)
        .where(and(eq(schema.privacyRequests.subjectKind, "guest"), eq(schema.privacyRequests.subjectId, phone.e164))),
    );
    expect(request.kind).toBe("export");
    expect(await prepareDataExport({ requestId: request.id, shopId: shop.id })).toBe("ready");
    await c.get(`/s/${shop.slug}/privacy`);
    const download = await c.post(`/s/${shop.slug}/privacy`, { intent: "download", requestId: request.id });
    expect(download.status).toBe(302);
    const files = unzipSync(new Uint8Array(await (await fetch(download.headers.get("location")!)).arrayBuffer()));
    expect(strFromU8(files["orders.json"])).toContain(order.customerName);
    expect(strFromU8(files["orders.json"])).not.toContain(someoneElse.customerName);

    // Deletion with its due date, seen by the merchant (the controller) on their list.
    await c.get(`/s/${shop.slug}/privacy`);
    expect((await c.post(`/s/${shop.slug}/privacy`, { intent: "delete", confirm: "DELETE" })).status).toBe(200);
    await c.get(`/s/${shop.slug}/privacy`);
    expect(c.lastHtml).toContain('data-testid="deletion-requested"');
    const merchantList = await shopRequests(shop.id);
    const deletion = merchantList.find((r) => r.subjectId === phone.e164 && r.kind === "deletion");
    expect(deletion).toMatchObject({ subjectKind: "guest", status: "cooling_off" });
    expect(deletion!.dueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // A malformed request id is simply not found (404), never a 500.
    expect((await c.post(`/s/${shop.slug}/privacy`, { intent: "cancel-deletion", requestId: "not-a-uuid" })).status).toBe(404);
    expect((await c.post(`/s/${shop.slug}/privacy`, { intent: "cancel-deletion", requestId: deletion!.id })).status).toBe(200);
    // Forgetting the proof ends it.
    await c.post(`/s/${shop.slug}/privacy`, { intent: "forget" });
    await c.get(`/s/${shop.slug}/privacy`);
    expect(c.lastHtml).not.toContain('data-testid="guest-verified"');
  });

  it("gives the same answer whether or not the shop has orders for the contact, and sends a code only when it has", async () => {
    const buyer = `${unique("buyer")}@example.com`;
    await guestOrder({ email: buyer });
    const stranger = `${unique("nobody")}@example.com`;
    const strangerPhone = uniquePhone();
    const answers: Array<[number, string | undefined]> = [];
    for (const contact of [buyer, stranger, strangerPhone.local]) {
      const c = client();
      await c.get(`/s/${shop.slug}/privacy`);
      const res = await c.post(`/s/${shop.slug}/privacy`, { intent: "send-code", contact });
      answers.push([res.status, notice(c.lastHtml)]);
      expect(c.lastHtml).toContain('name="code"');
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    const mail = await emailsTo(buyer);
    expect(mail[0].text).toMatch(/\b\d{6}\b/);
    expect(await emailsTo(stranger)).toEqual([]);
    expect(await latestWhatsApp(strangerPhone.e164)).toBeUndefined();
    // A made-up code for a contact with no orders is refused exactly like a wrong one.
    const c = client();
    await c.get(`/s/${shop.slug}/privacy`);
    expect((await c.post(`/s/${shop.slug}/privacy`, { intent: "verify", contact: stranger, code: "123456" })).status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("That code is not right or has expired. Send a new code.");
  });

  it("rate-limits codes to one contact, refuses a malformed contact clearly, and speaks ms and zh", async () => {
    const contact = `${unique("limited")}@example.com`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const c = client();
      await c.get(`/s/${shop.slug}/privacy`);
      statuses.push((await c.post(`/s/${shop.slug}/privacy`, { intent: "send-code", contact })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const c = client();
    await c.get(`/s/${shop.slug}/privacy`);
    expect((await c.post(`/s/${shop.slug}/privacy`, { intent: "send-code", contact: "not a contact" })).status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("Enter the email address or WhatsApp number you used at checkout.");
    for (const [lng, heading] of [
      ["ms", "Data anda di kedai ini"],
      ["zh", "您在本店的数据"],
    ] as const) {
      const l = client();
      await l.post(`/s/${shop.slug}/locale`, { lng, redirectTo: `/s/${shop.slug}` }, { csrf: "" });
      await l.get(`/s/${shop.slug}/privacy`);
      expect(htmlDecode(l.lastHtml)).toContain(heading);
    }
  });

  it("lets the proved guest correct their name, email, number (each new contact confirmed by a code) and an address on every order of theirs, audited", async () => {
    const email = `${unique("fix")}@example.com`;
    const first = await guestOrder({ email });
    const second = await guestOrder({ email });
    const stranger = await guestOrder({ email: `${unique("other")}@example.com` });
    const c = await provedBy(email);
    expect(c.lastHtml).toContain('data-testid="privacy-correct"');
    expect(c.lastHtml).toContain('data-testid="privacy-addresses"');
    const page = `/s/${shop.slug}/privacy`;

    // The name, on both orders; an empty one is refused next to the field.
    expect((await c.post(page, { intent: "correct", name: "  " })).status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("Enter your name.");
    expect((await c.post(page, { intent: "correct", name: "Nur Aisyah" })).status).toBe(200);
    expect(notice(c.lastHtml)).toBe("Your details were saved.");
    let rows = await ordersByIds([first.id, second.id, stranger.id]);
    expect(
      rows
        .filter((r) => r.customerName === "Nur Aisyah")
        .map((r) => r.id)
        .sort(),
    ).toEqual([first.id, second.id].sort());

    // A new WhatsApp number: refused when malformed, then a code to it, then a wrong code, then the right one.
    expect((await c.post(page, { intent: "phone-code", phone: "12" })).status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("Enter a valid WhatsApp number");
    const phone = uniquePhone();
    expect((await c.post(page, { intent: "phone-code", phone: phone.local })).status).toBe(200);
    expect(c.lastHtml).toContain('data-testid="confirm-phone"');
    const phoneCode = await whatsAppCode(phone.e164);
    const wrong = phoneCode === "000000" ? "111111" : "000000";
    expect((await c.post(page, { intent: "phone-confirm", contact: phone.e164, code: wrong })).status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("That code is not right or has expired.");
    rows = await ordersByIds([first.id, second.id]);
    expect(rows.every((r) => r.phone !== phone.e164)).toBe(true);
    // The wrong answer counted; a fresh code then works.
    await c.post(page, { intent: "phone-code", phone: phone.local });
    const freshCode = await whatsAppCode(phone.e164);
    expect((await c.post(page, { intent: "phone-confirm", contact: phone.e164, code: freshCode })).status).toBe(200);
    rows = await ordersByIds([first.id, second.id, stranger.id]);
    expect(
      rows
        .filter((r) => r.phone === phone.e164)
        .map((r) => r.id)
        .sort(),
    ).toEqual([first.id, second.id].sort());
    // Asking again for the number they now have is refused plainly.
    await c.get(page);
    expect((await c.post(page, { intent: "phone-code", phone: phone.local })).status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("That is already yours.");

    // A new email replaces the one they proved: the proof follows it, the old one proves nothing any more.
    const newEmail = `${unique("fixed")}@example.com`;
    await c.get(page);
    expect((await c.post(page, { intent: "email-code", email: newEmail.toUpperCase() })).status).toBe(200);
    const emailCode = (await emailsTo(newEmail))[0].text.match(/\b(\d{6})\b/)![1];
    const confirmed = await c.post(page, { intent: "email-confirm", contact: newEmail, code: emailCode });
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers.get("set-cookie")).toContain("ns_privacy_guest=");
    rows = await ordersByIds([first.id, second.id]);
    expect(rows.map((r) => r.email)).toEqual([newEmail, newEmail]);
    await c.get(page);
    expect(htmlDecode(c.lastHtml)).toContain(`Verified: ${newEmail}`);
    const before = (await emailsTo(email)).length;
    const old = client();
    await old.get(page);
    await old.post(page, { intent: "send-code", contact: email });
    expect((await emailsTo(email)).length).toBe(before);

    // An address on their orders: both orders carry it, both are corrected; a bad postcode is refused
    // next to its field, and another buyer's order names nothing of theirs.
    const form = { ...TEST_ADDRESS, line1: "8 Jalan Bangsar Utama 1", postcode: "59000", line2: "", phone: "" };
    // The page shows the address once, named by an order carrying it.
    const shownIds = [...c.lastHtml.matchAll(/name="orderId" value="([^"]+)"/g)].map((m) => m[1]);
    expect(shownIds).toHaveLength(1);
    expect([first.id, second.id]).toContain(shownIds[0]);
    expect((await c.post(page, { intent: "address-save", orderId: shownIds[0], ...form, postcode: "1" })).status).toBe(400);
    expect(fieldError(c.lastHtml, "postcode")).toBe("Enter a postcode that matches the state.");
    expect((await c.post(page, { intent: "address-save", orderId: stranger.id, ...form })).status).toBe(404);
    expect((await c.post(page, { intent: "address-save", orderId: "not-a-uuid", ...form })).status).toBe(400);
    await c.get(page);
    expect((await c.post(page, { intent: "address-save", orderId: second.id, ...form })).status).toBe(200);
    rows = await ordersByIds([first.id, second.id, stranger.id]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(first.id)!.shippingAddress).toMatchObject({
      line1: "8 Jalan Bangsar Utama 1",
      postcode: "59000",
      phone: TEST_ADDRESS.phone,
    });
    expect(byId.get(second.id)!.shippingAddress).toMatchObject({ line1: "8 Jalan Bangsar Utama 1" });
    expect(byId.get(stranger.id)!.shippingAddress).toMatchObject({ line1: TEST_ADDRESS.line1 });

    // Audited: which field and which orders, contacts masked, no values in the clear.
    const entries = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.shopId, shop.id), eq(schema.auditLog.action, "privacy.guest_corrected"))),
    );
    const mine = entries.filter((e) => JSON.stringify(e.after).includes(`${first.number}`));
    expect(mine.map((e) => (e.after as { field: string }).field).sort()).toEqual(["email", "name", "phone", "shippingAddress"]);
    const logged = JSON.stringify(mine);
    for (const secret of [email, newEmail, phone.e164, "Nur Aisyah", "Bangsar"]) expect(logged).not.toContain(secret);
  });

  it("refuses corrections without a proof, and in Malay and Chinese says so in the reader's language", async () => {
    const c = client();
    await c.get(`/s/${shop.slug}/privacy`);
    expect((await c.post(`/s/${shop.slug}/privacy`, { intent: "correct", name: "Someone" })).status).toBe(403);
    expect((await c.post(`/s/${shop.slug}/privacy`, { intent: "phone-code", phone: uniquePhone().local })).status).toBe(403);
    const email = `${unique("lang")}@example.com`;
    await guestOrder({ email });
    const proved = await provedBy(email);
    for (const [lng, heading, saved] of [
      ["ms", "Alamat pada pesanan anda", "Pembetulan mengubah setiap pesanan anda"],
      ["zh", "您订单上的地址", "更正会修改您在本店的所有订单"],
    ] as const) {
      await proved.post(`/s/${shop.slug}/locale`, { lng, redirectTo: `/s/${shop.slug}` }, { csrf: "" });
      await proved.get(`/s/${shop.slug}/privacy`);
      expect(htmlDecode(proved.lastHtml)).toContain(heading);
      expect(htmlDecode(proved.lastHtml)).toContain(saved);
    }
  });
});
