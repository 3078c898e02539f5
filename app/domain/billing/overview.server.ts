import { withShop } from "~db/client";

import { invoiceById, listInvoices } from "./invoices.server";
import { currentPlan, listedPlans, overLimits, planById, planUsage } from "./plans.server";
import { subscriptionOf } from "./subscriptions.server";

/** Everything /admin/billing shows: plan, period, usage against every limit, the plans, the invoices. */
export async function billingOverview(shopId: string) {
  return withShop(shopId, async (tx) => {
    const subscription = await subscriptionOf(tx, shopId);
    const plan = await currentPlan(tx, shopId);
    const usage = await planUsage(tx, shopId);
    const plans = await listedPlans(tx);
    return {
      subscription,
      plan,
      scheduledPlan: subscription.scheduledPlanId ? ((await planById(tx, subscription.scheduledPlanId)) ?? null) : null,
      usage: { products: usage.products, seats: usage.seats, storageBytes: usage.storageBytes },
      plans: plans.map((p) => ({ ...p, over: overLimits(usage, p) })),
      invoices: await listInvoices(tx, shopId),
    };
  });
}

export async function shopInvoice(shopId: string, invoiceId: string) {
  return withShop(shopId, (tx) => invoiceById(tx, shopId, invoiceId));
}
