import { useRouteLoaderData } from "@remix-run/react";
import type { loader as shopLoader } from "./s.$slug";

export default function StorefrontHome() {
  const data = useRouteLoaderData<typeof shopLoader>("routes/s.$slug");
  return (
    <section className="stack">
      <h1>{data?.shop.name}</h1>
      <div className="empty-state" data-testid="empty-catalog">
        <h2>No products yet</h2>
        <p>This shop is getting ready. Please come back soon.</p>
      </div>
    </section>
  );
}
