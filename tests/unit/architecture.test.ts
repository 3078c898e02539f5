import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The layering DESIGN.md asks for, checked on every run: routes -> domain -> db/integrations.
const root = path.resolve(import.meta.dirname, "../..");
function files(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ts|tsx)$/.test(f))
    .map((f) => path.join(dir, f));
}
const imports = (file: string) =>
  [...fs.readFileSync(path.join(root, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]);

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
});
