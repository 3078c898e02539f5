/**
 * English left in a translated text: the words of the English version (three letters or more)
 * that are still in the translation, once names, the brand and other shared words (`keep`) are
 * taken out of both.
 */
export function englishLeft(translated: string, english: string, keep: string[] = []): string[] {
  const strip = (text: string) => keep.reduce((t, k) => t.split(k).join(" "), text);
  const left = strip(translated).toLowerCase();
  const words = new Set((strip(english).match(/[A-Za-z][A-Za-z']{2,}/g) ?? []).map((w) => w.toLowerCase()));
  return [...words].filter((w) => new RegExp(`(^|[^a-z])${w}([^a-z]|$)`).test(left));
}
