import type { LoaderFunctionArgs } from "@remix-run/node";

import { publicUrl } from "~/config.server";
import { sitemapEntries } from "~/domain/storefront/catalog.server";
import { storefrontShopBySlug } from "~/domain/storefront/shop.server";
import { notFound } from "~/lib/http";

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The shop's sitemap: home, collections and active products (`/sitemap.xml` on its own domain). */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const shop = await storefrontShopBySlug(params.slug ?? "");
  if (!shop) throw notFound("There is no shop at this address.");
  const root = context.customDomain ? `${new URL(publicUrl()).protocol}//${new URL(request.url).host}` : `${publicUrl()}/s/${shop.slug}`;
  const { products, collections } = await sitemapEntries(shop.id);
  const url = (loc: string, lastmod?: Date) =>
    `  <url><loc>${xml(loc)}</loc>${lastmod ? `<lastmod>${lastmod.toISOString()}</lastmod>` : ""}</url>`;
  const body = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`,
    url(context.customDomain ? `${root}/` : root),
    ...collections.map((c) => url(`${root}/collections/${encodeURIComponent(c.handle)}`, c.updatedAt)),
    ...products.map((p) => url(`${root}/products/${encodeURIComponent(p.handle)}`, p.updatedAt)),
    `</urlset>`,
    "",
  ].join("\n");
  return new Response(body, { headers: { "Content-Type": "application/xml; charset=utf-8" } });
}
