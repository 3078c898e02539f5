/**
 * What every settings page's action shares: who is changing the shop and from where (what the
 * settings calls audit), and the one answer shape its form reads with `useFormResult` — the
 * message per field (coded ones worded by the page), the values sent back so the form keeps what
 * was typed, whether it saved, and a coded notice for the success banner.
 */
import { type AppLoadContext, data } from "@remix-run/node";

import type { RequestInfo } from "~/domain/audit/audit.server";
import { type Coded, keptValues } from "~/lib/forms";

/** The acting member of a shop and the request's address and browser. */
export function settingsActor(
  access: { user: { id: string }; shop: { shopId: string } },
  context: Pick<AppLoadContext, "ip" | "userAgent">,
): { userId: string; shopId: string } & Required<RequestInfo> {
  return { userId: access.user.id, shopId: access.shop.shopId, ip: context.ip, userAgent: context.userAgent };
}

/** A message per field: coded (worded by the page) or, from areas not coded yet, text. */
type Errors = Record<string, string | Coded>;

export interface SettingsAnswer {
  errors: Errors;
  values: Record<string, string>;
  saved: boolean;
  notice?: Coded;
}

/**
 * The action's answer to a settings form: 400 with the refusal and what was typed (never the
 * fields in `omit`: passwords, secrets), or the saved flag and `notice`. A refusal may ask for
 * another status (403 for a plan without the feature).
 */
export function settingsAnswer(
  form: FormData,
  outcome: { ok: true } | { ok: false; errors: Errors },
  options: { omit?: string[]; notice?: Coded; status?: number; keep?: boolean } = {},
) {
  const values = keptValues(form, options.omit);
  if (!outcome.ok) return data<SettingsAnswer>({ errors: outcome.errors, values, saved: false }, { status: options.status ?? 400 });
  return data<SettingsAnswer>({ errors: {}, values: options.keep === false ? {} : values, saved: true, notice: options.notice });
}
