import type { HeadersFunction } from "@remix-run/node";

/**
 * Lets the headers an action or loader sets with `data(..., { headers })` (Retry-After and the
 * like) reach a document response: Remix merges only Set-Cookie on its own.
 */
export const passThroughHeaders: HeadersFunction = ({ actionHeaders, loaderHeaders }) => {
  const headers = new Headers(loaderHeaders);
  actionHeaders.forEach((value, key) => headers.set(key, value));
  headers.delete("Set-Cookie"); // merged by Remix itself
  return headers;
};
