import { redirect } from "@remix-run/node";
import { listShopsForUser, type ShopAccess } from "~/domain/shops/shops.server";
import { requireUser, type Session, type User } from "./sessions.server";

export interface AdminAccess {
  user: User;
  session: Session;
  /** Every shop this person can open (frozen ones included, marked). */
  shops: ShopAccess[];
  /** The shop the admin is working in, or null before the first shop exists. */
  shop: ShopAccess | null;
}

/** The signed-in merchant and the shop they are working in (the session's choice, if still allowed). */
export async function requireAdmin(request: Request): Promise<AdminAccess> {
  const { user, session } = await requireUser(request);
  const shops = await listShopsForUser(user.id);
  const usable = shops.filter((s) => !s.frozen);
  const shop = usable.find((s) => s.shopId === session.activeShopId) ?? usable[0] ?? null;
  if (!shop && shops.length > 0) {
    throw new Response("The shop's administrator froze your account. Ask them to unfreeze it.", { status: 403 });
  }
  return { user, session, shops, shop };
}

/** Like requireAdmin, but sends people without a shop to create one first. */
export async function requireShopAccess(request: Request): Promise<AdminAccess & { shop: ShopAccess }> {
  const access = await requireAdmin(request);
  if (!access.shop) throw redirect("/admin/shops/new");
  return access as AdminAccess & { shop: ShopAccess };
}
