/**
 * The permission matrix: every admin route (found in the built app, so routes added later are
 * covered without editing this file) × every role. Each loader and action must declare what it
 * needs (adminLoader / adminAction); the test then checks over HTTP that the server refuses
 * exactly the people whose role does not allow it.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Guard } from "~/domain/accounts/access.server";
import { allows, AREAS, type Membership, PERMISSIONS } from "~/domain/accounts/permissions";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase } from "~db/client";

import { signIn } from "../helpers/auth";
import { addMember, makeShop, makeUser, onPlan } from "../helpers/factories";
import { FormClient, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

interface AdminRoute {
  id: string;
  path: string;
  loader?: Guard | "missing";
  action?: Guard | "missing";
}

async function adminRoutes(): Promise<AdminRoute[]> {
  const build = (await import(pathToFileURL(path.resolve(import.meta.dirname, "../../build/index.js")).href)) as ServerBuild;
  const fullPath = (id: string): string => {
    const route = build.routes[id];
    const own = route.path ?? "";
    const parent = route.parentId ? fullPath(route.parentId) : "";
    return [parent, own].filter(Boolean).join("/");
  };
  const guardOf = (fn: unknown): Guard | "missing" | undefined =>
    typeof fn !== "function" ? undefined : ((fn as { guard?: Guard }).guard ?? "missing");
  return Object.values(build.routes)
    .map((r) => ({ id: r.id, path: `/${fullPath(r.id)}`, loader: guardOf(r.module.loader), action: guardOf(r.module.action) }))
    .filter((r) => r.path === "/admin" || r.path.startsWith("/admin/"));
}

let web: Awaited<ReturnType<typeof startWeb>>;
let routes: AdminRoute[];
interface Principal {
  name: string;
  membership: Membership;
  client: FormClient;
  csrf: string;
}
const principals: Principal[] = [];
// Everyone but the owner (made first, with the shop).
const cast: Array<{ name: string; membership: Membership }> = [
  { name: "admin", membership: { role: "admin", permissions: [] } },
  { name: "staff without areas", membership: { role: "staff", permissions: [] } },
  { name: "staff with every area", membership: { role: "staff", permissions: [...AREAS] } },
  ...AREAS.map((area) => ({ name: `staff with ${area}`, membership: { role: "staff" as const, permissions: [area] } })),
];
const castNames = ["owner", ...cast.map((p) => p.name)];
let memberId = "";

beforeAll(async () => {
  web = await startWeb();
  routes = await adminRoutes();
  const owner = await makeUser();
  const shop = await makeShop(owner.id);
  // Every plan feature on, so a 403 here is the role's answer, never the plan's (billing-features.test.ts has those).
  await onPlan(shop.id, "pro");
  const people = [{ name: "owner", membership: { role: "owner" as const, permissions: [] }, user: owner }];
  for (const p of cast) {
    const user = await makeUser();
    await addMember(shop.id, user.id, p.membership.role as "admin" | "staff", [...p.membership.permissions]);
    people.push({ ...p, user } as (typeof people)[number]);
  }
  memberId = people[2].user.id;
  await Promise.all(
    people.map(async (p, i) => {
      const client = new FormClient(web.url);
      client.forwardedFor = `198.18.${i}.${Math.floor(Math.random() * 250)}`;
      await signIn(client, p.user);
      await client.get("/admin/account");
      principals.push({ name: p.name, membership: p.membership, client, csrf: client.csrfToken() });
    }),
  );
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

const concrete = (routePath: string) =>
  routePath.replace(/:userId\b/g, memberId).replace(/:[A-Za-z]+/g, "00000000-0000-4000-8000-000000000000");

describe("permission matrix", () => {
  it("finds the admin routes, and every loader and action declares a known permission", () => {
    expect(routes.map((r) => r.path)).toEqual(
      expect.arrayContaining(["/admin", "/admin/staff", "/admin/settings", "/admin/audit", "/admin/account"]),
    );
    const undeclared = routes.flatMap((r) =>
      (["loader", "action"] as const)
        .filter((k) => r[k] === "missing")
        .map((k) => `${r.id} exports a ${k} without adminLoader/adminAction`),
    );
    expect(undeclared).toEqual([]);
    for (const r of routes) {
      for (const guard of [r.loader, r.action]) if (guard && guard !== "missing") expect(PERMISSIONS).toContain(guard.permission);
    }
  });

  it("sends people who are not logged in to the login page, from every admin route", async () => {
    const anonymous = new FormClient(web.url);
    await anonymous.get("/login");
    const csrf = anonymous.csrfToken();
    for (const r of routes) {
      const url = concrete(r.path);
      if (r.loader) expect((await anonymous.get(url)).headers.get("location"), `GET ${url}`).toMatch(/^\/login\?redirectTo=/);
      if (r.action)
        expect((await anonymous.post(url, {}, { csrf })).headers.get("location"), `POST ${url}`).toMatch(/^\/login\?redirectTo=/);
    }
  });

  // One test per person, walking every admin route: each gets its own time budget, so a busy machine
  // slows the matrix down without failing it (the whole matrix is well over a thousand requests).
  it.each(castNames)(
    "lets %s through exactly where their permissions allow, for loaders and actions",
    async (name) => {
      const p = principals.find((principal) => principal.name === name)!;
      const mismatches: string[] = [];
      let requests = 0;
      for (const r of routes) {
        const url = concrete(r.path);
        for (const kind of ["loader", "action"] as const) {
          const guard = r[kind];
          if (!guard || guard === "missing") continue;
          const res = kind === "loader" ? await p.client.get(url) : await p.client.post(url, {}, { csrf: p.csrf });
          requests++;
          const refused = res.status === 403;
          const loggedOut = (res.headers.get("location") ?? "").startsWith("/login");
          const expected = allows(p.membership, guard.permission);
          if (loggedOut || refused === expected)
            mismatches.push(
              `${p.name} → ${kind === "loader" ? "GET" : "POST"} ${url} (${guard.permission}): ${res.status}${loggedOut ? " to login" : ""}, expected ${expected ? "allowed" : "403"}`,
            );
        }
      }
      expect(mismatches.sort()).toEqual([]);
      expect(requests).toBeGreaterThan(10);
    },
    600_000,
  );

  it("explains a refusal in words", async () => {
    const limited = principals.find((p) => p.name === "staff with orders")!;
    const res = await limited.client.get("/admin/settings");
    expect(res.status).toBe(403);
    expect(limited.client.lastHtml).toContain("Your role in this shop does not include Settings. Ask the shop&#x27;s owner for access.");
    await limited.client.get("/admin");
    expect(limited.client.lastHtml).not.toContain('href="/admin/settings"'); // not offered in the navigation either
    const admin = principals.find((p) => p.name === "admin")!;
    await admin.client.get("/admin");
    expect(admin.client.lastHtml).toContain('href="/admin/settings"');
    expect(admin.client.lastHtml).not.toContain('href="/admin/staff"');
  });
});
