/**
 * Plan features at the routes: whether the shop's plan has its own domain, dropshipping or
 * AutoCount sync (read through currentPlan, like every other limit), and the translated refusal
 * a route answers with (403, naming the plans that include the feature, with a link to billing).
 */
import { localeFor, serverT } from "~/lib/i18n.server";
import { withShop } from "~db/client";

import { type FeatureAccess, featureAccess, type PlanFeature } from "./plans.server";

export async function shopFeature(shopId: string, feature: PlanFeature): Promise<FeatureAccess> {
  return withShop(shopId, (tx) => featureAccess(tx, shopId, feature));
}

/** The refusal shown to the merchant, in the request's language. */
export async function featureRefusal(request: Request, access: FeatureAccess): Promise<string> {
  const t = serverT(await localeFor(request), "billing");
  return t(`features.${access.feature}`, { plan: access.plan, plans: access.unlockedBy.join(", ") });
}

/** What a page shows when the plan lacks the feature: the message and the plans that unlock it (undefined when allowed). */
export async function featureLock(request: Request, shopId: string, feature: PlanFeature) {
  const access = await shopFeature(shopId, feature);
  return access.allowed ? undefined : { message: await featureRefusal(request, access), unlockedBy: access.unlockedBy };
}
