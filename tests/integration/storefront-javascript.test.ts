/**
 * Storefront pages are plain HTML (issue 16): no Remix client, so no React, React DOM or router
 * in the shopper's browser, only the few inline lines a page needs (the flash-sale countdown) and
 * its JSON-LD. The pages whose behaviour needs the client (checkout's live total, the privacy
 * pages' live progress) and the admin keep it.
 */
import { describe, expect, it } from "vitest";

import { sellable } from "../helpers/checkout";
import { makeShop, makeUser } from "../helpers/factories";
import { clientOfItsOwn, webForFile } from "../helpers/web";

const web = webForFile();

/** What the page asks the browser to run: script files, module scripts, and the client's own markers. */
function javascriptOf(html: string) {
  const tags = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  return {
    files: tags.filter((t) => /\bsrc=/.test(t)),
    modules: tags.filter((t) => /type="module"/.test(t)),
    preloads: [...html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*>/g)].map((m) => m[0]),
    client: /__remixContext/.test(html),
  };
}
const NONE = { files: [], modules: [], preloads: [], client: false };

describe("JavaScript on storefront pages", () => {
  it("the browsing, cart, wishlist, account and 404 pages ship no client; checkout, the privacy page and the admin do", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id, { name: "Kedai Tanpa Skrip" });
    const product = await sellable(shop.id, owner.id, { stock: 5, price: "30.00", title: "Kain Pelikat" });
    const base = `/s/${shop.slug}`;
    const shopper = clientOfItsOwn(web.url);

    const plain = [base, `${base}/products/${product.handle}`, `${base}/search?q=kain`, `${base}/tiada/halaman`];
    for (const path of plain) {
      await shopper.get(path);
      expect({ path, ...javascriptOf(shopper.lastHtml) }).toEqual({ path, ...NONE });
      // What still runs: the flash-sale countdown's few inline lines, allowed by the page's CSP nonce.
      expect(shopper.lastHtml).toMatch(/<script nonce="[^"]+">\(function\(\)\{[^<]*data-countdown/);
    }
    // The product page's add-to-cart is a plain form, and the cart it leads to is plain too.
    await shopper.get(`${base}/products/${product.handle}`);
    const added = await shopper.post(`${base}/cart`, { intent: "add", variantId: product.variantId, quantity: "1" });
    expect(added.status).toBe(302);
    for (const path of [`${base}/cart?status=added`, `${base}/wishlist`, `${base}/account/login`, `${base}/account/signup`]) {
      const res = await shopper.get(path);
      expect(res.status).toBe(200);
      expect({ path, ...javascriptOf(shopper.lastHtml) }).toEqual({ path, ...NONE });
    }
    expect(shopper.lastHtml).toContain('data-testid="language-switcher"');

    // The pages that need the client still hydrate.
    for (const path of [`${base}/checkout`, `${base}/privacy`, "/login"]) {
      const res = await shopper.get(path);
      expect(res.status).toBe(200);
      const js = javascriptOf(shopper.lastHtml);
      expect({ path, client: js.client, modules: js.modules.length > 0 }).toEqual({ path, client: true, modules: true });
    }
  });
});
