import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { consentChoice, consentSetCookie } from "~/lib/consent.server";
import { readForm } from "~/lib/csrf.server";
import { safeRedirect } from "~/lib/http";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { PostForm } from "~/ui/csrf";
import { StorefrontErrorBoundary, useStorefront } from "~/ui/storefront";

/** Cookie settings: the visitor's current choice and the form to change it (the footer links here). */
export async function loader({ request }: LoaderFunctionArgs) {
  const locale = await localeFor(request);
  return { choice: await consentChoice(request), title: serverT(locale, "storefront")("consent.pageTitle") };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.title ?? "Cookies" },
  { name: "robots", content: "noindex" },
];

/** Records "necessary" or "all" in the consent cookie (app/lib/consent.server.ts) and goes back. */
export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  const choice = form.get("choice");
  const back = safeRedirect(form.get("redirectTo"), `/s/${params.slug}`);
  if (choice !== "necessary" && choice !== "all") return redirect(back);
  return redirect(back, { headers: { "Set-Cookie": await consentSetCookie(choice) } });
}

export default function ConsentSettings() {
  const { choice } = useLoaderData<typeof loader>();
  const { base } = useStorefront();
  const { t } = useTranslation("storefront");
  return (
    <section className="card medium stack" data-testid="consent-settings">
      <h1>{t("consent.pageTitle")}</h1>
      <p>{t("consent.body")}</p>
      <p>
        {t("consent.current")}{" "}
        <strong data-testid="consent-current">
          {choice === "all" ? t("consent.choiceAll") : choice === "necessary" ? t("consent.choiceNecessary") : t("consent.choiceNone")}
        </strong>
      </p>
      <PostForm action={`${base}/consent`} className="row">
        <input type="hidden" name="redirectTo" value={`${base}/consent`} />
        <button type="submit" name="choice" value="all">
          {t("consent.acceptAll")}
        </button>
        <button type="submit" name="choice" value="necessary" className="secondary">
          {t("consent.necessaryOnly")}
        </button>
      </PostForm>
    </section>
  );
}

export { StorefrontErrorBoundary as ErrorBoundary };
