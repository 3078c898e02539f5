/**
 * Text that may enter the product from outside (paths, query strings, headers, form fields) must be
 * well-formed UTF-8 without NUL: PostgreSQL refuses NUL in text ("invalid byte sequence for encoding
 * UTF8: 0x00") and broken sequences hide what was really sent. The HTTP layer and readForm check
 * everything once with these, so no route has to.
 */

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8 = new TextEncoder();

/** True when the bytes are valid UTF-8 with no NUL byte. */
export function isCleanUtf8(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** True when a JavaScript string holds no NUL and no lone surrogate (which has no UTF-8 form). */
export function isCleanText(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/**
 * The bytes a percent-encoded string stands for (`+` as a space when `plus`). Returns undefined for
 * a `%` not followed by two hex digits when `strict` (a path), and keeps it literally otherwise
 * (a query string, which URLSearchParams reads the same forgiving way). Characters above U+00FF
 * (never sent raw by a client) count as their UTF-8 bytes.
 */
export function percentDecodeBytes(s: string, options: { plus?: boolean; strict?: boolean } = {}): Uint8Array | undefined {
  const out: number[] = [];
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const c = ch.codePointAt(0)!;
    if (ch === "%") {
      const hex = (chars[i + 1] ?? "") + (chars[i + 2] ?? "");
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        out.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
      if (options.strict) return undefined;
      out.push(c);
    } else if (ch === "+" && options.plus) out.push(0x20);
    else if (c <= 0xff) out.push(c);
    else out.push(...utf8.encode(ch));
  }
  return Uint8Array.from(out);
}

/**
 * JSON.parse for bodies from outside (webhooks, callbacks): also throws (a SyntaxError, as for
 * broken JSON) when a key or string holds a NUL or a lone surrogate — which JSON can carry as
 * `\u0000` or `\ud800` escapes, past every byte-level check, and PostgreSQL refuses (a 500).
 */
export function parseCleanJson(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => {
    if (!isCleanText(key) || (typeof value === "string" && !isCleanText(value))) throw new SyntaxError("NUL or broken text in JSON");
    return value;
  });
}

/** True when a raw form or JSON body carries a NUL in any spelling: a byte, `%00`, or a `\u0000` escape. */
export function hasEscapedNul(body: string): boolean {
  return !isCleanText(body) || /%00|\\u0000/i.test(body);
}
