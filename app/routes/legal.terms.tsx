import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

import { metaT } from "~/lib/i18n";
import { Trans, useTranslation } from "~/lib/i18n-react";
import { PublicPage } from "~/ui/brand";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "site")("terms.meta") }];

export default function Terms() {
  const { t } = useTranslation("site");
  return (
    <PublicPage>
      <h1>{t("terms.heading")}</h1>
      <p className="muted">{t("terms.version", { version: "2026-11-01" })}</p>
      <p>{t("terms.body")}</p>
      <p>
        <Trans t={t} i18nKey="terms.privacy" components={{ a: <Link to="/legal/privacy" /> }} />
      </p>
    </PublicPage>
  );
}
