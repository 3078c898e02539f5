/**
 * The fuzz test of issue 15 in the suite: about 1,000 generated hostile requests (paths, query
 * strings, headers, form, multipart and JSON bodies; every route of the build, every method it
 * accepts; signed in and anonymous) and not one 5xx or unescaped reflection. The generators live in
 * tests/helpers/fuzz.ts; `npm run fuzz -- --cases 20000` runs more against a running product.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, expect, it } from "vitest";

import { closeRedis } from "~/lib/redis.server";
import { closeDatabase } from "~db/client";

import { signIn } from "../helpers/auth";
import { makeShop, makeUser } from "../helpers/factories";
import { fuzz, type FuzzTarget, routesOf } from "../helpers/fuzz";
import { makeActiveProduct } from "../helpers/storefront";
import { FormClient, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1"; // each case comes from its own address, under the public rate limit

let web: Awaited<ReturnType<typeof startWeb>>;
let target: FuzzTarget;
let build: ServerBuild;

beforeAll(async () => {
  build = (await import(pathToFileURL(path.resolve(import.meta.dirname, "../../build/index.js")).href)) as ServerBuild;
  web = await startWeb();
  const owner = await makeUser();
  const shop = await makeShop(owner.id);
  await makeActiveProduct(shop.id, owner.id, { title: "Fuzz sarong" });
  const signedIn = new FormClient(web.url);
  signedIn.forwardedFor = "10.250.0.1";
  await signIn(signedIn, owner);
  await signedIn.get("/admin/account");
  const anonymous = new FormClient(web.url);
  anonymous.forwardedFor = "10.250.0.2";
  await anonymous.get("/login");
  target = {
    baseUrl: web.url,
    slug: shop.slug,
    signedInCookie: signedIn.cookieHeader(),
    signedInCsrf: signedIn.csrfToken(),
    anonymousCookie: anonymous.cookieHeader(),
    anonymousCsrf: anonymous.csrfToken(),
  };
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

it("no hostile request to any route gives a 5xx or reflects unescaped", async () => {
  const routes = routesOf(build);
  expect(routes.length).toBeGreaterThan(80);
  const result = await fuzz(routes, target, { cases: 1000 });
  expect(result.failures).toEqual([]);
  expect(result).toMatchObject({ cases: 1000, status5xx: 0, reflected: 0 });
}, 600_000);
