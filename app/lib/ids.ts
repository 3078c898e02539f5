import { z } from "zod";

/** A UUID as PostgreSQL prints it: checked before an id from a URL or form reaches a query. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: unknown): s is string => typeof s === "string" && UUID_PATTERN.test(s);

/** The zod field for an id: the same check as isUuid. */
export const uuidField = (message = "Not a valid id.") => z.string().regex(UUID_PATTERN, message);

/** A keyset page's cursor: the last row's sort value and id, opaque to the browser. */
export const encodeCursor = (value: string, id: string) => Buffer.from(JSON.stringify([value, id])).toString("base64url");

/** The cursor's sort value and id, or undefined for anything that is not one of ours. */
export function decodeCursor(cursor: string | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && typeof parsed[0] === "string" && isUuid(parsed[1])) return [parsed[0], parsed[1]];
  } catch {}
  return undefined;
}
