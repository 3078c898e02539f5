/**
 * The billing cycle driven by an injected clock (no sleeping): renewal idempotency, the dunning
 * timeline, suspension and its effects on the admin and the checkout, payment restoring the
 * shop, downgrade refusal, and the job scheduler.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { ownerCancel } from "~/domain/billing/cancellation.server";
import { changePlan } from "~/domain/billing/changes.server";
import { operatorCancel, revenueSeries } from "~/domain/billing/operators.server";
import { DAY_MS } from "~/domain/billing/periods";
import { runBillingCycle } from "~/flows/billing-cycle.server";
import { payInvoice } from "~/flows/billing-invoice-paid.server";
import { queue } from "~/lib/redis.server";
import { schema, withShop } from "~db/client";

import { scheduleMaintenance } from "../../workers/maintenance";
import { until } from "../helpers/async";
import { billingStack, paidShop, signedIn, subscriptionOf, trialShop } from "../helpers/billing";
import { addMember, makeUser } from "../helpers/factories";
import { choose } from "../helpers/merchant-endpoint";
import { htmlDecode } from "../helpers/web";

process.env.TRUST_PROXY = "1";

const stack = billingStack();
const who = { ip: "127.0.0.1", userAgent: "vitest" };

const sub = subscriptionOf;
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

const churnedNow = async () => (await revenueSeries()).at(-1)!.churned;

describe("billing cycle (injected clock)", () => {
  it("a trial: the offer to keep Growth is issued once however often the job runs; unpaid at the trial's end the shop falls back to Free, not suspended", async () => {
    const t0 = new Date("2026-03-01T02:00:00Z");
    const { owner, shop } = await trialShop(t0);
    const trialEnd = (await sub(shop.id)).currentPeriodEnd!;
    const cycle = (now: Date) => runBillingCycle({ now, shopIds: [shop.id] });

    expect((await cycle(at(t0, 1))).invoices).toBe(0);
    // A week before the trial ends: one invoice, even with three runs at once and one later.
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

    // The trial's end, unpaid: Free and active (no payment details were ever asked for), the offer withdrawn, the owner told once.
    const ended = await cycle(trialEnd);
    expect(ended.trialsEnded).toBe(1);
    await cycle(at(trialEnd, 1));
    await cycle(at(trialEnd, 20));
    expect(await sub(shop.id)).toMatchObject({
      status: "active",
      planId: "free",
      currentPeriodEnd: null,
      pastDueSince: null,
      suspendedAt: null,
    });
    invoices = await invoicesOf(shop.id);
    expect(invoices.map((i) => i.status)).toEqual(["void"]);
    expect((await messagesOf(shop.id, "billing.reminder")).length).toBe(0);
    expect((await messagesOf(shop.id, "billing.suspended")).length).toBe(0);
    const told = await messagesOf(shop.id, "billing.trial_ended");
    expect(told.map((m) => m.channel).sort()).toEqual(["email", "whatsapp"]);
    expect(told[0].body).toContain("Free plan");

    // The shop works (on Free's limits): the admin saves, the checkout is open.
    const client = await signedIn(stack.web.url, owner);
    await client.get("/admin/settings/company");
    const saved = await client.post(
      "/admin/settings/company",
      { companyName: "Kitaran Sdn Bhd", registrationNumber: "", companyAddress: "" },
      { csrf: client.csrfToken() },
    );
    expect(saved.status).toBe(200);
    expect(htmlDecode(await (await fetch(`${stack.web.url}/s/${shop.slug}/checkout`)).text())).not.toContain(
      'data-testid="checkout-closed"',
    );
  });

  it("a paid plan: renewal → past_due → reminders on the due day, +3, +7 → suspended after 14 days → paid: active again", async () => {
    const t0 = new Date("2026-04-01T02:00:00Z");
    const { owner, shop } = await paidShop(t0, "starter");
    const end = (await sub(shop.id)).currentPeriodEnd!;
    const cycle = (now: Date) => runBillingCycle({ now, shopIds: [shop.id] });

    await Promise.all([1, 2].map(() => cycle(at(end, -7))));
    let renewals = (await invoicesOf(shop.id)).filter((i) => i.kind === "renewal");
    expect(renewals).toHaveLength(1);
    expect(renewals[0]).toMatchObject({ status: "open", planId: "starter" });

    // The due day: past due, the first reminder.
    await cycle(end);
    expect(await sub(shop.id)).toMatchObject({ status: "past_due" });
    expect((await messagesOf(shop.id, "billing.reminder")).length).toBe(2);
    await cycle(at(end, 1));
    expect((await messagesOf(shop.id, "billing.reminder")).length).toBe(2);
    await cycle(at(end, 3));
    expect((await messagesOf(shop.id, "billing.reminder")).length).toBe(4);
    await cycle(at(end, 7));
    await cycle(at(end, 7.5));
    expect((await messagesOf(shop.id, "billing.reminder")).length).toBe(6);
    await cycle(at(end, 13.9));
    expect((await sub(shop.id)).status).toBe("past_due");
    // 14 days of grace: suspended, told once.
    await cycle(at(end, 14));
    await cycle(at(end, 15));
    expect(await sub(shop.id)).toMatchObject({ status: "suspended", suspensionReason: "unpaid" });
    expect((await messagesOf(shop.id, "billing.suspended")).length).toBe(2);
    renewals = (await invoicesOf(shop.id)).filter((i) => i.kind === "renewal");
    expect(renewals).toHaveLength(1);

    // Suspended: the admin shows the banner and refuses changes; billing stays open; checkout is closed.
    const client = await signedIn(stack.web.url, owner);
    await client.get("/admin");
    expect(htmlDecode(client.lastHtml)).toContain('data-billing="suspended"');
    await client.get("/admin/settings/company");
    const csrf = client.csrfToken();
    const company = { companyName: "Kitaran Sdn Bhd", registrationNumber: "", companyAddress: "" };
    const refused = await client.post("/admin/settings/company", company, { csrf });
    expect(refused.status).toBe(423);
    expect(await refused.text()).toContain("suspended");
    const checkout = await fetch(`${stack.web.url}/s/${shop.slug}/checkout`);
    expect(htmlDecode(await checkout.text())).toContain('data-testid="checkout-closed"');
    expect((await fetch(`${stack.web.url}/s/${shop.slug}`)).status).toBe(200);

    // Paying restores everything at once, with the next period.
    const pay = await payInvoice(shop.id, renewals[0].id);
    if (!pay.ok) throw new Error(pay.message);
    await choose(pay.url, "paid");
    await until(async () => (await sub(shop.id)).status === "active");
    const restored = await sub(shop.id);
    expect(restored.currentPeriodStart!.getTime()).toBe(end.getTime());
    expect(restored).toMatchObject({ planId: "starter", suspendedAt: null, pastDueSince: null });
    const ok = await client.post("/admin/settings/company", company, { csrf });
    expect(ok.status).toBe(200);
    expect(htmlDecode(await (await fetch(`${stack.web.url}/s/${shop.slug}/checkout`)).text())).not.toContain(
      'data-testid="checkout-closed"',
    );
  });

  it("an owner cancels at the period's end (no renewal; cancelled on Free then), can take it back, and an operator cancels at once", async () => {
    const churnBefore = await churnedNow();
    const t0 = new Date("2026-05-10T02:00:00Z");
    const { owner, shop } = await paidShop(t0, "starter");
    const end = (await sub(shop.id)).currentPeriodEnd!;
    const cycle = (now: Date) => runBillingCycle({ now, shopIds: [shop.id] });
    await cycle(at(end, -7));
    expect((await invoicesOf(shop.id)).filter((i) => i.kind === "renewal" && i.status === "open")).toHaveLength(1);

    // Cancel (the renewal withdrawn), take it back (renewed again by the cycle), cancel again.
    expect(await ownerCancel(shop.id, { userId: owner.id, ...who }, "cancel", at(end, -6))).toEqual({ ok: true, outcome: "at_period_end" });
    expect((await invoicesOf(shop.id)).filter((i) => i.status === "open")).toHaveLength(0);
    expect(await ownerCancel(shop.id, { userId: owner.id, ...who }, "resume")).toEqual({ ok: true, outcome: "resumed" });
    expect(await ownerCancel(shop.id, { userId: owner.id, ...who }, "resume")).toMatchObject({ ok: false, status: 409 });
    expect(await ownerCancel(shop.id, { userId: owner.id, ...who }, "cancel", at(end, -5))).toEqual({ ok: true, outcome: "at_period_end" });
    await cycle(at(end, -1));
    expect((await invoicesOf(shop.id)).filter((i) => i.status === "open")).toHaveLength(0);
    expect((await sub(shop.id)).status).toBe("active");

    // The period's end: cancelled, on Free; the cycle has nothing more to do.
    expect((await cycle(end)).cancelled).toBe(1);
    expect((await cycle(at(end, 20))).cancelled).toBe(0);
    expect(await sub(shop.id)).toMatchObject({ status: "cancelled", planId: "free", currentPeriodEnd: null, cancelAtPeriodEnd: false });
    expect((await sub(shop.id)).cancelledAt!.getTime()).toBe(end.getTime());
    // Cancelling again has nothing to cancel.
    expect(await ownerCancel(shop.id, { userId: owner.id, ...who }, "cancel")).toMatchObject({ ok: false, status: 409 });

    // An operator cancels another shop at once, with a reason the owner reads.
    const other = await paidShop(t0, "growth");
    const operator = await makeUser();
    expect(await operatorCancel({ operatorId: operator.id, ...who }, other.shop.id, { reason: "x" })).toMatchObject({ ok: false });
    expect(await operatorCancel({ operatorId: operator.id, ...who }, other.shop.id, { reason: "Closed at the owner's request" })).toEqual({
      ok: true,
    });
    expect(await sub(other.shop.id)).toMatchObject({ status: "cancelled", planId: "free" });
    const told = await messagesOf(other.shop.id, "billing.cancelled_by_operator");
    expect(told[0].body).toContain("Closed at the owner's request");

    // Churn (this month: the audit's clock) counts both shops.
    expect(await churnedNow()).toBeGreaterThanOrEqual(churnBefore + 2);
  });

  it("a plan change whose credit covers the whole price applies at once with a zero invoice, without the gateway", async () => {
    const t0 = new Date("2026-06-01T02:00:00Z");
    const { owner, shop } = await paidShop(t0, "growth", "year");
    // A day into a yearly Growth period, Pro monthly costs less than the unused credit.
    const result = await changePlan(shop.id, { userId: owner.id, ...who }, { planId: "pro", interval: "month" }, at(t0, 1));
    expect(result).toEqual({ ok: true, outcome: "applied" });
    const zero = (await invoicesOf(shop.id)).find((i) => i.kind === "change" && i.planId === "pro")!;
    expect(zero).toMatchObject({ status: "paid", totalMinor: 0, gateway: "credit", paymentUrl: null });
    expect(zero.lines.reduce((n, l) => n + l.amountMinor, 0)).toBe(0);
    expect(await sub(shop.id)).toMatchObject({ status: "active", planId: "pro", interval: "month" });
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

    // Downgrade to Free: scheduled, the renewal withdrawn; at the period's end the shop is on Free (and counts as churn).
    const churnBefore = await churnedNow();
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
    expect(await churnedNow()).toBeGreaterThanOrEqual(churnBefore + 1);
  });

  it("refuses a downgrade while the shop uses more than the smaller plan, and says what to reduce", async () => {
    const t0 = new Date();
    const { owner, shop } = await trialShop(t0);
    for (let i = 0; i < 2; i++) await addMember(shop.id, (await makeUser()).id, "staff", ["products"]);
    const result = await changePlan(shop.id, { userId: owner.id, ...who }, { planId: "free", interval: "month" }, t0);
    expect(result).toMatchObject({ ok: false, status: 409, errors: { form: "To move to Free, first: remove 2 staff members." } });
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
