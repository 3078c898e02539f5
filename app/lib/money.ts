/**
 * Money is an integer number of minor units (sen for MYR) everywhere in NetShop. These helpers
 * convert to and from the exact decimal text some providers want ("472.50"), by string
 * arithmetic only, so no amount ever passes through a binary float.
 */

/** Minor-unit digits per currency; ISO 4217 exponent 2 unless listed. */
const EXPONENTS: Record<string, number> = { JPY: 0, KRW: 0, VND: 0, BHD: 3, KWD: 3 };

export function currencyExponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

/** True for a safe integer: the only shape an amount in minor units may have. */
export function isMinorAmount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

/** 47250 → "472.50" (exponent 2). */
export function minorToDecimalString(minor: number, exponent = 2): string {
  if (!isMinorAmount(minor)) throw new RangeError(`amount must be an integer number of minor units (got ${minor})`);
  const sign = minor < 0 ? "-" : "";
  const digits = Math.abs(minor)
    .toString()
    .padStart(exponent + 1, "0");
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * "472.5" → 47250 (exponent 2). Refuses exponents, separators and more fractional digits than
 * the currency has (unless they are zeros), rather than rounding silently.
 */
export function decimalStringToMinor(text: string, exponent = 2): number {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new RangeError(`not a decimal amount: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = ""] = match;
  const kept = fraction.slice(0, exponent).padEnd(exponent, "0");
  if (/[^0]/.test(fraction.slice(exponent))) {
    throw new RangeError(`${text} has more than ${exponent} decimal places`);
  }
  const minor = Number(`${whole}${kept}`);
  if (!Number.isSafeInteger(minor)) throw new RangeError(`${text} is too large`);
  return sign && minor !== 0 ? -minor : minor;
}

/** Minor units → "12.90" (for inputs and CSV; no currency sign). */
export function minorToDecimal(minor: number, currency: string): string {
  return minorToDecimalString(minor, currencyExponent(currency));
}

// Building an Intl formatter costs far more than using one (a list page formats hundreds of
// prices): keep one per currency and locale.
const moneyFormats = new Map<string, Intl.NumberFormat>();
function moneyFormat(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    const digits = currencyExponent(currency);
    format = new Intl.NumberFormat(locale, { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    moneyFormats.set(key, format);
  }
  return format;
}

/** Minor units → "RM 12.90" for people, in the page's language (a BCP 47 tag). */
export function formatMoney(minor: number, currency: string, locale = "en-MY"): string {
  return moneyFormat(currency, locale).format(Number(minorToDecimalString(minor, currencyExponent(currency))));
}
