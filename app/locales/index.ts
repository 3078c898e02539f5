import en from "./en";

// Types and names only: ms.ts, zh.ts and every namespace's translations import `Translations` from
// here, so this file must never import them back (the bundle of all languages is ./resources.ts).

/** The same shape as English, with any text: what ms.ts and zh.ts must provide, key for key. */
export type Translations<T = typeof en> = { [K in keyof T]: T[K] extends string ? string : Translations<T[K]> };

export const NAMESPACES = Object.keys(en) as Array<keyof typeof en>;
export type Namespace = keyof typeof en;
