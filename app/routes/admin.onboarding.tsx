import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { setOnboardingDismissed } from "~/domain/shops/onboarding.server";
import { readForm } from "~/lib/csrf.server";
import { redirect } from "~/lib/redirect.server";

/** Hides (or shows again) the dashboard's onboarding checklist; a plain form, back to the dashboard. */
export const action = /* @__PURE__ */ adminAction("settings", async ({ request, access }) => {
  const form = await readForm(request);
  await setOnboardingDismissed(access.shop.shopId, form.get("show") !== "1");
  return redirect("/admin");
});

export const loader = /* @__PURE__ */ adminLoader("member", async () => redirect("/admin"));
