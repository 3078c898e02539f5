process.env.TRUST_PROXY = "1";
import { and, eq } from "drizzle-orm";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { prepareDataExport } from "~/flows/data-export-prepared.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { makeShop, makeUser, PASSWORD, unique } from "../../helpers/factories";
import { uniquePhone } from "../../helpers/phones";
import { FormClient, htmlDecode, startWeb } from "../../helpers/web";

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

async function signedUpCustomer(lng: "en" | "ms" | "zh" = "en") {
  const client = new FormClient(web.url);
  client.forwardedFor = `198.51.${Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 200)}`;
  expect((await client.post(`/s/${shop.slug}/locale`, { lng, redirectTo: `/s/${shop.slug}` }, { csrf: "" })).status).toBe(302);
  const email = `${unique("c")}@example.com`;
  await client.get(`/s/${shop.slug}/account/signup`);
  const res = await client.post(`/s/${shop.slug}/account/signup`, {
    ...client.shownPolicies(),
    name: "Farah Idris",
    email,
    phone: uniquePhone().local,
    password: PASSWORD,
    adult: "on",
    marketing: "on",
  });
  expect(res.status).toBe(302);
  const [customer] = await withShop(shop.id, (tx) =>
    tx
      .select()
      .from(schema.customers)
      .where(and(eq(schema.customers.shopId, shop.id), eq(schema.customers.email, email))),
  );
  return { client, email, customer };
}

describe("the storefront privacy page /s/:slug/account/privacy", () => {
  it("is private, needs a signed-in customer, and speaks en, ms and zh", async () => {
    const anonymous = await fetch(`${web.url}/s/${shop.slug}/account/privacy`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toContain("/account/login");
    for (const [lng, heading] of [
      ["en", "Your data and privacy"],
      ["ms", "Data dan privasi anda"],
      ["zh", "您的数据与隐私"],
    ] as const) {
      const { client } = await signedUpCustomer(lng);
      const page = await client.get(`/s/${shop.slug}/account/privacy`);
      expect(page.status).toBe(200);
      expect(page.headers.get("cache-control")).toBe("private, no-store");
      expect(htmlDecode(client.lastHtml)).toContain(heading);
    }
  });

  it("a customer exports (progress, then a short-lived download), corrects their name, withdraws consent and asks for deletion", async () => {
    const { client, customer } = await signedUpCustomer();
    await client.get(`/s/${shop.slug}/account/privacy`);
    expect((await client.post(`/s/${shop.slug}/account/privacy`, { intent: "export" })).status).toBe(200);
    await client.get(`/s/${shop.slug}/account/privacy`);
    expect(client.lastHtml).toContain('data-testid="export-progress"');
    const [request] = await withShop(shop.id, (tx) =>
      tx.select().from(schema.privacyRequests).where(eq(schema.privacyRequests.subjectId, customer.id)),
    );
    // The privacy worker's job, run here (this shared-database test runs no workers).
    expect(await prepareDataExport({ requestId: request.id, shopId: shop.id })).toBe("ready");
    await client.get(`/s/${shop.slug}/account/privacy`);
    const download = await client.post(`/s/${shop.slug}/account/privacy`, { intent: "download", requestId: request.id });
    expect(download.status).toBe(302);
    const zip = await fetch(download.headers.get("location")!);
    expect(zip.status).toBe(200);
    expect(Object.keys(unzipSync(new Uint8Array(await zip.arrayBuffer())))).toContain("profile.json");
    // Another customer's request id gives nothing.
    const stranger = await signedUpCustomer();
    const strangerPage = await stranger.client.get(`/s/${shop.slug}/account/privacy`);
    expect(strangerPage.status, stranger.client.lastHtml.slice(0, 300)).toBe(200);
    expect((await stranger.client.post(`/s/${shop.slug}/account/privacy`, { intent: "download", requestId: request.id })).status).toBe(410);

    // Correction (audited), with a clear message for an empty name.
    await client.get(`/s/${shop.slug}/account/privacy`);
    expect((await client.post(`/s/${shop.slug}/account/privacy`, { intent: "correct", name: "" })).status).toBe(400);
    expect(client.lastHtml).toContain("Enter your name.");
    expect((await client.post(`/s/${shop.slug}/account/privacy`, { intent: "correct", name: "Farah binti Idris" })).status).toBe(200);
    // Consent: both channels withdrawn at once, each recorded.
    expect((await client.post(`/s/${shop.slug}/account/privacy`, { intent: "consent" })).status).toBe(200);
    const [after] = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.customers)
        .where(and(eq(schema.customers.shopId, shop.id), eq(schema.customers.id, customer.id))),
    );
    expect(after).toMatchObject({ name: "Farah binti Idris", marketingConsent: false, marketingWhatsappConsent: false });
    const audits = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.targetId, customer.id), eq(schema.auditLog.action, "privacy.customer_corrected"))),
    );
    expect(audits).toHaveLength(1);

    // Deletion: typed confirmation, then the request with its dates; cancellable.
    await client.get(`/s/${shop.slug}/account/privacy`);
    expect((await client.post(`/s/${shop.slug}/account/privacy`, { intent: "delete", confirm: "yes" })).status).toBe(400);
    expect(htmlDecode(client.lastHtml)).toContain("Type DELETE in capitals to confirm.");
    expect((await client.post(`/s/${shop.slug}/account/privacy`, { intent: "delete", confirm: "DELETE" })).status).toBe(200);
    await client.get(`/s/${shop.slug}/account/privacy`);
    expect(client.lastHtml).toContain('data-testid="deletion-requested"');
    expect((await client.post(`/s/${shop.slug}/account/privacy`, { intent: "nonsense" })).status).toBe(400);
  });
});
