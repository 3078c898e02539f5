/**
 * The billing cycle driven by an injected clock (no sleeping): renewal idempotency, the dunning
 * timeline, suspension and its effects on the admin and the checkout, payment restoring the
 * shop, downgrade refusal, and the job scheduler.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, schema, withShop } from "~db/client";
import { changePlan } from "~/domain/billing/changes.server";
import { DAY_MS } from "~/domain/billing/periods";
import { runBillingCycle } from "~/flows/billing-cycle.server";
import { payInvoice } from "~/flows/billing-invoice-paid.server";
import { openShop } from "~/flows/shop-opened.server";
import { closeRedis, queue } from "~/lib/redis.server";
import { startSandbox, type RunningSandbox } from "../../sandbox/server";
import { freePort } from "../../scripts/services";
import { scheduleMaintenance } from "../../workers/maintenance";
import { until } from "../helpers/async";
import { signIn } from "../helpers/auth";
import { addMember, makeUser, unique } from "../helpers/factories";
import { choose } from "../helpers/merchant-endpoint";
import { FormClient, htmlDecode, startWeb } from "../helpers/web";

process.env.TRUST_PROXY = "1";

let sandbox: RunningSandbox;
let web: Awaited<ReturnType<typeof startWeb>>;
const who = { ip: "127.0.0.1", userAgent: "vitest" };

beforeAll(async () => {
  sandbox = await startSandbox({ callbackRetryDelaysMs: [50, 100, 100, 200] });
  const port = await freePort();
  process.env.SANDBOX_URL = sandbox.url;
  process.env.PUBLIC_URL = `http://127.0.0.1:${port}`;
  web = await startWeb({ port });
});
afterAll(async () => {
  await web?.close();
  await sandbox?.close();
  await closeRedis();
  await closeDatabase();
});

async function trialShop(now: Date) {
  const owner = await makeUser();
  const opened = await openShop(owner.id, { name: "Kedai Kitaran", slug: unique("cyc-") }, who, now);
  if (!opened.ok) throw new Error("shop not opened");
  return { owner, shop: opened.shop };
}
const sub = (shopId: string) =>
  withShop(shopId, async (tx) => (await tx.select().from(schema.shopPlans).where(eq(schema.shopPlans.shopId, shopId)))[0]);
const invoicesOf = (shopId: string) =>
  withShop(shopId, (tx) => tx.select().from(schema.platformInvoices).where(eq(schema.platformInvoices.shopId, shopId)));
const messagesOf = (shopId: string, purpose: string) =>
  withShop(shopId, (tx) =>
    tx
      .select()
      .from(schema.messages)
      .where(and(eq(schema.messages.shopId, shopId), eq(schema.messages.purpose, purpose))),
  );
const at = (base: Date, days: number) => new Date(base.getTime() + days * DAY_MS);

describe("billing cycle (injected clock)", () => {
  it("trial → renewal invoice (once, however often the job runs) → past_due → reminders on the due day, +3, +7 → suspended after 14 days → paid: active again", async () => {
    const t0 = new Date("2026-03-01T02:00:00Z");
    const { owner, shop } = await trialShop(t0);
    const trialEnd = (await sub(shop.id)).currentPeriodEnd!;
    const cycle = (now: Date) => runBillingCycle({ now, shopIds: [shop.id] });

    expect((await cycle(at(t0, 1))).invoices).toBe(0);
    // A week before the trial ends: one renewal invoice, even with three runs at once and one later.
    const runs = await Promise.all([1, 2, 3].map(() => cycle(at(trialEnd, -7))));
    expect(runs.reduce((n, r) => n + r.invoices, 0)).toBe(1);
    await cycle(at(trialEnd, -6));
    let invoices = await invoicesOf(shop.id);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ kind: "renewal", status: "open", planId: "growth", totalMinor: 4_900 });
    expect(invoices[0].dueAt.getTime()).toBe(trialEnd.getTime());
    const issued = await messagesOf(shop.id, "billing.issued");
    expect(issued.map((m) => m.channel).sort()).toEqual(["email", "whatsapp"]);
    expect(issued.find((m) => m.channel === "whatsapp")).toMatchObject({ recipient: owner.phone });
    expect(issued[0].body).toContain(`/admin/billing/invoices/${invoices[0].id}`);
    expect((await sub(shop.id)).status).toBe("trialing");

    // The due day: past due, the first reminder.
    await cycle(trialEnd);
    expect(await sub(shop.id)).toMatchObject({ status: "past_due" });
    expect((await messagesOf(shop.id, "billing.reminder")).length).toBe(2);
    await cycle(at(trialEnd, 1));
    expect((await messagesOf(shop.id, "billing.reminder")).length).toBe(2);
    await cycle(at(trialEnd, 3));
    expect((await messagesOf(shop.id, "billing.reminder")).length).toBe(4);
    await cycle(at(trialEnd, 7));
    await cycle(at(trialEnd, 7.5));
    expect((await messagesOf(shop.id, "billing.reminder")).length).toBe(6);
    await cycle(at(trialEnd, 13.9));
    expect((await sub(shop.id)).status).toBe("past_due");
    // 14 days of grace: suspended, told once.
    await cycle(at(trialEnd, 14));
    await cycle(at(trialEnd, 15));
    expect(await sub(shop.id)).toMatchObject({ status: "suspended", suspensionReason: "unpaid" });
    expect((await messagesOf(shop.id, "billing.suspended")).length).toBe(2);
    invoices = await invoicesOf(shop.id);
    expect(invoices).toHaveLength(1);

    // Suspended: the admin shows the banner and refuses changes; billing stays open; checkout is closed.
    const client = new FormClient(web.url);
    client.forwardedFor = "10.88.0.1";
    await signIn(client, owner);
    await client.get("/admin");
    expect(htmlDecode(client.lastHtml)).toContain('data-billing="suspended"');
    await client.get("/admin/settings/company");
    const csrf = client.csrfToken();
    const company = { companyName: "Kitaran Sdn Bhd", registrationNumber: "", companyAddress: "" };
    const refused = await client.post("/admin/settings/company", company, { csrf });
    expect(refused.status).toBe(423);
    expect(await refused.text()).toContain("suspended");
    const checkout = await fetch(`${web.url}/s/${shop.slug}/checkout`);
    expect(htmlDecode(await checkout.text())).toContain('data-testid="checkout-closed"');
    expect((await fetch(`${web.url}/s/${shop.slug}`)).status).toBe(200);

    // Paying restores everything at once, with the next period after the trial.
    const pay = await payInvoice(shop.id, invoices[0].id);
    if (!pay.ok) throw new Error(pay.message);
    await choose(pay.url, "paid");
    await until(async () => (await sub(shop.id)).status === "active");
    const restored = await sub(shop.id);
    expect(restored.currentPeriodStart!.getTime()).toBe(trialEnd.getTime());
    expect(restored).toMatchObject({ planId: "growth", suspendedAt: null, pastDueSince: null });
    const ok = await client.post("/admin/settings/company", company, { csrf });
    expect(ok.status).toBe(200);
    expect(htmlDecode(await (await fetch(`${web.url}/s/${shop.slug}/checkout`)).text())).not.toContain('data-testid="checkout-closed"');
  });

  it("renews a paid subscription once per period; a scheduled downgrade to Free needs no invoice", async () => {
    const t0 = new Date("2026-01-31T03:00:00Z");
    const { owner, shop } = await trialShop(t0);
    // Pay for Starter monthly from 31 Jan (Kuala Lumpur).
    const changed = await changePlan(shop.id, { userId: owner.id, ...who }, { planId: "starter", interval: "month" }, t0);
    if (!changed.ok || changed.outcome !== "invoice") throw new Error(JSON.stringify(changed));
    const pay = await payInvoice(shop.id, changed.invoiceId);
    if (!pay.ok) throw new Error(pay.message);
    await choose(pay.url, "paid");
    await until(async () => (await sub(shop.id)).planId === "starter");
    const s1 = await sub(shop.id);
    expect(s1.currentPeriodEnd!.toISOString()).toBe("2026-02-27T16:00:00.000Z"); // 28 Feb, midnight in KL
    await runBillingCycle({ now: at(s1.currentPeriodEnd!, -7), shopIds: [shop.id] });
    await runBillingCycle({ now: at(s1.currentPeriodEnd!, -1), shopIds: [shop.id] });
    const renewals = (await invoicesOf(shop.id)).filter((i) => i.kind === "renewal");
    expect(renewals).toHaveLength(1);
    expect(renewals[0].periodEnd!.toISOString()).toBe("2026-03-30T16:00:00.000Z"); // back to the 31st

    // Downgrade to Free: scheduled, the renewal withdrawn; at the period's end the shop is on Free.
    const down = await changePlan(
      shop.id,
      { userId: owner.id, ...who },
      { planId: "free", interval: "month" },
      at(s1.currentPeriodEnd!, -1),
    );
    expect(down).toEqual({ ok: true, outcome: "scheduled" });
    expect((await invoicesOf(shop.id)).find((i) => i.kind === "renewal")!.status).toBe("void");
    await runBillingCycle({ now: s1.currentPeriodEnd!, shopIds: [shop.id] });
    expect(await sub(shop.id)).toMatchObject({ planId: "free", status: "active", currentPeriodEnd: null });
    expect((await invoicesOf(shop.id)).filter((i) => i.status === "open")).toHaveLength(0);
  });

  it("refuses a downgrade while the shop uses more than the smaller plan, and says what to reduce", async () => {
    const t0 = new Date();
    const { owner, shop } = await trialShop(t0);
    for (let i = 0; i < 2; i++) await addMember(shop.id, (await makeUser()).id, "staff", ["products"]);
    const result = await changePlan(shop.id, { userId: owner.id, ...who }, { planId: "free", interval: "month" }, t0);
    expect(result).toMatchObject({ ok: false, status: 409, errors: { form: "To move to Free, first remove 2 staff members." } });
    expect((await sub(shop.id)).planId).toBe("growth");
  });

  it("runs on a BullMQ job scheduler every 15 minutes, once however often workers start", async () => {
    await scheduleMaintenance();
    await scheduleMaintenance();
    const mine = (await queue("maintenance").getJobSchedulers()).filter((s) => s.key === "billing-cycle");
    expect(mine).toHaveLength(1);
    expect(Number(mine[0].every)).toBe(15 * 60_000);
  });
});
