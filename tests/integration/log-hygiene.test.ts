/**
 * Nothing sensitive in the logs, and no error noise from hostile requests (issue 15): a real web
 * process in production's shape logs at debug level while it is signed in to (password and WhatsApp
 * code), sent wrong passwords, a webhook with its secret token, bearer tokens, tokens in query
 * strings, legacy `?_data=` and malformed `.data` requests, and a few hundred fuzz cases as an
 * anonymous visitor and as the signed-in owner. Its captured output must hold none of those
 * secrets, no error-level line, and no response may carry a stack trace.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, expect, it } from "vitest";

import { config } from "~/config.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase } from "~db/client";

import { signIn, whatsAppCode } from "../helpers/auth";
import { makeShop, makeUser } from "../helpers/factories";
import { fuzz, routesOf } from "../helpers/fuzz";
import { type AppProcess, startWebProcesses } from "../helpers/processes";
import { FormClient } from "../helpers/web";

process.env.TRUST_PROXY = "1";

const buildFile = path.resolve(import.meta.dirname, "../../build/index.js");
const output: string[] = [];
let web: AppProcess & { url: string };

beforeAll(async () => {
  web = await startWebProcesses(1, { env: { LOG_LEVEL: "debug", TRUST_PROXY: "1" }, output });
});
afterAll(async () => {
  await web?.stop();
  await closeRedis();
  await closeDatabase();
});

it("logs no password, code, token or cookie, and no error, during a hostile run", async () => {
  const secrets: string[] = [];
  const owner = await makeUser();
  const shop = await makeShop(owner.id);
  secrets.push(owner.password);

  const client = new FormClient(web.url);
  client.forwardedFor = "10.251.0.1";
  await signIn(client, owner);
  const code = await whatsAppCode(owner.phone); // the sign-in's second factor
  await client.get("/admin/account");
  const sessionCookie = client.cookieHeader();
  secrets.push(
    client.csrfToken(),
    ...sessionCookie
      .split(/;\s*/)
      .map((c) => c.split("=").slice(1).join("="))
      .filter((v) => v.length >= 16),
  );

  // Wrong passwords, at the admin and at the shop; a webhook with its secret; tokens in headers and queries.
  const wrong = `wrong-${randomBytes(8).toString("hex")}`;
  const bearer = `bearer-${randomBytes(12).toString("hex")}`;
  const queryToken = `qt-${randomBytes(12).toString("hex")}`;
  secrets.push(wrong, bearer, queryToken, config().WASSENGER_WEBHOOK_SECRET!);
  const stranger = new FormClient(web.url);
  stranger.forwardedFor = "10.251.0.2";
  await stranger.get("/login");
  expect((await stranger.post("/login", { email: owner.email, password: wrong })).status).toBe(401);
  await stranger.get(`/s/${shop.slug}/account/login`);
  expect((await stranger.post(`/s/${shop.slug}/account/login`, { email: owner.email, password: wrong })).status).toBe(400);
  const hook = await fetch(`${web.url}/webhooks/wassenger/${config().WASSENGER_WEBHOOK_SECRET}?token=${queryToken}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${bearer}`, "X-Forwarded-For": "10.251.0.3" },
    body: JSON.stringify({ event: "message:in:new", data: { id: "\u0000", body: wrong } }),
  });
  expect(hook.status).toBeLessThan(500);
  for (const url of [
    `/login?_data=routes%2Flogin&token=${queryToken}`,
    `/login?_data=constructor`,
    `/s/${shop.slug}.data?_routes=__proto__&token=${queryToken}`,
    `/admin.data?_routes=routes%2Fadmin`,
    `/password/reset?token=${queryToken}`,
  ]) {
    const res = await fetch(web.url + url, {
      headers: { Cookie: sessionCookie, Authorization: `Bearer ${bearer}`, "X-Forwarded-For": "10.251.0.4" },
    });
    expect(res.status, url).toBeLessThan(500);
    expect(await res.text(), url).not.toMatch(/\bat .{0,200}\.(js|ts|tsx):\d+:\d+/);
  }

  // A few hundred generated hostile requests, anonymous and signed in.
  const build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
  const anonymous = new FormClient(web.url);
  anonymous.forwardedFor = "10.251.0.5";
  await anonymous.get("/login");
  const result = await fuzz(
    routesOf(build, fs.readFileSync(buildFile, "utf8")),
    {
      baseUrl: web.url,
      slug: shop.slug,
      identities: [
        { role: "anonymous", cookie: anonymous.cookieHeader(), csrf: anonymous.csrfToken() },
        { role: "owner", cookie: sessionCookie, csrf: client.csrfToken() },
      ],
      ids: [shop.id, owner.id],
    },
    { cases: 300 },
  );
  expect(result.failures).toEqual([]);

  const logs = output.join("");
  expect(logs).toContain("request completed"); // the logs were captured, at debug level
  for (const secret of secrets) expect(logs.includes(secret), `a secret (${secret.slice(0, 4)}…) is in the logs`).toBe(false);
  expect(logs).not.toMatch(new RegExp(`(?<![\\w-])${code}(?![\\w-])`)); // as a word: not a run of digits inside an id
  const errors = logs
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { level: number; msg?: string })
    .filter((line) => line.level >= 50);
  expect(errors).toEqual([]);
}, 900_000); // a hostile run of thousands of requests; generous for a busy machine
