import fs from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

// The layering docs/DEVELOPING.md ("Where things go") and docs/decisions/0005-flows-layer.md ask
// for, checked on every run: routes, workers -> flows -> domain -> db/integrations.
const root = path.resolve(import.meta.dirname, "../..");
function files(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ts|tsx)$/.test(f))
    .map((f) => path.join(dir, f));
}
const imports = (file: string) =>
  [...fs.readFileSync(path.join(root, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]);

/** Where an import points inside the repository ("app/domain/orders/paid.server"), or null for a package. */
function target(file: string, specifier: string): string | null {
  if (specifier.startsWith("~/")) return path.posix.join("app", specifier.slice(2));
  if (specifier.startsWith("~db/")) return path.posix.join("db", specifier.slice(4));
  if (specifier.startsWith(".")) return path.posix.join(path.posix.dirname(file.split(path.sep).join("/")), specifier);
  return null;
}
const areaOf = (p: string) => /^app\/domain\/([^/]+)\//.exec(p)?.[1];

describe("architecture", () => {
  it("routes never import db/ or integrations/ directly", () => {
    const offenders = files("app/routes").flatMap((f) =>
      imports(f)
        .filter(
          (i) =>
            i.startsWith("~db/") || i.includes("/db/") || i.includes("integrations/") || i === "postgres" || i.startsWith("drizzle-orm"),
        )
        .map((i) => `${f} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it("domain code never imports React or routes", () => {
    const offenders = files("app/domain").flatMap((f) =>
      imports(f)
        .filter((i) => i === "react" || i.startsWith("react-dom") || i.startsWith("@remix-run/react") || i.includes("/routes/"))
        .map((i) => `${f} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it("only the HTTP layer and scripts touch Express", () => {
    const offenders = [...files("app/domain"), ...files("app/routes"), ...files("app/integrations")].filter((f) =>
      imports(f).includes("express"),
    );
    expect(offenders).toEqual([]);
  });

  it("configuration is read only through app/config.server.ts", () => {
    const offenders = [...files("app"), ...files("workers"), ...files("db")].filter(
      (f) =>
        !f.endsWith("config.server.ts") && /process\.env\.(?!NETSHOP_PROCESS)[A-Z_]+/.test(fs.readFileSync(path.join(root, f), "utf8")),
    );
    expect(offenders).toEqual([]);
  });

  it("admin guards are marked pure, so the browser build drops them (their module is server-only)", () => {
    const offenders = files("app/routes").flatMap((f) =>
      [...fs.readFileSync(path.join(root, f), "utf8").matchAll(/=\s*(\/\*\s*@__PURE__\s*\*\/\s*)?(adminLoader|adminAction)\(/g)]
        .filter((m) => !m[1])
        .map((m) => `${f}: write \`= /* @__PURE__ */ ${m[2]}(\``),
    );
    expect(offenders).toEqual([]);
  });

  it("domain code never imports flows, and flows never import routes or React", () => {
    const offenders = [
      ...files("app/domain").flatMap((f) =>
        imports(f)
          .filter((i) => target(f, i)?.startsWith("app/flows/"))
          .map((i) => `${f} imports ${i}`),
      ),
      ...files("app/flows").flatMap((f) =>
        imports(f)
          .filter((i) => i === "react" || i.startsWith("@remix-run/react") || target(f, i)?.startsWith("app/routes/"))
          .map((i) => `${f} imports ${i}`),
      ),
    ];
    expect(offenders).toEqual([]);
  });

  it("the orders area imports nothing of dropship, accounting, storefront, checkout or billing (a flow puts them together)", () => {
    const offenders = files("app/domain/orders").flatMap((f) =>
      imports(f)
        .filter((i) => ["dropship", "accounting", "storefront", "checkout", "billing"].includes(areaOf(target(f, i) ?? "") ?? ""))
        .map((i) => `${f} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it("no area of app/domain imports another in a circle", () => {
    const edges = new Map<string, Map<string, string>>(); // area -> area -> one file that makes the edge
    for (const f of files("app/domain")) {
      const from = areaOf(f.split(path.sep).join("/"))!;
      for (const i of imports(f)) {
        const to = areaOf(target(f, i) ?? "");
        if (to && to !== from && !edges.get(from)?.has(to)) edges.set(from, (edges.get(from) ?? new Map()).set(to, `${f} imports ${i}`));
      }
    }
    const circles: string[] = [];
    const visit = (area: string, trail: string[]) => {
      for (const [next, why] of edges.get(area) ?? []) {
        const at = trail.indexOf(next);
        if (at >= 0) {
          if (next === trail[0]) circles.push([...trail, next].join(" -> ") + ` (${why})`);
          continue;
        }
        if (next > trail[0]) visit(next, [...trail, next]);
      }
    };
    for (const area of [...edges.keys()].sort()) visit(area, [area]);
    expect(circles).toEqual([]);
  });
});
