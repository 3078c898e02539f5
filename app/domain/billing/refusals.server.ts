/**
 * Refusals of the billing page and the operators' console in the language of the person who asked
 * (en/ms/zh): the domain's messages, zod issues included, are keys of the billing namespace's
 * `errors`, translated here once, so no route or page has an English string to pass on.
 */
import type { z } from "zod";

import { type FieldErrors, fieldErrors } from "~/lib/forms";
import { DEFAULT_LOCALE, type Locale } from "~/lib/i18n";
import { serverT } from "~/lib/i18n.server";
import type billingEn from "~/locales/billing/en";

import type { OverLimit } from "./plans.server";

export type BillingErrorKey = Exclude<keyof (typeof billingEn)["errors"], "reduce">;

export function billingT(locale: Locale = DEFAULT_LOCALE) {
  return serverT(locale, "billing");
}

/** One refusal's message in `locale`. */
export function billingError(locale: Locale | undefined, key: BillingErrorKey, values: Record<string, string | number> = {}): string {
  return billingT(locale)(`errors.${key}`, values);
}

/** A failed parse's first message per field, translated (the schema's messages are BillingErrorKeys). */
export function parseErrors(locale: Locale | undefined, error: z.ZodError): FieldErrors {
  return Object.fromEntries(
    Object.entries(fieldErrors(error)).map(([field, key]) => [field, billingError(locale, key as BillingErrorKey)]),
  );
}

/** "To move to Free, first: remove 12 products and free 200 MB of media." in `locale`. */
export function downgradeRefusal(locale: Locale | undefined, plan: string, over: OverLimit[], formatBytes: (n: number) => string): string {
  const t = billingT(locale);
  const parts = over.map((o) =>
    o.limit === "storage"
      ? t("errors.reduce.storage", { size: formatBytes(o.reduceBy) })
      : t(o.limit === "products" ? "errors.reduce.products" : "errors.reduce.seats", { count: o.reduceBy }),
  );
  const what = new Intl.ListFormat(locale ?? DEFAULT_LOCALE, { type: "conjunction" }).format(parts);
  return t("reduceFirst", { plan, what });
}
