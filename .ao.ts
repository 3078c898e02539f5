import postgres from "postgres";
import { benchEnvironment } from "./bench/environment";
import { adminListClient } from "./bench/admin-list";
import { ORDERS_SHOP_SLUG } from "./bench/seed-orders";
const services = await benchEnvironment();
const stops: Array<() => Promise<void>> = [services.stop];
const { config, databaseUrls } = await import("~/config.server");
const { listOrders, OrderListQuerySchema } = await import("~/domain/orders/order-list.server");
const sql = postgres(databaseUrls(config()).platform, { max: 1, onnotice: () => {} });
const [shop] = await sql`select s.id, m.user_id from shops s join shop_memberships m on m.shop_id = s.id where s.slug = ${ORDERS_SHOP_SLUG}`;
await sql.end();
const { get } = await adminListClient("/admin/orders", shop.user_id, stops);
const queries = ["", "?sort=oldest", "?sort=total", "?status=processing", "?status=pending_payment", "?payment=refunded", "?fulfilment=unfulfilled",
  "?fulfilment=partially_fulfilled&sort=oldest", "?source=dropship", "?from=2026-03-01&to=2026-03-31", "?q=aisyah", "?q=wei%20ling%20wong",
  "?q=%2354321", "?q=customer1234%40example.my", "?q=012-100%204321"];
for (const q of queries) await get(q);
const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const q of queries) {
  const http: number[] = [], dom: number[] = [];
  const query = OrderListQuerySchema.parse(Object.fromEntries(new URLSearchParams(q)));
  for (let i = 0; i < 5; i++) {
    http.push((await get(q)).ms);
    const t = performance.now(); await listOrders(shop.id, query); dom.push(performance.now() - t);
  }
  console.log(q.padEnd(45), "http", med(http).toFixed(1), "listOrders", med(dom).toFixed(1));
}
for (const s of stops) await s().catch(() => {});
process.exit(0);
