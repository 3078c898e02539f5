import { data } from "@remix-run/node";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { setActiveShop } from "~/domain/accounts/sessions.server";
import { readForm } from "~/lib/csrf.server";
import { redirect } from "~/lib/redirect.server";

export const loader = /* @__PURE__ */ adminLoader("signed-in", async () => redirect("/admin"));

export const action = /* @__PURE__ */ adminAction("signed-in", async ({ request, access: { session, shops } }) => {
  const shopId = (await readForm(request)).get("shopId");
  if (typeof shopId !== "string" || !shopId) return data({ error: "Choose a shop." }, { status: 400 });
  const target = shops.find((s) => s.shopId === shopId && !s.frozen);
  if (!target) throw new Response("You are not a member of that shop.", { status: 403 });
  await setActiveShop(session.id, target.shopId);
  return redirect("/admin");
});
