process.env.TRUST_PROXY = "1";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema, withShop } from "~db/client";

import { emailsTo, signIn, whatsAppCode } from "../../helpers/auth";
import { makeShop, makeUser, unique } from "../../helpers/factories";
import { TEST_ADDRESS } from "../../helpers/orders";
import { uniquePhone } from "../../helpers/phones";
import { FormClient, htmlDecode, startWeb } from "../../helpers/web";

/** The privacy page's promise: "You can see, correct, export and delete your data". This file proves "correct". */
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

function client() {
  const c = new FormClient(web.url);
  c.forwardedFor = `198.19.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  return c;
}

const emailCode = async (to: string) => {
  const [mail] = await emailsTo(to);
  const code = mail?.text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code emailed to ${to}`);
  return code;
};

async function customerRow(email: string) {
  const [row] = await withShop(shop.id, (tx) =>
    tx
      .select()
      .from(schema.customers)
      .where(and(eq(schema.customers.shopId, shop.id), eq(schema.customers.email, email))),
  );
  return row;
}

const audits = (targetId: string) => asPlatform((tx) => tx.select().from(schema.auditLog).where(eq(schema.auditLog.targetId, targetId)));

describe("promise: “You can see, correct, export and delete your data” — correct", () => {
  it("a storefront customer corrects their email and WhatsApp number only after a code to the new one, and their saved address; all audited, contacts masked", async () => {
    const c = client();
    const email = `${unique("c")}@example.com`;
    await c.get(`/s/${shop.slug}/account/signup`);
    const signup = await c.post(`/s/${shop.slug}/account/signup`, {
      ...c.shownPolicies(),
      name: "Farah Idris",
      email,
      phone: uniquePhone().local,
      password: "correct horse battery staple",
      adult: "on",
    });
    expect(signup.status).toBe(302);
    const me = await customerRow(email);
    const page = `/s/${shop.slug}/account/privacy`;

    // Email: a code to the new address; the wrong code changes nothing; the right one does.
    const newEmail = `${unique("new")}@example.com`;
    await c.get(page);
    expect((await c.post(page, { intent: "email-code", email: "not-an-email" })).status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("Enter an email address like name@example.com.");
    expect((await c.post(page, { intent: "email-code", email: newEmail })).status).toBe(200);
    expect(c.lastHtml).toContain('data-testid="confirm-email"');
    const code = await emailCode(newEmail);
    expect((await c.post(page, { intent: "email-confirm", contact: newEmail, code: code === "000000" ? "111111" : "000000" })).status).toBe(
      400,
    );
    expect(await customerRow(email)).toBeDefined();
    expect((await c.post(page, { intent: "email-confirm", contact: newEmail, code })).status).toBe(200);
    expect((await customerRow(newEmail))?.id).toBe(me.id);

    // Phone: the same, by WhatsApp.
    const phone = uniquePhone();
    await c.get(page);
    expect((await c.post(page, { intent: "phone-code", phone: phone.local })).status).toBe(200);
    const phoneCode = await whatsAppCode(phone.e164);
    expect((await c.post(page, { intent: "phone-confirm", contact: phone.e164, code: phoneCode })).status).toBe(200);
    expect((await customerRow(newEmail)).phone).toBe(phone.e164);

    // Addresses: corrected with validation, and removed.
    const [address] = await withShop(shop.id, (tx) =>
      tx
        .insert(schema.customerAddresses)
        .values({ shopId: shop.id, customerId: me.id, address: { ...TEST_ADDRESS, name: "Farah Idris" }, isDefault: true })
        .returning(),
    );
    await c.get(page);
    expect(c.lastHtml).toContain('data-testid="privacy-addresses"');
    const { line1, city, state, postcode, country } = TEST_ADDRESS;
    const fields = { line1, city, state, postcode, country, line2: "", name: "Farah binti Idris", addressId: address.id };
    expect((await c.post(page, { intent: "address-save", ...fields, postcode: "99999" })).status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("Enter a postcode that matches the state.");
    expect((await c.post(page, { intent: "address-save", ...fields, line1: "7 Jalan Ampang" })).status).toBe(200);
    const [saved] = await withShop(shop.id, (tx) =>
      tx.select().from(schema.customerAddresses).where(eq(schema.customerAddresses.id, address.id)),
    );
    expect(saved.address).toMatchObject({ name: "Farah binti Idris", line1: "7 Jalan Ampang" });
    // Someone else's address id (or a malformed one) is not found: 404, never a 500.
    expect((await c.post(page, { intent: "address-remove", addressId: "nope" })).status).toBe(404);
    expect((await c.post(page, { intent: "address-remove", addressId: address.id })).status).toBe(200);

    const log = await audits(me.id);
    expect(log.map((a) => a.action).sort()).toEqual([
      "privacy.customer_address_corrected",
      "privacy.customer_address_removed",
      "privacy.customer_corrected",
      "privacy.customer_corrected",
    ]);
    const text = JSON.stringify(log);
    expect(text).not.toContain(newEmail);
    expect(text).not.toContain(phone.e164);
  });

  it("a merchant corrects their email only after a code sent to the new address, audited masked; an address another account uses is refused", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const c = client();
    await signIn(c, owner);
    await c.get("/admin/account/privacy");
    expect((await c.post("/admin/account/privacy", { intent: "email-code", email: other.email })).status).toBe(400);
    expect(htmlDecode(c.lastHtml)).toContain("Another account already uses that email address.");
    const fresh = `${unique("owner")}@example.com`;
    await c.get("/admin/account/privacy");
    expect((await c.post("/admin/account/privacy", { intent: "email-code", email: fresh })).status).toBe(200);
    const code = await emailCode(fresh);
    expect((await c.post("/admin/account/privacy", { intent: "email-confirm", contact: fresh, code })).status).toBe(200);
    const [row] = await asPlatform((tx) => tx.select().from(schema.users).where(eq(schema.users.id, owner.id)));
    expect(row.email).toBe(fresh);
    const log = await audits(owner.id);
    const entry = log.find((a) => a.action === "privacy.user_corrected");
    expect(JSON.stringify(entry)).not.toContain(fresh);
    expect(JSON.stringify(entry?.after)).toContain("***@example.com");
    // The code was single use.
    await c.get("/admin/account/privacy");
    expect((await c.post("/admin/account/privacy", { intent: "email-confirm", contact: fresh, code })).status).toBe(400);
  });
});
