import fs from "node:fs";
import path from "node:path";

import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";

import { asPlatform, closeDatabase } from "~db/client";

/**
 * The privacy page: “We never see or store card data: customers pay on the payment gateway's own
 * secure page.” Proved on the schema (no column could hold card data), on the code that talks to
 * gateways (it never sends or reads a card field) and on our pages (no form asks for one). The
 * hosted-page redirect itself is exercised end to end in payments.test.ts.
 */
afterAll(async () => {
  await closeDatabase();
});

const root = path.resolve(import.meta.dirname, "../../..");
const CARD_COLUMN =
  /(^|_)(card|cards|pan|cvv|cvc|cvv2|ccv|card_expiry|expiry_date|exp_month|exp_year|card_number|security_code|track_data)(_|$)/;
const CARD_FIELD = /card[_-]?(number|no|holder|expiry)|\bcvv\b|\bcvc\b|\bcvv2\b|security[_-]?code|exp[_-]?(month|year)|\bpan\b/i;

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ts|tsx)$/.test(f))
    .map((f) => path.join(root, dir, f));
}

describe("promise: “We never see or store card data”", () => {
  it("“we never store card data”: no table has a column that could hold a card number, its expiry or its security code", async () => {
    const columns = await asPlatform((tx) =>
      tx.execute<{ table_name: string; column_name: string }>(sql`
        select table_name, column_name from information_schema.columns where table_schema = 'public' order by 1, 2`),
    );
    expect(columns.length).toBeGreaterThan(100);
    expect(columns.filter((c) => CARD_COLUMN.test(c.column_name)).map((c) => `${c.table_name}.${c.column_name}`)).toEqual([]);
  });

  it("“we never see card data”: the gateway integrations send and read no card field, and no page of ours has a card input", () => {
    const gatewayFiles = sources("app/integrations").filter((f) => /billplz|payseller|payment-gateway/.test(f));
    expect(gatewayFiles.length).toBeGreaterThanOrEqual(3);
    for (const file of gatewayFiles) {
      const code = fs
        .readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "");
      expect(code.match(CARD_FIELD)?.[0], path.relative(root, file)).toBeUndefined();
    }
    for (const file of [...sources("app/routes"), ...sources("app/ui")]) {
      const inputs = [...fs.readFileSync(file, "utf8").matchAll(/name=["{`']([^"}`']+)/g)].map((m) => m[1]);
      expect(
        inputs.filter((n) => CARD_FIELD.test(n) || /^card/i.test(n)),
        path.relative(root, file),
      ).toEqual([]);
      expect(fs.readFileSync(file, "utf8"), path.relative(root, file)).not.toMatch(/autoComplete="cc-/);
    }
  });
});
