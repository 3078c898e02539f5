/**
 * Which shop a storefront request is for: `/s/:slug/...` (custom domains are rewritten to that
 * form by the HTTP layer). Lookups are cached in this process, because every storefront page (and
 * the locale fallback) needs the shop and the row rarely changes: a found shop until its row
 * changes (cache.server.ts tells every web process) or a minute at most, a miss (or any lookup
 * while changes cannot be heard) for a few seconds. A custom domain's shop is kept the same way,
 * and forgotten when the shop or its plan changes (migration 0026: a plan without an own domain
 * stops the domain resolving in every process, whoever committed the change).
 */
import { findShopByDomain, findShopBySlug, type Shop } from "~/domain/shops/shops.server";

import { forgetShopHere, onStorefrontChange, storefrontCacheLive, storefrontGeneration } from "./cache.server";
import type { StorefrontTheme } from "./theme";
import { themeFromStored } from "./theme-form.server";

export type StorefrontShop = Pick<Shop, "id" | "slug" | "name" | "language" | "currency" | "customDomain" | "timezone"> & {
  theme: StorefrontTheme;
};

const CACHE_MS = 5_000;
const KEPT_MS = 60_000;
const bySlug = new Map<string, { shop: StorefrontShop | undefined; at: number; live: boolean }>();
/** Host -> the shop owning it as its own domain (slug set only while its plan serves it). */
const byDomain = new Map<string, { shopId: string | undefined; slug: string | undefined; at: number; live: boolean }>();
onStorefrontChange((shopId) => {
  if (shopId === null) {
    bySlug.clear();
    byDomain.clear();
    return;
  }
  for (const [key, hit] of bySlug) if (hit.shop?.id === shopId) bySlug.delete(key);
  // Misses too: the changed shop may just have taken this host as its domain.
  for (const [key, hit] of byDomain) if (hit.shopId === shopId || hit.shopId === undefined) byDomain.delete(key);
});

/** How long a cached lookup holds: a found shop whose changes this process hears until told, anything else briefly. */
const heldFor = (hit: { live: boolean }, found: boolean) => (hit.live && found ? KEPT_MS : CACHE_MS);

/** The active shop with this slug, or undefined. */
export async function storefrontShopBySlug(slug: string): Promise<StorefrontShop | undefined> {
  const key = slug.toLowerCase();
  const hit = bySlug.get(key);
  if (hit && Date.now() - hit.at < heldFor(hit, hit.shop !== undefined)) return hit.shop;
  const live = storefrontCacheLive();
  const seen = storefrontGeneration();
  const row = await findShopBySlug(key);
  const shop = row
    ? {
        id: row.id,
        slug: row.slug,
        name: row.name,
        language: row.language,
        currency: row.currency,
        customDomain: row.customDomain,
        timezone: row.timezone,
        theme: themeFromStored(row.storefrontTheme),
      }
    : undefined;
  if (bySlug.size > 10_000) bySlug.clear();
  bySlug.set(key, { shop, at: Date.now(), live: live && seen === storefrontGeneration() });
  return shop;
}

/** Forget a cached shop at once in this process (the others hear of the change from PostgreSQL). */
export function forgetStorefrontShop(slug: string): void {
  const shopId = bySlug.get(slug.toLowerCase())?.shop?.id;
  bySlug.delete(slug.toLowerCase());
  byDomain.clear();
  // And everything this process keeps for the shop (its data and pages), so its staff see their change at once.
  if (shopId) forgetShopHere(shopId);
}

/**
 * The slug of the active shop whose own domain is `host` (no port, any case), or undefined (also
 * while the shop's plan does not include its own domain). Cached like slugs: every request on a
 * custom domain needs it.
 */
export async function storefrontSlugByDomain(host: string): Promise<string | undefined> {
  const key = host.toLowerCase().replace(/\.$/, "");
  const hit = byDomain.get(key);
  if (hit && Date.now() - hit.at < heldFor(hit, hit.shopId !== undefined)) return hit.slug;
  const live = storefrontCacheLive();
  const seen = storefrontGeneration();
  const shop = await findShopByDomain(key);
  if (byDomain.size > 10_000) byDomain.clear();
  byDomain.set(key, {
    shopId: shop?.id,
    slug: shop?.served ? shop.slug : undefined,
    at: Date.now(),
    live: live && seen === storefrontGeneration(),
  });
  return shop?.served ? shop.slug : undefined;
}

const STOREFRONT_PATH = /^\/s\/([^/]+)(?:\/|$)/;

/** The shop of a storefront request, or undefined for any other page. */
export async function storefrontShopForRequest(request: Request): Promise<StorefrontShop | undefined> {
  const match = STOREFRONT_PATH.exec(new URL(request.url).pathname);
  return match ? storefrontShopBySlug(decodeURIComponent(match[1])) : undefined;
}
