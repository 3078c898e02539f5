import { adminAction } from "~/domain/accounts/access.server";
import { acknowledgePolicy } from "~/domain/policies/versions.server";
import { readForm } from "~/lib/csrf.server";
import { redirect } from "~/lib/redirect.server";

/** "I have read it": the admin banner of a significant policy change records the acknowledgement, then goes back. */
export const action = /* @__PURE__ */ adminAction("signed-in", async ({ request, access: { user } }) => {
  const form = await readForm(request);
  const back = String(form.get("redirectTo") ?? "");
  if (!(await acknowledgePolicy({ kind: "user", userId: user.id }, form.get("versionId"))))
    throw new Response("There is no such policy version.", { status: 404 });
  return redirect(/^\/admin(\/|$)/.test(back) && !back.startsWith("//") ? back : "/admin");
});
