import type en from "./en";

// Types only: ms.ts, zh.ts and every namespace's translations import `Translations` from here, so
// this file must never import them back at run time (all languages together are ./resources.ts,
// for the server; the browser loads one language, see app/lib/i18n-loader.ts).

/** The same shape as English, with any text: what ms.ts and zh.ts must provide, key for key. */
export type Translations<T = typeof en> = { [K in keyof T]: T[K] extends string ? string : Translations<T[K]> };
export type Namespace = keyof typeof en;
