import type { MetaFunction } from "@remix-run/node";

import { metaT } from "~/lib/i18n";
import { StorefrontNotFound } from "~/ui/storefront-theme";

/**
 * Any path inside a shop that no page serves: the shop's own 404 (its header, search and footer),
 * never the framework's "No route matches URL".
 */
export function loader(): never {
  throw new Response("Not found", { status: 404 });
}

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "ui")("store.notFound.title") }];

export default function NotFound() {
  return <StorefrontNotFound />;
}

export const ErrorBoundary = StorefrontNotFound;
