import type { ActionFunctionArgs } from "@remix-run/node";

import { rememberPreferredLanguage } from "~/domain/accounts/sessions.server";
import { readForm } from "~/lib/csrf.server";
import { safeRedirect } from "~/lib/http";
import { isLocale } from "~/lib/i18n";
import { rememberLocale } from "~/lib/i18n.server";
import { redirect } from "~/lib/redirect.server";

/** The language switcher posts here (works without JavaScript): remember the choice, go back. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const back = safeRedirect(form.get("redirectTo"), "/");
  const lng = form.get("lng");
  if (!isLocale(lng)) return redirect(back);
  await rememberPreferredLanguage(request, lng);
  return redirect(back, { headers: { "Set-Cookie": await rememberLocale(lng) } });
}

export function loader() {
  return redirect("/");
}
