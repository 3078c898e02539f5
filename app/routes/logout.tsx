import { type ActionFunctionArgs } from "@remix-run/node";

import { endSession } from "~/domain/accounts/sessions.server";
import { readForm } from "~/lib/csrf.server";
import { redirect } from "~/lib/redirect.server";

export async function loader() {
  // Logging out changes state: only by POST (a link or image cannot log anyone out).
  return redirect("/admin");
}

export async function action({ request }: ActionFunctionArgs) {
  await readForm(request);
  return redirect("/login", { headers: { "Set-Cookie": await endSession(request) } });
}
