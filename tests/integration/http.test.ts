import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { closeRedis } from "~/lib/redis.server";
import { closeDatabase } from "~db/client";

import { makeShop, makeUser } from "../helpers/factories";
import { startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1"; // to see HSTS behind a TLS-terminating proxy

let web: Awaited<ReturnType<typeof startWeb>>;
beforeAll(async () => {
  web = await startWeb();
});
afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

describe("HTTP layer", () => {
  it("answers liveness and readiness", async () => {
    const health = await fetch(`${web.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${web.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: { postgres: { ok: true }, redis: { ok: true } } });
  });

  it("sends security headers, with a per-request script nonce", async () => {
    const a = await fetch(`${web.url}/login`);
    const b = await fetch(`${web.url}/login`);
    const csp = a.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    const nonce = csp.match(/'nonce-([^']+)'/)![1];
    expect(b.headers.get("content-security-policy")).not.toContain(nonce);
    expect(await a.text()).toContain(`nonce="${nonce}"`);
    expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    expect(a.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(a.headers.get("x-frame-options")).toBe("DENY");
    expect(a.headers.get("x-powered-by")).toBeNull();
    expect(a.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("base-uri 'self'");
    expect(a.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(a.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    expect(a.headers.get("permissions-policy")).toContain("camera=()");
    expect(a.headers.get("permissions-policy")).toContain("geolocation=()");
    expect(a.headers.get("strict-transport-security")).toBeNull(); // plain HTTP
    const https = await fetch(`${web.url}/login`, { headers: { "X-Forwarded-Proto": "https" } });
    expect(https.headers.get("strict-transport-security")).toMatch(/max-age=31536000/);
  });

  it("never lets pages with personal data or secrets be cached", async () => {
    for (const path of ["/login", "/signup", "/password/forgot", "/admin", "/invite?token=x"]) {
      const res = await fetch(`${web.url}${path}`, { redirect: "manual" });
      expect(res.headers.get("cache-control"), path).toBe("no-store");
    }
    expect((await fetch(`${web.url}/legal/terms`)).headers.get("cache-control")).toBeNull();
  });

  it("sets cookies HttpOnly and SameSite, and __Host- cookies over HTTPS", async () => {
    const res = await fetch(`${web.url}/login`, { headers: { "X-Forwarded-Proto": "https" } });
    const csrf = res.headers.getSetCookie().find((c) => c.startsWith("__Host-csrf="))!;
    expect(csrf).toMatch(/HttpOnly/);
    expect(csrf).toMatch(/Secure/);
    expect(csrf).toMatch(/SameSite=Lax/);
    expect(csrf).toMatch(/Path=\//);
  });

  it("compresses pages", async () => {
    const res = await fetch(`${web.url}/signup`, { headers: { "Accept-Encoding": "gzip" } });
    expect(res.headers.get("content-encoding")).toBe("gzip");
  });

  it("renders a shop's storefront root and a 404 page for an unknown shop", async () => {
    const shop = await makeShop((await makeUser()).id, { name: "Kedai Kopi Pak Mat" });
    const res = await fetch(`${web.url}/s/${shop.slug}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Kedai Kopi Pak Mat");
    expect(html).toContain("No products yet");
    const missing = await fetch(`${web.url}/s/no-such-shop-here`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("Shop not found");
    expect((await fetch(`${web.url}/definitely/not/a/page`)).status).toBe(404);
  });

  it("sends people who are not signed in to the login page, and back afterwards", async () => {
    const res = await fetch(`${web.url}/admin`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Fadmin");
  });
});
