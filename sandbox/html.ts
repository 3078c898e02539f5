/** Tiny helpers for the sandbox's human-readable pages (escaped by construction). */
export function esc(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export function page(title: string, body: string, options: { refreshSeconds?: number } = {}): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
${options.refreshSeconds ? `<meta http-equiv="refresh" content="${options.refreshSeconds}">` : ""}
<title>${esc(title)} · NetShop provider sandbox</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f1f5f9;color:#0f172a}
header{background:#1e293b;color:#fff;padding:.75rem 1.25rem}header a{color:#a5f3fc}
main{max-width:60rem;margin:1.5rem auto;padding:0 1rem}
table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:.5rem .6rem;border-bottom:1px solid #e2e8f0;vertical-align:top}
th{font-size:.75rem;text-transform:uppercase;color:#475569}.bubble{background:#dcf8c6;border-radius:8px;padding:.4rem .6rem;white-space:pre-wrap;display:inline-block;max-width:36rem}
.muted{color:#64748b;font-size:.85rem}.card{background:#fff;border-radius:10px;padding:1rem 1.25rem;margin-bottom:1rem;border:1px solid #e2e8f0}
code{background:#e2e8f0;padding:.1em .3em;border-radius:4px}
</style></head><body><header><strong>NetShop provider sandbox</strong> · <a href="/">all stand-ins</a></header><main>${body}</main></body></html>`;
}

/** Sets the switches a `_control` request names, each only to a value of its own type. */
export function applySwitches<T extends object>(switches: T, body: Record<string, unknown>): void {
  for (const key of Object.keys(switches)) {
    if (typeof body[key] === typeof (switches as Record<string, unknown>)[key]) (switches as Record<string, unknown>)[key] = body[key];
  }
}

/** A stand-in's switches for its page: `name = value` pairs that wrap. */
export function switchesText(switches: object): string {
  return Object.entries(switches)
    .map(([name, value]) => `<code>${esc(name)} = ${esc(JSON.stringify(value))}</code>`)
    .join(" ");
}
