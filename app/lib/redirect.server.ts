/**
 * `redirect` for every loader and action (ESLint refuses Remix's own): the same, except that the
 * Location is made fit for a header first — any character outside printable ASCII (an emoji in a
 * route parameter, a space in a `redirectTo` a visitor typed) is percent-encoded. Remix's would
 * throw on such a header value, turning hostile input into a 500 wherever a path is built from a
 * parameter or a field (issue 15).
 */
import { redirect as remixRedirect } from "@remix-run/node";

import { locationPath } from "./http";

export function redirect(url: string, init?: number | ResponseInit): ReturnType<typeof remixRedirect> {
  return remixRedirect(locationPath(url), init);
}
