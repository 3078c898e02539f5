import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireAdmin } from "~/domain/accounts/access.server";
import { setActiveShop } from "~/domain/accounts/sessions.server";
import { readForm } from "~/lib/csrf.server";

export async function loader() {
  return redirect("/admin");
}

export async function action({ request }: ActionFunctionArgs) {
  const { session, shops } = await requireAdmin(request);
  const shopId = (await readForm(request)).get("shopId");
  const target = shops.find((s) => s.shopId === shopId && !s.frozen);
  if (!target) throw new Response("You are not a member of that shop.", { status: 403 });
  await setActiveShop(session.id, target.shopId);
  return redirect("/admin");
}
