/**
 * The new merchant's checklist on the dashboard: each step is read from the shop's own data
 * (nothing is ticked by hand), and the merchant may hide the list (shops.onboarding_dismissed_at).
 */
import { eq, sql } from "drizzle-orm";

import { schema, withShop } from "~db/client";

export const ONBOARDING_STEPS = ["product", "payments", "shipping", "company", "whatsapp", "theme", "order"] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

/** Where each step is done in the admin. */
const HREF: Record<OnboardingStep, string> = {
  product: "/admin/products/new",
  payments: "/admin/settings/payments",
  shipping: "/admin/settings/shipping",
  company: "/admin/settings/company",
  whatsapp: "/admin/settings/storefront",
  theme: "/admin/settings/storefront",
  order: "/admin/orders",
};

export type Onboarding = { dismissed: boolean; steps: { key: OnboardingStep; done: boolean; href: string }[] };

export async function onboardingChecklist(shopId: string): Promise<Onboarding> {
  const [row] = await withShop(shopId, (tx) =>
    tx.execute<{ dismissed: boolean } & Record<OnboardingStep, boolean>>(sql`
      select s.onboarding_dismissed_at is not null as dismissed,
        exists (select 1 from products p where p.shop_id = s.id and p.status = 'active') as product,
        exists (select 1 from payment_gateway_accounts g where g.shop_id = s.id and g.active) as payments,
        exists (select 1 from shipping_rates r where r.shop_id = s.id and r.active) as shipping,
        coalesce(s.company_name, '') <> '' as company,
        coalesce(s.storefront_theme ->> 'whatsapp', '') <> '' as whatsapp,
        (s.storefront_theme ?| array['logo', 'heroTitle', 'announcement']) and s.storefront_theme <> '{}'::jsonb as theme,
        exists (select 1 from orders o where o.shop_id = s.id and o.payment_status <> 'unpaid') as order
      from shops s where s.id = ${shopId}`),
  );
  return {
    dismissed: Boolean(row?.dismissed),
    steps: ONBOARDING_STEPS.map((key) => ({ key, done: Boolean(row?.[key]), href: HREF[key] })),
  };
}

/** Hides the checklist for the whole shop (undone with `show: true`). */
export async function setOnboardingDismissed(shopId: string, dismissed: boolean): Promise<void> {
  await withShop(shopId, (tx) =>
    tx
      .update(schema.shops)
      .set({ onboardingDismissedAt: dismissed ? new Date() : null })
      .where(eq(schema.shops.id, shopId)),
  );
}
