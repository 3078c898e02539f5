/** Where a person lands after signing in, before they have a merchant shop. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { closeRedis } from "~/lib/redis.server";
import { closeDatabase } from "~db/client";

import { signIn } from "../helpers/auth";
import { makeSupplier } from "../helpers/dropship";
import { makeUser } from "../helpers/factories";
import { FormClient, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

let web: Awaited<ReturnType<typeof startWeb>>;
beforeAll(async () => {
  web = await startWeb();
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

describe("signing in without a merchant shop", () => {
  it("takes a supplier to the supplier portal, not to 'Create your shop'", async () => {
    const supplier = await makeSupplier();
    const client = new FormClient(web.url);
    client.forwardedFor = "198.21.0.1";
    await signIn(client, supplier.user);
    const admin = await client.get("/admin");
    expect(admin.status).toBe(302);
    expect(admin.headers.get("location")).toBe("/supplier");
    expect((await client.get("/supplier")).status).toBe(200);
  });

  it("takes a new merchant to 'Create your shop'", async () => {
    const user = await makeUser();
    const client = new FormClient(web.url);
    client.forwardedFor = "198.21.0.2";
    await signIn(client, user);
    const admin = await client.get("/admin");
    expect(admin.headers.get("location")).toBe("/admin/shops/new");
  });
});
