/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

import "@remix-run/node";

declare module "@remix-run/node" {
  /** Single Fetch is on (remix.config.js): loader/action types follow it. */
  interface Future {
    v3_singleFetch: true;
  }
  /** What the HTTP layer (app/server/http.server.ts) hands every loader and action. */
  interface AppLoadContext {
    requestId: string;
    ip: string;
    userAgent: string;
    cspNonce: string;
    csrfToken: string;
    /** The storefront is served on the shop's own domain (paths without /s/:slug, no client JS). */
    customDomain: boolean;
    /** A storefront page a CDN may cache (anonymous visitor): it must carry nothing personal. */
    publicPage: boolean;
  }
}
