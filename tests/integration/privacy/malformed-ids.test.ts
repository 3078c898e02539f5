process.env.TRUST_PROXY = "1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { closeRedis } from "~/lib/redis.server";

import { signIn } from "../../helpers/auth";
import { makeShop, makeUser, PASSWORD, unique } from "../../helpers/factories";
import { uniquePhone } from "../../helpers/phones";
import { FormClient, startWeb } from "../../helpers/web";

/** Every id the privacy pages take from a form or a link: anything but a UUID is "not found" (404), never a 500. */
let web: Awaited<ReturnType<typeof startWeb>>;
let shop: { id: string; slug: string };
let owner: Awaited<ReturnType<typeof makeUser>>;

beforeAll(async () => {
  web = await startWeb();
  owner = await makeUser();
  shop = await makeShop(owner.id);
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
});

const MALFORMED = [
  "x",
  "1",
  "' or 1=1 --",
  "-".repeat(36),
  "0000000-0000-0000-0000-000000000000",
  "7d3c6b4e-1f2a-4b3c-8d9e-0a1b2c3d4e5fz",
  "%00",
  "🙂",
];

describe("malformed ids on the privacy pages", () => {
  it("answers 404 for every non-UUID request, address, shop, version and message id", async () => {
    const customer = new FormClient(web.url);
    customer.forwardedFor = "198.51.100.201";
    await customer.get(`/s/${shop.slug}/account/signup`);
    await customer.post(`/s/${shop.slug}/account/signup`, {
      ...customer.shownPolicies(),
      name: "Malformed Ids",
      email: `${unique("m")}@example.com`,
      phone: uniquePhone().local,
      password: PASSWORD,
      adult: "on",
    });
    const merchant = new FormClient(web.url);
    merchant.forwardedFor = "198.51.100.202";
    await signIn(merchant, owner);

    // Each client's CSRF token, from a page with a form (it stays valid for the session).
    await customer.get(`/s/${shop.slug}/account/privacy`);
    const customerCsrf = customer.csrfToken();
    await merchant.get("/admin/account/privacy");
    const merchantCsrf = merchant.csrfToken();
    for (const id of MALFORMED) {
      const cases: Array<[FormClient, string, Record<string, string>]> = [
        [customer, `/s/${shop.slug}/account/privacy`, { intent: "download", requestId: id }],
        [customer, `/s/${shop.slug}/account/privacy`, { intent: "cancel-deletion", requestId: id }],
        [customer, `/s/${shop.slug}/account/privacy`, { intent: "address-remove", addressId: id }],
        [customer, `/s/${shop.slug}/account/privacy`, { intent: "acknowledge-policy", versionId: id }],
        [merchant, "/admin/account/privacy", { intent: "download", requestId: id }],
        [merchant, "/admin/account/privacy", { intent: "cancel-deletion", requestId: id }],
        [merchant, "/admin/account/privacy", { intent: "close-shop", shopId: id, confirm: shop.slug }],
        [merchant, "/admin/privacy", { intent: "download", requestId: id }],
        [merchant, "/admin/account/policy", { versionId: id }],
      ];
      for (const [client, page, fields] of cases) {
        const res = await client.post(page, fields, { csrf: client === customer ? customerCsrf : merchantCsrf });
        expect(res.status, `${page} ${JSON.stringify(fields)}`).toBe(404);
      }
      const unsubscribe = await fetch(`${web.url}/s/${shop.slug}/unsubscribe/${encodeURIComponent(id)}?t=x`, { method: "POST" });
      expect(unsubscribe.status, `unsubscribe ${id}`).toBe(404);
    }
  });
});
