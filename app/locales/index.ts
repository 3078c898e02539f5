import en from "./en";
import ms from "./ms";
import zh from "./zh";

/** The same shape as English, with any text: what ms.ts and zh.ts must provide, key for key. */
export type Translations<T = typeof en> = { [K in keyof T]: T[K] extends string ? string : Translations<T[K]> };

/** Every language's bundled translations (shipped to the browser: no HTTP backend). */
export const RESOURCES = { en, ms, zh } satisfies Record<string, Translations>;
export const NAMESPACES = Object.keys(en) as Array<keyof typeof en>;
export type Namespace = keyof typeof en;
