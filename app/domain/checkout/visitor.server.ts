/**
 * Who is shopping: the anonymous cart cookie and the storefront customer's session, both per
 * shop (the cookie names carry the shop id, so one browser can shop at several shops) and both
 * signed. Looked up inside the shop's tenant scope: a cookie from shop A finds nothing on shop B.
 */
import { createHash, randomBytes } from "node:crypto";

import { type Cookie } from "@remix-run/node";
import { and, eq, gt, isNull, sql } from "drizzle-orm";

import { signedCookie } from "~/lib/cookies.server";
import { isUuid } from "~/lib/ids";
import { schema, type Tx, withShop } from "~db/client";

/** A storefront customer stays logged in this long (a revocable server-side session). */
export const CUSTOMER_SESSION_MS = 30 * 24 * 3600 * 1000;
const TOUCH_EVERY_MS = 5 * 60 * 1000;
/** An anonymous cart's cookie lives this long. */
const CART_COOKIE_SECONDS = 60 * 24 * 3600;

function shopCookie(kind: "cart" | "customer" | "known", shopId: string): Cookie {
  const name = `${{ cart: "ns_cart", customer: "ns_customer", known: "ns_known" }[kind]}_${shopId.replace(/-/g, "")}`;
  return signedCookie(name, { path: "/", httpsOnly: true });
}

/** The anonymous cart id in this request's cookie (not yet checked against the database). */
export async function cartIdFromCookie(request: Request, shopId: string): Promise<string | undefined> {
  const value = await shopCookie("cart", shopId).parse(request.headers.get("Cookie"));
  return isUuid(value) ? value : undefined;
}

export function cartCookieHeader(shopId: string, cartId: string): Promise<string> {
  return shopCookie("cart", shopId).serialize(cartId, { maxAge: CART_COOKIE_SECONDS });
}

export function clearCartCookieHeader(shopId: string): Promise<string> {
  return shopCookie("cart", shopId).serialize("", { maxAge: 0 });
}

const sessionId = (token: string) => createHash("sha256").update(token).digest("hex");

export interface StorefrontCustomer {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  sessionId: string;
}

/** Starts a customer session; returns its Set-Cookie. Inside the caller's withShop. */
export async function startCustomerSession(
  tx: Tx,
  shopId: string,
  customerId: string,
  who: { ip?: string; userAgent?: string },
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await tx.insert(schema.customerSessions).values({
    shopId,
    id: sessionId(token),
    customerId,
    ip: who.ip ?? null,
    userAgent: who.userAgent?.slice(0, 400) ?? null,
    expiresAt: new Date(Date.now() + CUSTOMER_SESSION_MS),
  });
  return shopCookie("customer", shopId).serialize(token, { maxAge: CUSTOMER_SESSION_MS / 1000 });
}

/** How long a browser that logged in to a customer account stays "known" to it (see logInCustomer). */
const KNOWN_DEVICE_SECONDS = 365 * 24 * 3600;

/**
 * The customer account this browser last logged in to at this shop (a signed cookie that outlives
 * the session): wrong passwords typed elsewhere never slow that browser down. It proves nothing
 * but past use — the password is still checked.
 */
export async function knownCustomerId(request: Request, shopId: string): Promise<string | undefined> {
  const value = await shopCookie("known", shopId).parse(request.headers.get("Cookie"));
  return typeof value === "string" && isUuid(value) ? value : undefined;
}

export function knownCustomerCookieHeader(shopId: string, customerId: string): Promise<string> {
  return shopCookie("known", shopId).serialize(customerId, { maxAge: KNOWN_DEVICE_SECONDS });
}

/** The logged-in customer of this shop, or undefined. */
export async function currentCustomer(request: Request, shopId: string): Promise<StorefrontCustomer | undefined> {
  const token = await shopCookie("customer", shopId).parse(request.headers.get("Cookie"));
  if (typeof token !== "string" || token.length < 20) return undefined;
  const id = sessionId(token);
  return withShop(shopId, async (tx) => {
    const now = new Date();
    const [row] = await tx
      .select({
        customer: { id: schema.customers.id, name: schema.customers.name, email: schema.customers.email, phone: schema.customers.phone },
        lastSeenAt: schema.customerSessions.lastSeenAt,
      })
      .from(schema.customerSessions)
      .innerJoin(
        schema.customers,
        and(eq(schema.customers.shopId, schema.customerSessions.shopId), eq(schema.customers.id, schema.customerSessions.customerId)),
      )
      .where(
        and(
          eq(schema.customerSessions.shopId, shopId),
          eq(schema.customerSessions.id, id),
          isNull(schema.customerSessions.revokedAt),
          gt(schema.customerSessions.expiresAt, now),
        ),
      );
    if (!row) return undefined;
    if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await tx
        .update(schema.customerSessions)
        .set({ lastSeenAt: now })
        .where(and(eq(schema.customerSessions.shopId, shopId), eq(schema.customerSessions.id, id)));
    }
    return { ...row.customer, sessionId: id };
  });
}

