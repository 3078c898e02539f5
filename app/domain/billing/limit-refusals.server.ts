/**
 * Plan-limit refusals (products, storage, AI credits) in the language of the person who meets
 * them. A refusal carries its facts (`PlanLimit`: which limit, the plan, the numbers), not only
 * words: the domain's `errors` hold the English text, and the page words
 * the facts in its reader's language (billing namespace, `limits`) with `limitsInLanguage`.
 * Stored refusals (a CSV import's row problems) keep the facts too and are worded when shown.
 */
import { formatBytes } from "~/lib/bytes";
import { type Coded, coded } from "~/lib/forms";
import { DEFAULT_LOCALE, type Locale } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";

import type { PlanLimit, PlanLimitReached } from "./plans.server";

/** The refusal's words in `locale`. */
export function planLimitMessage(locale: Locale | undefined, limit: PlanLimit): string {
  const t = serverT(locale ?? DEFAULT_LOCALE, "billing");
  switch (limit.limit) {
    case "products":
      return t("limits.products", { plan: limit.plan, allowed: limit.allowed, count: limit.count });
    case "storage":
      return t("limits.storage", {
        plan: limit.plan,
        allowed: formatBytes(limit.allowed),
        used: formatBytes(limit.used),
        adding: formatBytes(limit.adding),
      });
    case "credits":
      return t(limit.held ? "limits.creditsHeld" : "limits.credits", {
        plan: limit.plan,
        kind: t(`limits.kinds.${limit.kind}`),
        allowance: limit.allowance,
        left: limit.left,
        held: limit.held,
        needs: limit.needs,
      });
  }
}

/**
 * A products or storage refusal as a coded message (see ~/lib/forms), for domain calls whose
 * refusals are all coded (the product editor, the CSV import's stored problems): the page words it.
 * Sizes travel worded ("1.2 GB" reads the same in every language); a credits refusal needs its
 * kind worded too, so it goes through `limitRefusal` instead.
 */
export function planLimitCoded(limit: Exclude<PlanLimit, { limit: "credits" }>): Coded {
  if (limit.limit === "products") return coded("billing:limits.products", { plan: limit.plan, allowed: limit.allowed, count: limit.count });
  return coded("billing:limits.storage", {
    plan: limit.plan,
    allowed: formatBytes(limit.allowed),
    used: formatBytes(limit.used),
    adding: formatBytes(limit.adding),
  });
}

/** A domain refusal with the limit's facts, under `field` (the whole form unless named). */
export type LimitRefusal = { ok: false; errors: Record<string, string>; planLimit: { field: string; limit: PlanLimit } };

/** The refusal a domain call returns for a PlanLimitReached: its English words, and its facts. */
export function limitRefusal(error: PlanLimitReached, field = "form"): LimitRefusal {
  return { ok: false, errors: { [field]: planLimitMessage("en", error.limit) }, planLimit: { field, limit: error.limit } };
}

function hasLimit(result: unknown): result is LimitRefusal {
  return typeof result === "object" && result !== null && "planLimit" in result;
}

/** `result` with a plan-limit refusal worded in `locale`; any other result as it is. */
export function limitsIn<T>(locale: Locale, result: T): T {
  if (!hasLimit(result)) return result;
  const { field, limit } = result.planLimit;
  return { ...result, errors: { ...result.errors, [field]: planLimitMessage(locale, limit) } };
}

/** `result` with a plan-limit refusal worded in the request's language. */
export async function limitsInLanguage<T>(request: Request, result: T): Promise<T> {
  return hasLimit(result) ? limitsIn(await localeFor(request), result) : result;
}
