import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { currentPolicyVersion } from "~/domain/policies/versions.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { PublicPage } from "~/ui/brand";
import { useFormat } from "~/ui/format";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "common")("titles.privacyPolicy") }];

/**
 * The platform's published privacy promises: each is kept by the product and proved by a test in
 * tests/integration/promises/ (the test names quote the promise).
 */
const PROMISES = [
  "bcrypt",
  "cards",
  "rights",
  "deletion",
  "export",
  "consent",
  "messages",
  "providers",
  "media",
  "adults",
  "cookies",
  "changes",
] as const;

/** The version in force (policy_versions), shown under the title. */
export async function loader() {
  const version = await currentPolicyVersion("privacy");
  return { version: version ? { version: version.version, publishedAt: version.publishedAt.toISOString() } : null };
}

export default function Privacy() {
  const { version } = useLoaderData<typeof loader>();
  const { t } = useTranslation("privacy");
  const fmt = useFormat();
  return (
    <PublicPage>
      <h1>{t("policy.title")}</h1>
      {version ? (
        <p className="muted" data-testid="policy-version">
          {t("policy.version", {
            version: version.version,
            date: fmt.date(version.publishedAt),
          })}
        </p>
      ) : null}
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
