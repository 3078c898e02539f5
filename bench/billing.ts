/**
 * `npm run bench:billing [-- --shops 10000]`: seeds `--shops` merchant shops on a paid monthly
 * Starter plan whose period ends in 3 days (slugs `bill-bench-*`, replaced on every run), then runs
 * the billing cycle through the real job path twice with the same injected clock: a
 * `maintenance:billing-cycle` job (what the job scheduler adds every 15 minutes, here carrying the
 * clock) on the maintenance queue, run by the maintenance worker. The first run issues each shop's
 * renewal invoice and queues its pay link by WhatsApp and email; the second must issue none.
 * Checks exactly one renewal invoice per shop and period (counted in the database) and prints
 * `billing renewals: shops=<n> invoices=<n> seconds=<s> per_second=<n> second_run_invoices=<n> duplicates=<n>`.
 * The job advances every shop due at the clock; other shops of the bench database that were due
 * are counted in `other_due=` (none when the database holds only benchmark data). Exits 1 when a
 * figure is not exact.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

import postgres from "postgres";

import { benchEnvironment } from "./environment";

const { values } = parseArgs({
  options: { shops: { type: "string", default: "10000" } },
});
const shopCount = Math.max(1, Number(values.shops));

const environment = await benchEnvironment();
const { config, databaseUrls } = await import("~/config.server");
const { hashPassword } = await import("~/domain/accounts/passwords.server");
const { shopsDue } = await import("~/flows/billing-cycle.server");
const { runBillingCycleJob, startMaintenanceWorker } = await import("../workers/maintenance");
const { closeDatabase } = await import("~db/client");
const { closeRedis } = await import("~/lib/redis.server");

const DAY = 86_400_000;
// The injected clock: a fixed instant, so the figures do not depend on when the bench runs.
const now = new Date("2027-03-10T04:00:00Z");
const periodStart = new Date("2027-02-12T16:00:00Z"); // 13 Feb, midnight in Kuala Lumpur
const periodEnd = new Date(now.getTime() + 3 * DAY);

const sql = postgres(databaseUrls(config()).platform, { max: 4, onnotice: () => {} });
let code = 0;
try {
  console.error("replacing the earlier billing bench shops…");
  await sql`delete from users where email like '%@bill-bench.netshop.local'`;
  await sql`delete from shops where slug like 'bill-bench-%'`;
  const passwordHash = await hashPassword("bench-billing-password");
  const shopIds = Array.from({ length: shopCount }, () => randomUUID());
  const userIds = Array.from({ length: shopCount }, () => randomUUID());
  const label = (i: number) => `bill-bench-${String(i).padStart(5, "0")}`;
  for (let from = 0; from < shopCount; from += 5000) {
    const idx = Array.from({ length: Math.min(5000, shopCount - from) }, (_, k) => from + k);
    await sql`insert into users (id, email, name, phone, password_hash, adult_confirmed_at, terms_accepted_at, terms_version)
      select id, email, name, phone, ${passwordHash}, now(), now(), '2026-11-01'
        from unnest(${idx.map((i) => userIds[i])}::uuid[], ${idx.map((i) => `${label(i)}@bill-bench.netshop.local`)}::text[],
                    ${idx.map((i) => `Billing bench owner ${i}`)}::text[], ${idx.map((i) => `+6012${String(10_000_000 + i)}`)}::text[])
          as t(id, email, name, phone)`;
    await sql`insert into shops (id, slug, name) select * from unnest(${idx.map((i) => shopIds[i])}::uuid[], ${idx.map(label)}::text[], ${idx.map((i) => `Billing bench ${i}`)}::text[])`;
    await sql`insert into shop_memberships (shop_id, user_id, role) select s, u, 'owner' from unnest(${idx.map((i) => shopIds[i])}::uuid[], ${idx.map((i) => userIds[i])}::uuid[]) as t(s, u)`;
    await sql`insert into shop_plans (shop_id, plan_id, status, interval, started_at, current_period_start, current_period_end, anchor_day)
      select s, 'starter', 'active', 'month', ${periodStart}, ${periodStart}, ${periodEnd}, 13 from unnest(${idx.map((i) => shopIds[i])}::uuid[]) as t(s)`;
  }
  console.error(`seeded ${shopCount} shops on Starter, periods ending ${periodEnd.toISOString()}`);

  const bench = new Set<string>(shopIds);
  const otherDue = (await shopsDue(now)).filter((id) => !bench.has(id)).length;

  const worker = startMaintenanceWorker();
  let first, second, seconds;
  try {
    const started = performance.now();
    first = await runBillingCycleJob(now);
    seconds = (performance.now() - started) / 1000;
    second = await runBillingCycleJob(now);
  } finally {
    await worker.close();
  }

  const [counts] = await sql<{ invoices: number; keys: number; open: number }[]>`
    select count(*)::int as invoices, count(distinct (i.shop_id, i.period_start))::int as keys,
           count(*) filter (where i.status = 'open')::int as open
      from platform_invoices i join shops s on s.id = i.shop_id
     where s.slug like 'bill-bench-%' and i.kind = 'renewal'`;
  const duplicates = counts.invoices - counts.keys;
  console.log(
    `billing renewals: shops=${shopCount} invoices=${counts.invoices} seconds=${seconds.toFixed(1)} ` +
      `per_second=${Math.round(shopCount / seconds)} second_run_invoices=${second.invoices} duplicates=${duplicates} other_due=${otherDue}`,
  );
  if (counts.invoices !== shopCount || first.invoices < shopCount || second.invoices !== 0 || duplicates !== 0) {
    console.error(`not exact: ${JSON.stringify({ first, second, counts })}`);
    code = 1;
  }
} finally {
  await sql.end();
  await closeDatabase();
  await closeRedis();
  await environment.stop();
}
process.exit(code);
