/**
 * The fuzz test of issue 15 in the suite: about 1,000 generated requests over every route of the
 * build and every method it accepts — most of them well-formed (valid CSRF token, own Origin, the
 * right Content-Type, the route's own field names, real ids of this shop and of another tenant)
 * with hostile values, the rest malformed — as an anonymous visitor, a storefront customer, a shop
 * owner, a staff member without permissions, a supplier and a platform operator; not one 5xx or
 * unescaped reflection. The generators live in tests/helpers/fuzz.ts; `npm run fuzz -- --cases
 * 20000` runs more against a running product.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { ServerBuild } from "@remix-run/node";
import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";

import { closeRedis } from "~/lib/redis.server";
import { closeDatabase } from "~db/client";

import { signIn } from "../helpers/auth";
import { sellable } from "../helpers/checkout";
import { makeOperator, makeSupplier } from "../helpers/dropship";
import { addMember, makeShop, makeUser } from "../helpers/factories";
import { fuzz, type FuzzIdentity, type FuzzTarget, routesOf } from "../helpers/fuzz";
import { makeOrder } from "../helpers/orders";
import { makeCollection } from "../helpers/storefront";
import { FormClient, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1"; // each case comes from its own address, under the public rate limit

const buildFile = path.resolve(import.meta.dirname, "../../build/index.js");
let web: Awaited<ReturnType<typeof startWeb>>;
let target: FuzzTarget;
let build: ServerBuild;
let ip = 0;

async function session(role: string, user: { email: string; password: string; phone: string } | null, page: string): Promise<FuzzIdentity> {
  const client = new FormClient(web.url);
  client.forwardedFor = `10.250.0.${++ip}`;
  if (user) await signIn(client, user);
  await client.get(page);
  return { role, cookie: client.cookieHeader(), csrf: client.csrfToken() };
}

/** A shop with a product, a collection and an order: the ids a case can aim at. */
async function shopWithRows(ownerId: string) {
  const shop = await makeShop(ownerId);
  const product = await sellable(shop.id, ownerId, { stock: 5, title: "Fuzz sarong" });
  const collectionId = await makeCollection(shop.id, "Fuzz picks");
  const order = await makeOrder(shop.id, { lines: [{ variantId: product.variantId, quantity: 1 }], paid: true });
  return { shop, ids: [shop.id, product.productId, product.variantId, collectionId, order.id], handles: [product.handle] };
}

beforeAll(async () => {
  build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
  web = await startWeb();
  const owner = await makeUser();
  const own = await shopWithRows(owner.id);
  const other = await shopWithRows((await makeUser()).id); // another tenant's rows: never reachable
  const staff = await makeUser();
  await addMember(own.shop.id, staff.id, "staff", []);
  const supplier = await makeSupplier();
  const operator = await makeOperator();

  const customer = new FormClient(web.url);
  customer.forwardedFor = `10.250.0.${++ip}`;
  await customer.get(`/s/${own.shop.slug}/account/signup`);
  const signup = await customer.post(`/s/${own.shop.slug}/account/signup`, {
    ...customer.shownPolicies(),
    name: "Fuzz Customer",
    email: `fuzz-${Date.now()}@example.com`,
    phone: "",
    password: "a long fuzzing passphrase 2026",
    adult: "on",
  });
  expect(signup.status).toBe(302);
  await customer.get(`/s/${own.shop.slug}/account`);

  target = {
    baseUrl: web.url,
    slug: own.shop.slug,
    identities: [
      await session("anonymous", null, "/login"),
      { role: "customer", cookie: customer.cookieHeader(), csrf: customer.csrfToken() },
      await session("owner", owner, "/admin/account"),
      await session("staff", staff, "/admin/account"),
      await session("supplier", supplier.user, "/admin/account"),
      await session("operator", operator, "/admin/account"),
    ],
    ids: [...own.ids, ...other.ids, supplier.shopId, owner.id, staff.id],
    handles: [...own.handles, ...other.handles, other.shop.slug],
    image: await sharp({ create: { width: 64, height: 48, channels: 3, background: "#0f766e" } })
      .png()
      .toBuffer(),
  };
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

it("no hostile request to any route gives a 5xx or reflects unescaped, and most reach the routes", async () => {
  const routes = routesOf(build, fs.readFileSync(buildFile, "utf8"));
  expect(routes.length).toBeGreaterThan(80);
  // The route's own field names come from its code: the login route reads email and password.
  expect(routes.find((r) => r.id === "routes/login")?.names).toEqual(expect.arrayContaining(["email", "password"]));
  const result = await fuzz(routes, target, { cases: 1000 });
  expect(result.failures).toEqual([]);
  expect(result).toMatchObject({ cases: 1000, status5xx: 0, reflected: 0, stackTraces: 0 });
  // Most cases are answered by the routes themselves, not the guard's 400/403/415.
  const guarded = (result.statuses[400] ?? 0) + (result.statuses[403] ?? 0) + (result.statuses[415] ?? 0);
  expect(guarded).toBeLessThan(result.cases / 2);
}, 1_200_000); // thousands of requests; generous for a busy machine
