import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

/**
 * The lightest document route: the root layout and a loader that reads nothing. `npm run
 * bench:storefront` loads it next to the storefront pages as the framework's ceiling on the same
 * server (the same HTTP layer, root loader and rendering, without any database work).
 */
export function loader() {
  return { ok: true };
}

export const meta: MetaFunction = () => [{ title: "NetShop" }, { name: "robots", content: "noindex" }];

export default function Bare() {
  const { ok } = useLoaderData<typeof loader>();
  return <p>{ok ? "ok" : ""}</p>;
}
