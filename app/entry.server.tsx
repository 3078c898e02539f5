import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isRouteErrorResponse } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";

import { DEFAULT_LOCALE, isLocale } from "~/lib/i18n";
import { renderTranslated } from "~/lib/i18n.server";
import { I18nProvider } from "~/lib/i18n-react";
import { loggablePath, logger } from "~/lib/logger.server";
import { htmlWithoutNulBytes } from "~/server/html-stream.server";
import { NonceContext } from "~/ui/nonce";

const ABORT_DELAY = 5_000;

/** Unexpected errors go to the structured log; expected ones (404s, aborted requests) do not. */
export function handleError(error: unknown, { request, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted) return;
  if (isRouteErrorResponse(error) && error.status < 500) return;
  if (error instanceof Error && /^No route matches URL/.test(error.message)) return;
  logger().error({ err: error, requestId: context?.requestId, path: loggablePath(new URL(request.url).pathname) }, "request failed");
}
export const streamTimeout = ABORT_DELAY;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  // Crawlers get the whole page at once; browsers get it streamed.
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  // The root loader resolved the language (app/lib/i18n.server.ts); render in it.
  const rootData = remixContext.staticHandlerContext.loaderData?.root as { locale?: unknown } | undefined;
  const locale = isLocale(rootData?.locale) ? rootData.locale : DEFAULT_LOCALE;
  return renderTranslated(
    locale,
    (i18n) =>
      new Promise((resolve, reject) => {
        let shellRendered = false;
        const { pipe, abort } = renderToPipeableStream(
          <I18nProvider value={i18n}>
            <NonceContext.Provider value={nonce}>
              <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
            </NonceContext.Provider>
          </I18nProvider>,
          {
            nonce,
            [readyEvent]() {
              shellRendered = true;
              const body = htmlWithoutNulBytes();
              responseHeaders.set("Content-Type", "text/html; charset=utf-8");
              resolve(
                new Response(createReadableStreamFromReadable(body), {
                  headers: responseHeaders,
                  status: responseStatusCode,
                }),
              );
              pipe(body);
            },
            onShellError(error: unknown) {
              reject(error);
            },
            onError(error: unknown) {
              responseStatusCode = 500;
              if (shellRendered) console.error(error);
            },
          },
        );
        setTimeout(abort, ABORT_DELAY + 1_000);
      }),
  );
}