/** Ends the customer's session behind this request; returns the Set-Cookie that clears it. */
export async function endCustomerSession(request: Request, shopId: string): Promise<string> {
  const token = await shopCookie("customer", shopId).parse(request.headers.get("Cookie"));
  if (typeof token === "string" && token.length >= 20) {
    await withShop(shopId, (tx) =>
      tx
        .update(schema.customerSessions)
        .set({ revokedAt: new Date() })
        .where(and(eq(schema.customerSessions.shopId, shopId), eq(schema.customerSessions.id, sessionId(token)))),
    );
  }
  return shopCookie("customer", shopId).serialize("", { maxAge: 0 });
}

/** Who is shopping: the logged-in customer (if any) and the cart to use. */
export interface Shopper {
  shopId: string;
  customer: StorefrontCustomer | undefined;
  /** The anonymous cart id from the cookie (guests only). */
  anonymousCartId: string | undefined;
}

export async function shopper(request: Request, shopId: string): Promise<Shopper> {
  const customer = await currentCustomer(request, shopId);
  return { shopId, customer, anonymousCartId: customer ? undefined : await cartIdFromCookie(request, shopId) };
}

/**
 * The shopper's cart row id, or undefined when they have none yet. Inside the caller's withShop (a
 * cookie naming another shop's cart finds nothing here).
 */
export async function findCart(tx: Tx, who: Shopper): Promise<string | undefined> {
  if (who.customer) {
    const [cart] = await tx
      .select({ id: schema.carts.id })
      .from(schema.carts)
      .where(and(eq(schema.carts.shopId, who.shopId), eq(schema.carts.customerId, who.customer.id)));
    return cart?.id;
  }
  if (!who.anonymousCartId) return undefined;
  const [cart] = await tx
    .select({ id: schema.carts.id })
    .from(schema.carts)
    .where(and(eq(schema.carts.shopId, who.shopId), eq(schema.carts.id, who.anonymousCartId), isNull(schema.carts.customerId)));
  return cart?.id;
}

/** The shopper's cart row id, created when missing; `created` tells the caller to set the cookie. */
export async function ensureCart(tx: Tx, who: Shopper): Promise<{ cartId: string; created: boolean }> {
  const found = await findCart(tx, who);
  if (found) return { cartId: found, created: false };
  if (who.customer) {
    const [cart] = await tx
      .insert(schema.carts)
      .values({ shopId: who.shopId, customerId: who.customer.id })
      .onConflictDoNothing()
      .returning({ id: schema.carts.id });
    if (cart) return { cartId: cart.id, created: false };
    return { cartId: (await findCart(tx, who))!, created: false };
  }
  const [cart] = await tx.insert(schema.carts).values({ shopId: who.shopId }).returning({ id: schema.carts.id });
  return { cartId: cart.id, created: true };
}

/**
 * On login: the anonymous cart's items and favourites move into the customer's cart (quantities
 * of the same variant add up, capped at 999), and the anonymous cart is deleted.
 */
export async function mergeAnonymousCart(tx: Tx, shopId: string, anonymousCartId: string | undefined, customerId: string): Promise<void> {
  if (!anonymousCartId) return;
  const [anon] = await tx
    .select({ id: schema.carts.id })
    .from(schema.carts)
    .where(and(eq(schema.carts.shopId, shopId), eq(schema.carts.id, anonymousCartId), isNull(schema.carts.customerId)))
    .for("update");
  if (!anon) return;
  const { cartId } = await ensureCart(tx, {
    shopId,
    customer: { id: customerId, name: "", email: null, phone: null, sessionId: "" },
    anonymousCartId: undefined,
  });
  const items = await tx
    .select()
    .from(schema.cartItems)
    .where(and(eq(schema.cartItems.shopId, shopId), eq(schema.cartItems.cartId, anon.id)));
  for (const item of items) {
    await tx
      .insert(schema.cartItems)
      .values({ shopId, cartId, variantId: item.variantId, quantity: item.quantity })
      .onConflictDoUpdate({
        target: [schema.cartItems.shopId, schema.cartItems.cartId, schema.cartItems.variantId],
        set: { quantity: sqlLeast999(item.quantity) },
      });
  }
  const wishes = await tx
    .select()
    .from(schema.wishlistItems)
    .where(and(eq(schema.wishlistItems.shopId, shopId), eq(schema.wishlistItems.cartId, anon.id)));
  if (wishes.length) {
    await tx
      .insert(schema.wishlistItems)
      .values(wishes.map((w) => ({ shopId, cartId, productId: w.productId })))
      .onConflictDoNothing();
  }
  await tx.delete(schema.carts).where(and(eq(schema.carts.shopId, shopId), eq(schema.carts.id, anon.id)));
}

const sqlLeast999 = (added: number) => sql`least(${schema.cartItems.quantity} + ${added}, 999)`;
