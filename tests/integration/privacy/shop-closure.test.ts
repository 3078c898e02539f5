process.env.TRUST_PROXY = "1";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { COOLING_OFF_MS } from "~/domain/privacy/requests.server";
import { eraseRequestedData } from "~/flows/data-deleted.server";
import { closeRedis } from "~/lib/redis.server";
import { asPlatform, closeDatabase, schema, withShop } from "~db/client";

import { signIn } from "../../helpers/auth";
import { addMember, makeShop, makeUser } from "../../helpers/factories";
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

describe("an owner's deletion goes through closing their shop", () => {
  it("closes the shop (storefront offline, subscription cancelled, audited), then the held deletion proceeds", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    const staff = await makeUser();
    await addMember(shop.id, staff.id, "staff", ["orders", "settings", "billing"]);
    expect((await fetch(`${web.url}/s/${shop.slug}`)).status).toBe(200);

    const client = await signedIn(owner);
    await client.get("/admin/account/privacy");
    expect((await client.post("/admin/account/privacy", { intent: "delete", confirm: "DELETE" })).status).toBe(200);
    const [request] = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.privacyRequests)
        .where(and(eq(schema.privacyRequests.subjectId, owner.id), eq(schema.privacyRequests.kind, "deletion"))),
    );
    const later = new Date(Date.now() + COOLING_OFF_MS + 60_000);
    expect(await eraseRequestedData({ requestId: request.id, shopId: null }, later)).toBe("held-open-shops");

    // The page explains what closing means and asks for the shop's address.
    await client.get("/admin/account/privacy");
    expect(client.lastHtml).toContain('data-testid="close-shop"');
    expect(htmlDecode(client.lastHtml)).toContain("Your subscription is cancelled; nothing more is charged.");
    expect((await client.post("/admin/account/privacy", { intent: "close-shop", shopId: shop.id, confirm: "wrong" })).status).toBe(400);
    expect(htmlDecode(client.lastHtml)).toContain("Type the shop's address exactly to confirm.");
    // A malformed id, or a shop one only works in, is not theirs to close.
    expect((await client.post("/admin/account/privacy", { intent: "close-shop", shopId: "x", confirm: shop.slug })).status).toBe(404);
    const staffClient = await signedIn(staff);
    await staffClient.get("/admin/account/privacy");
    expect((await staffClient.post("/admin/account/privacy", { intent: "close-shop", shopId: shop.id, confirm: shop.slug })).status).toBe(
      404,
    );

    await client.get("/admin/account/privacy");
    expect((await client.post("/admin/account/privacy", { intent: "close-shop", shopId: shop.id, confirm: shop.slug })).status).toBe(200);
    const [row] = await asPlatform((tx) => tx.select().from(schema.shops).where(eq(schema.shops.id, shop.id)));
    expect(row.status).toBe("closed");
    const [subscription] = await withShop(shop.id, (tx) => tx.select().from(schema.shopPlans).where(eq(schema.shopPlans.shopId, shop.id)));
    expect(subscription.status).toBe("cancelled");
    expect(subscription.cancelledAt).not.toBeNull();
    const actions = (
      await withShop(shop.id, (tx) =>
        tx.select({ action: schema.auditLog.action }).from(schema.auditLog).where(eq(schema.auditLog.shopId, shop.id)),
      )
    ).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["shop.closed", "billing.subscription_changed"]));
    // The storefront is offline (every web process hears the row change; wait for this one's cache).
    await expect.poll(async () => (await fetch(`${web.url}/s/${shop.slug}`)).status).toBe(404);
    // The held deletion was queued again...
    const jobs = await asPlatform((tx) =>
      tx
        .select()
        .from(schema.outbox)
        .where(and(eq(schema.outbox.jobName, "erase"), sql`${schema.outbox.payload}->>'requestId' = ${request.id}`)),
    );
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    // ...and now goes ahead.
    expect(await eraseRequestedData({ requestId: request.id, shopId: null }, later)).toBe("done");
    const [user] = await asPlatform((tx) => tx.select().from(schema.users).where(eq(schema.users.id, owner.id)));
    expect(user.email).not.toBe(owner.email);
  });
});
