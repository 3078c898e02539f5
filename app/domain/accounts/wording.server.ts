/**
 * The sign-in problems (codes, waits, passwords, resets) in the visitor's language: the auth
 * namespace's `problems` texts, for the domain's refusals to carry already worded.
 */
import type { TFunction } from "i18next";

import type { Locale } from "~/lib/i18n";
import { serverT } from "~/lib/i18n.server";

export type AuthT = TFunction<"auth">;

export const authT = (locale: Locale): AuthT => serverT(locale, "auth");

/** "45 seconds", "3 minutes" — as describeWait, in the reader's language. */
export function waitIn(t: AuthT, seconds: number): string {
  return seconds < 60 ? t("problems.wait.seconds", { count: seconds }) : t("problems.wait.minutes", { count: Math.ceil(seconds / 60) });
}
