import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";

import { DEFAULT_LOCALE, HTML_LANG } from "~/lib/i18n";
import { localeFor } from "~/lib/i18n.server";
import { InlineTranslations, useLanguage, useTranslation } from "~/lib/i18n-react";
import styles from "~/styles/app.css";
import { useNonce } from "~/ui/nonce";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: "NetShop" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  // On a shop's own domain the storefront is plain HTML (no client router: see http.server.ts).
  return { csrfToken: context.csrfToken, locale: await localeFor(request), hydrate: !context.customDomain };
}

export function useCsrfToken(): string {
  return useRouteLoaderData<typeof loader>("root")?.csrfToken ?? "";
}

/**
 * A route's `handle`: `{ hydrate: false }` serves its pages as plain HTML without the Remix client
 * (no React, React DOM or router in the browser: issue 16), `{ hydrate: true }` brings it back
 * under a parent that said false. The deepest route that says either decides. The storefront
 * layout says false (every storefront page works with plain links and forms); the pages whose
 * behaviour needs the client (checkout's live total, privacy pages' live progress) say true.
 */
export interface HydrateHandle {
  hydrate?: boolean;
}

/** Whether this page ships the Remix client (its scripts, translations and scroll restoration). */
function useShipsClient(): boolean {
  const root = useRouteLoaderData<typeof loader>("root");
  const matches = useMatches();
  // On a shop's own domain the client router would not know the paths (see the loader).
  if (root?.hydrate === false) return false;
  // Rendering in the browser means the client already runs (the server sent it): it keeps its
  // scripts through client-side navigations, whichever page it goes to.
  if (typeof document !== "undefined") return true;
  const decided = matches.findLast((m) => typeof (m.handle as HydrateHandle | undefined)?.hydrate === "boolean");
  return (decided?.handle as HydrateHandle | undefined)?.hydrate !== false;
}

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  const root = useRouteLoaderData<typeof loader>("root");
  const shipsClient = useShipsClient();
  const locale = root?.locale ?? DEFAULT_LOCALE;
  // A storefront's pages show the shop's own favicon (routes/s.$slug.favicon.tsx: never a 404).
  const store = useRouteLoaderData<{ base?: string }>("routes/s.$slug");
  const favicon = typeof store?.base === "string" ? `${store.base}/favicon` : "/favicon.svg";
  return (
    <html lang={HTML_LANG[locale]}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <link rel="icon" href={favicon} />
        <Links />
      </head>
      <body>
        {children}
        {shipsClient ? (
          <>
            <InlineTranslations />
            <ScrollRestoration nonce={nonce} />
            <Scripts nonce={nonce} />
          </>
        ) : null}
      </body>
    </html>
  );
}

export default function App() {
  // After the switcher (or a cookie) changes the language, the browser's translator follows.
  useLanguage(useRouteLoaderData<typeof loader>("root")?.locale ?? DEFAULT_LOCALE);
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title = status === 404 ? t("error.notFound") : status === 403 ? t("error.forbidden") : t("error.generic");
  const detail =
    isRouteErrorResponse(error) && typeof error.data === "string" && error.data && !error.data.startsWith("Error: No route matches")
      ? error.data
      : status === 404
        ? t("error.notFoundDetail")
        : t("error.genericDetail");
  return (
    <main className="centered-page">
      <div className="card narrow">
        <p className="eyebrow">{t("error.eyebrow", { status })}</p>
        <h1>{title}</h1>
        <p>{detail}</p>
        <p>
          <a href="/">{t("error.home")}</a>
        </p>
      </div>
    </main>
  );
}
