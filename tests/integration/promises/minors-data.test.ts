process.env.TRUST_PROXY = "1";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { requestExport } from "~/domain/privacy/requests.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase, schema, withShop } from "~db/client";

import { signIn } from "../../helpers/auth";
import { makeOperator } from "../../helpers/dropship";
import { makeShop, makeUser } from "../../helpers/factories";
import { makeCustomerWithHistory, rowsContaining } from "../../helpers/privacy";
import { FormClient, startWeb } from "../../helpers/web";

let web: Awaited<ReturnType<typeof startWeb>>;
beforeAll(async () => {
  web = await startWeb();
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

describe("promise: NetShop accounts are for people aged 18 or older — a minor's data is deleted promptly", () => {
  it("“prompt deletion of a minor's data”: an operator flags a customer as a minor and their data is deleted at once, with no cooling-off", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    const minor = await makeCustomerWithHistory(shop.id, owner.id, "Young");
    const operator = await makeOperator();
    const client = new FormClient(web.url);
    client.forwardedFor = "192.0.2.77";
    await signIn(client, operator);
    // The console lists every request, overdue ones first.
    const late = await requestExport(
      { kind: "customer", shopId: shop.id, customerId: minor.id },
      { contact: minor.email, now: new Date(Date.now() - 90 * 24 * 3600_000) },
    );
    await client.get("/platform/privacy");
    const rows = [...client.lastHtml.matchAll(/data-request-id="([^"]+)" data-overdue="(yes|no)"/g)].map((m) => m[2]);
    expect(rows.indexOf("no") === -1 || rows.lastIndexOf("yes") < rows.indexOf("no")).toBe(true);
    expect(client.lastHtml).toContain(`data-request-id="${late.id}" data-overdue="yes"`);

    expect((await client.post("/platform/privacy", { shop: shop.slug, customer: "nobody@example.com" })).status).toBe(404);
    await client.get("/platform/privacy");
    expect((await client.post("/platform/privacy", { shop: shop.slug, customer: minor.email })).status).toBe(200);
    const left = await rowsContaining([minor.email, minor.phone]);
    expect(left).toEqual([]);
    const [request] = await withShop(shop.id, (tx) =>
      tx
        .select()
        .from(schema.privacyRequests)
        .where(and(eq(schema.privacyRequests.subjectId, minor.id), eq(schema.privacyRequests.kind, "deletion"))),
    );
    expect(request).toMatchObject({ status: "done", minor: true });
  });

  it("only operators open the console", async () => {
    const merchant = await makeUser();
    const client = new FormClient(web.url);
    client.forwardedFor = "192.0.2.78";
    await signIn(client, merchant);
    expect([302, 403, 404]).toContain((await client.get("/platform/privacy")).status);
  });
});
