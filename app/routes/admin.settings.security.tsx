import { data, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { actorOf, setRequireTwoFactor } from "~/domain/accounts/staff.server";
import { getShop } from "~/domain/shops/shops.server";
import { readForm } from "~/lib/csrf.server";
import { coded } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { PostForm } from "~/ui/csrf";
import { useErrorText } from "~/ui/forms";
import { SettingsHeading } from "~/ui/settings-form";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "settings")("security.meta") }];

export const loader = /* @__PURE__ */ adminLoader("owner", async ({ access }) => {
  const shop = await getShop(access.shop.shopId);
  return { requireTwoFactor: shop.requireTwoFactor };
});

export const action = /* @__PURE__ */ adminAction(
  "owner",
  async ({ request, context, access }) => {
    const form = await readForm(request);
    const choice = form.get("requireTwoFactor");
    if (choice !== "on" && choice !== "off")
      return data({ error: coded("settings:errors.twoFactorChoice"), notice: undefined }, { status: 400 });
    const result = await setRequireTwoFactor(actorOf(access), choice === "on", access.session.id, {
      ip: context.ip,
      userAgent: context.userAgent,
    });
    // Only the owner is refused (this page is the owner's): that message is the team area's.
    if (!result.ok) return data({ error: result.errors.form, notice: undefined }, { status: 400 });
    return data({
      error: undefined,
      // The page words it in the reader's language.
      notice: { required: choice === "on", sessionsEnded: result.sessionsEnded ?? 0 },
    });
  },
  { recentAuth: true },
);

export default function SecuritySettings() {
  const { requireTwoFactor } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation("settings");
  const notice = result?.notice;
  const text = useErrorText();
  const error = result?.error;
  return (
    <div className="stack">
      <SettingsHeading title={t("security.heading")} />
      <Banner tone="danger">{typeof error === "string" ? error : text(error)}</Banner>
      <Banner tone="ok">
        {notice ? (notice.required ? t("security.nowRequired", { count: notice.sessionsEnded }) : t("security.noLonger")) : null}
      </Banner>
      <section className="card medium">
        <h2>{t("security.twoFactor")}</h2>
        <p>
          {t("security.now")} <strong data-testid="require-2fa">{requireTwoFactor ? t("security.required") : t("security.choice")}</strong>
          {t("security.explain")}
        </p>
        <PostForm fields={{ requireTwoFactor: requireTwoFactor ? "off" : "on" }}>
          <button type="submit" className={requireTwoFactor ? "secondary" : ""}>
            {requireTwoFactor ? t("security.stop") : t("security.require")}
          </button>
        </PostForm>
      </section>
    </div>
  );
}
