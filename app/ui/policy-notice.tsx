import { useTranslation } from "~/lib/i18n-react";
import { PostForm } from "~/ui/csrf";

import { Banner } from "./banner";
import {} from "./forms";

/** The banner of a significant policy change, until the person acknowledges it (app/domain/policies/versions.server.ts). */
export function PolicyChangeBanner({
  notice,
  action,
  redirectTo,
}: {
  notice: { id: string; document: "privacy" | "terms"; summary: string } | null;
  action: string;
  redirectTo: string;
}) {
  const { t } = useTranslation("privacy");
  if (!notice) return null;
  return (
    <Banner tone="info" data-testid="policy-banner">
      <p>
        {t(notice.document === "privacy" ? "policyChange.bannerPrivacy" : "policyChange.bannerTerms")} {notice.summary}{" "}
        <a href={notice.document === "privacy" ? "/legal/privacy" : "/legal/terms"}>{t("policyChange.read")}</a>
      </p>
      <PostForm action={action} fields={{ versionId: notice.id, redirectTo: redirectTo }}>
        <button type="submit" name="intent" value="acknowledge-policy" className="secondary">
          {t("policyChange.acknowledge")}
        </button>
      </PostForm>
    </Banner>
  );
}
