import type { MetaFunction } from "@remix-run/node";
import { useTranslation } from "react-i18next";

import { PublicPage } from "~/ui/brand";

export const meta: MetaFunction = () => [{ title: "Privacy policy · NetShop" }];

/**
 * The platform's published privacy promises: each is kept by the product and proved by a test in
 * tests/integration/promises/ (the test names quote the promise).
 */
const PROMISES = ["bcrypt", "cards", "rights", "deletion", "export", "consent", "messages", "providers", "media", "adults"] as const;

export default function Privacy() {
  const { t } = useTranslation("privacy");
  return (
    <PublicPage>
      <h1>{t("policy.title")}</h1>
      <ul data-testid="privacy-promises">
        {PROMISES.map((key) => (
          <li key={key} data-promise={key}>
            {t(`policy.${key}`)}
          </li>
        ))}
      </ul>
    </PublicPage>
  );
}
