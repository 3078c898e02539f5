import { Link } from "@remix-run/react";

import { useTranslation } from "~/lib/i18n-react";

import { Banner } from "./banner";

/** A page's notice that the shop's plan lacks a feature (from featureLock), with the way to the plans that include it. */
export function FeatureLocked({ lock }: { lock: { message: string } | undefined | null }) {
  const { t } = useTranslation("billing");
  if (!lock) return null;
  return (
    <Banner tone="warn" data-testid="feature-locked">
      {lock.message}{" "}
      <Link to="/admin/billing" data-testid="feature-upgrade">
        {t("features.upgrade")}
      </Link>
    </Banner>
  );
}
