/** Escapes LIKE/ILIKE wildcards (and the escape character) in text a person typed, so it matches literally. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
