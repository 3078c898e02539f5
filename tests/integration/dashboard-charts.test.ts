/**
 * The dashboard's charts are server-rendered SVG, readable without JavaScript: the sales chart
 * has a y axis with values, a value on each bar and every period of the range on its x axis; top
 * products are a horizontal bar chart with long names cut and kept whole in <title>; the funnel
 * shows conversion rates.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getProduct } from "~/domain/catalog/products.server";
import { closeRedis } from "~/lib/redis.server";
import { closeDatabase } from "~db/client";

import { signIn } from "../helpers/auth";
import { makeProduct } from "../helpers/catalog";
import { makeShop, makeUser } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { FormClient, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

let web: Awaited<ReturnType<typeof startWeb>>;
let html = "";
const LONG = "Tudung bawal premium chiffon berkualiti tinggi edisi Hari Raya Aidilfitri";

beforeAll(async () => {
  web = await startWeb();
  const user = await makeUser();
  const shop = await makeShop(user.id);
  const kopi = await makeProduct(shop.id, user.id, { title: "Kopi Tenom", price: "25.00", stock: 500, status: "active" });
  const tudung = await makeProduct(shop.id, user.id, { title: LONG, price: "60.00", stock: 500, status: "active" });
  const v1 = (await getProduct(shop.id, kopi.productId))!.variants[0].id;
  const v2 = (await getProduct(shop.id, tudung.productId))!.variants[0].id;
  // 2 Nov and 4 Nov (KL); 3 Nov has no sales and must still be on the axis.
  await makeOrder(shop.id, { lines: [{ variantId: v1, quantity: 2 }], createdAt: new Date("2026-11-02T03:00:00Z") });
  await makeOrder(shop.id, { lines: [{ variantId: v2, quantity: 20 }], createdAt: new Date("2026-11-04T03:00:00Z") });
  const client = new FormClient(web.url);
  client.forwardedFor = `198.51.100.${Math.floor(Math.random() * 250)}`;
  await signIn(client, user);
  const res = await client.get("/admin?from=2026-11-01&to=2026-11-05&by=day");
  expect(res.status).toBe(200);
  html = await res.text();
});

afterAll(async () => {
  await web?.close();
  await closeRedis();
  await closeDatabase();
});

function svg(testId: string): string {
  const start = html.indexOf(`data-testid="${testId}"`);
  expect(start, `${testId} is on the page`).toBeGreaterThan(0);
  return html.slice(start, html.indexOf("</svg>", start));
}
/** The visible text of each <text> element (its <title> and React's comment markers left out). */
const texts = (fragment: string) =>
  [...fragment.matchAll(/<text[^>]*>(.*?)<\/text>/g)].map((m) =>
    m[1]
      .replace(/<title>.*?<\/title>/g, "")
      .replace(/<!-- -->|<[^>]+>/g, "")
      .replaceAll("&amp;", "&"),
  );

describe("dashboard charts without JavaScript", () => {
  it("sales: a y axis with nice values, the value of each bar, every day of the range", () => {
    const sales = svg("sales-chart");
    const axisStart = sales.indexOf('data-testid="sales-chart-y-axis"');
    const axis = sales.slice(axisStart, sales.indexOf("</g></g>", axisStart));
    // RM 58 and RM 1,208 (with shipping): the axis runs from 0 past the highest bar in nice steps.
    const ticks = texts(axis);
    expect(ticks).toEqual(["0", "200", "400", "600", "800", "1k", "1.2k", "1.4k"]);
    expect(texts(sales)).toEqual(expect.arrayContaining(["58", "1.2k"]));
    for (const day of ["1/11", "2/11", "3/11", "4/11", "5/11"]) expect(texts(sales)).toContain(day);
    expect(sales).toContain("<title>2026-11-04: RM");
    expect(sales).toMatch(/2026-11-04: RM\s?1,208\.00/);
  });

  it("top products: a horizontal bar chart with the long name cut and whole in its title", () => {
    const top = svg("top-products");
    expect(top).toContain(`<title>${LONG}</title>`);
    const label = texts(top).find((t) => t.startsWith("Tudung"))!;
    expect(label.endsWith("…")).toBe(true);
    expect(Array.from(label).length).toBeLessThanOrEqual(28);
    expect(top).toContain("20 sold");
    expect(top).toContain("Kopi Tenom");
  });

  it("funnel: counts and conversion rates", () => {
    const funnel = svg("funnel-chart");
    expect(texts(funnel)).toEqual(expect.arrayContaining(["Visits", "Carts", "Checkouts", "Orders"]));
    // No visits were recorded (no analytics consent here): the rates say "–", not NaN or Infinity.
    expect(funnel).toContain("– from the step before");
    expect(funnel).not.toMatch(/NaN|Infinity/);
    expect(html).toMatch(/data-testid="funnel-chart-overall"[^>]*>Visits that became orders/);
  });
});
