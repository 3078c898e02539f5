process.env.TRUST_PROXY = "1";
import { and, eq } from "drizzle-orm";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { COOLING_OFF_MS } from "~/domain/privacy/requests.server";
import { eraseRequestedData } from "~/flows/data-deleted.server";
import { prepareDataExport } from "~/flows/data-export-prepared.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema, withShop } from "~db/client";

import { signIn, whatsAppCode } from "../../helpers/auth";
import { addMember, makeShop, makeUser } from "../../helpers/factories";
import { uniquePhone } from "../../helpers/phones";
import { makeCustomerWithHistory, rowsContaining } from "../../helpers/privacy";
import { FormClient, htmlDecode, startWeb } from "../../helpers/web";

let web: Awaited<ReturnType<typeof startWeb>>;

beforeAll(async () => {
  web = await startWeb();
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

async function signedIn(user: { email: string; password: string; phone: string }) {
  const client = new FormClient(web.url);
  client.forwardedFor = `203.0.${Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 200)}`;
  await signIn(client, user);
  return client;
}

const userRow = async (id: string) => (await asPlatform((tx) => tx.select().from(schema.users).where(eq(schema.users.id, id))))[0];

describe("a merchant's own data (/admin/account/privacy)", () => {
  it("corrects their WhatsApp number only after a code sent to the new number, audited with the number masked", async () => {
    const owner = await makeUser();
    await makeShop(owner.id);
    const client = await signedIn(owner);
    expect((await client.get("/admin/account/privacy")).status).toBe(200);
    const fresh = uniquePhone();
    expect((await client.post("/admin/account/privacy", { intent: "phone-code", phone: "12" })).status).toBe(400);
    expect(htmlDecode(client.lastHtml)).toContain("Enter a valid WhatsApp number");
    await client.get("/admin/account/privacy");
    expect((await client.post("/admin/account/privacy", { intent: "phone-code", phone: fresh.local })).status).toBe(200);
    const code = await whatsAppCode(fresh.e164);
    expect((await client.post("/admin/account/privacy", { intent: "phone-confirm", phone: fresh.e164, code: "000000" })).status).toBe(400);
    expect((await userRow(owner.id)).phone).toBe(owner.phone);
    expect((await client.post("/admin/account/privacy", { intent: "phone-confirm", phone: fresh.e164, code })).status).toBe(200);
    expect((await userRow(owner.id)).phone).toBe(fresh.e164);
    const [entry] = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.actorUserId, owner.id), eq(schema.auditLog.action, "privacy.user_corrected"))),
    );
    expect(JSON.stringify(entry.after)).not.toContain(fresh.e164);
  });

  it("exports their own data as a ZIP of the map's categories for a NetShop account", async () => {
    const owner = await makeUser();
    await makeShop(owner.id);
    const client = await signedIn(owner);
    await client.get("/admin/account/privacy");
    expect((await client.post("/admin/account/privacy", { intent: "export" })).status).toBe(200);
    const [request] = await asPlatform((tx) =>
      tx.select().from(schema.privacyRequests).where(eq(schema.privacyRequests.subjectId, owner.id)),
    );
    expect(request.shopId).toBeNull();
    expect(await prepareDataExport({ requestId: request.id, shopId: null })).toBe("ready");
    await client.get("/admin/account/privacy");
    const download = await client.post("/admin/account/privacy", { intent: "download", requestId: request.id });
    expect(download.status).toBe(302);
    const files = unzipSync(new Uint8Array(await (await fetch(download.headers.get("location")!)).arrayBuffer()));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(["profile.json", "sessions.csv", "shops.json", "security.json", "privacy_requests.json"]),
    );
    expect(new TextDecoder().decode(files["profile.json"])).toContain(owner.email);
  });

  it("a staff member's deletion erases their account after the cooling-off; an owner's waits until their shops are closed", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    const staff = await makeUser();
    await addMember(shop.id, staff.id, "staff", ["orders"]);
    const staffClient = await signedIn(staff);
    await staffClient.get("/admin/account/privacy");
    expect((await staffClient.post("/admin/account/privacy", { intent: "delete", confirm: "DELETE" })).status).toBe(200);
    const [request] = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.privacyRequests)
        .where(and(eq(schema.privacyRequests.subjectId, staff.id), eq(schema.privacyRequests.kind, "deletion"))),
    );
    const later = new Date(Date.now() + COOLING_OFF_MS + 60_000);
    expect(await eraseRequestedData({ requestId: request.id, shopId: null }, later)).toBe("done");
    expect(await rowsContaining([staff.email, staff.phone])).toEqual([]);
    // Signed out everywhere: the old session no longer opens the admin.
    expect((await staffClient.get("/admin/account/privacy")).status).toBe(302);

    const ownerClient = await signedIn(owner);
    await ownerClient.get("/admin/account/privacy");
    expect((await ownerClient.post("/admin/account/privacy", { intent: "delete", confirm: "DELETE" })).status).toBe(200);
    const [held] = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.privacyRequests)
        .where(and(eq(schema.privacyRequests.subjectId, owner.id), eq(schema.privacyRequests.kind, "deletion"))),
    );
    expect(await eraseRequestedData({ requestId: held.id, shopId: null }, later)).toBe("held-open-shops");
    expect((await userRow(owner.id)).email).toBe(owner.email);
  });
});

describe("the merchant handles their customers' requests (/admin/privacy)", () => {
  it("lists requests with due dates, exports and erases a customer on request; staff without the customers permission cannot", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    const customer = await makeCustomerWithHistory(shop.id, owner.id, "Lim");
    const client = await signedIn(owner);
    await client.get("/admin/privacy");
    expect(client.lastHtml).toContain('data-testid="admin-privacy"');
    expect((await client.post("/admin/privacy", { intent: "export-customer", customer: "nobody@example.com" })).status).toBe(404);
    await client.get("/admin/privacy");
    expect((await client.post("/admin/privacy", { intent: "export-customer", customer: customer.email })).status).toBe(200);
    await client.get("/admin/privacy");
    expect((await client.post("/admin/privacy", { intent: "erase-customer", customer: customer.email, confirm: "DELETE" })).status).toBe(
      200,
    );
    const page = await client.get("/admin/privacy");
    expect(page.status).toBe(200);
    const html = htmlDecode(client.lastHtml);
    expect(html).toContain(customer.name);
    expect(html).toMatch(/data-due="\d{4}-\d{2}-\d{2}"/);
    const requests = await withShop(shop.id, (tx) =>
      tx.select().from(schema.privacyRequests).where(eq(schema.privacyRequests.subjectId, customer.id)),
    );
    expect(requests.map((r) => r.kind).sort()).toEqual(["deletion", "export"]);
    expect(requests.every((r) => r.requestedByUserId === owner.id)).toBe(true);

    const clerk = await makeUser();
    await addMember(shop.id, clerk.id, "staff", ["orders"]);
    const clerkClient = await signedIn(clerk);
    expect((await clerkClient.get("/admin/privacy")).status).toBe(403);
  });
});
