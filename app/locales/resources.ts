import en from "./en";
import type { Translations } from "./index";
import ms from "./ms";
import zh from "./zh";

/** Every language's bundled translations (shipped to the browser: no HTTP backend). */
export const RESOURCES = { en, ms, zh } satisfies Record<string, Translations>;
