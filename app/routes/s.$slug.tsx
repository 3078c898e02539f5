import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { findShopBySlug } from "~/domain/shops/shops.server";

export async function loader({ params }: LoaderFunctionArgs) {
  const shop = await findShopBySlug(params.slug ?? "");
  if (!shop) throw new Response("There is no shop at this address.", { status: 404 });
  return { shop: { name: shop.name, slug: shop.slug, language: shop.language } };
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.shop.name }, { property: "og:site_name", content: data.shop.name }] : [{ title: "Shop not found" }];

export default function StorefrontLayout() {
  const { shop } = useLoaderData<typeof loader>();
  return (
    <div lang={shop.language}>
      <header className="site-header">
        <div className="inner spread">
          <Link to={`/s/${shop.slug}`} className="brand" data-testid="shop-name">
            {shop.name}
          </Link>
        </div>
      </header>
      <main className="site-main">
        <Outlet />
      </main>
      <footer className="site-footer">
        <div className="inner">
          © {new Date().getFullYear()} {shop.name} · Powered by <a href="/">NetShop</a>
        </div>
      </footer>
    </div>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <main className="centered-page">
      <div className="card narrow">
        <p className="eyebrow">{notFound ? "Error 404" : "Error"}</p>
        <h1>{notFound ? "Shop not found" : "This shop is unavailable right now"}</h1>
        <p>{notFound ? "There is no shop at this address. Check the link you followed." : "Please try again in a moment."}</p>
        <p>
          <a href="/">Go to NetShop</a>
        </p>
      </div>
    </main>
  );
}
