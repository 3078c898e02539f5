import { describe, expect, it } from "vitest";

import {
  combinations,
  formatMoney,
  generateVariants,
  handleize,
  minorToDecimal,
  parseMoney,
  parseOptionValues,
  stockLevel,
} from "~/domain/catalog/catalog-rules";
import { renderDescription, sanitizeDescriptionHtml } from "~/domain/catalog/description.server";
import { draftFromFields } from "~/domain/catalog/product-draft";
import { validateDraft } from "~/domain/catalog/products.server";
import { sniffContentType, uploadProblem } from "~/domain/media/media-rules";

import { makeDraft } from "../helpers/catalog";

describe("variant generation", () => {
  it("makes every combination of up to three options, first option slowest", () => {
    const combos = combinations([
      { name: "Size", values: ["S", "M"] },
      { name: "Colour", values: ["Red", "Blue"] },
      { name: "Fit", values: ["Slim"] },
    ]);
    expect(combos).toEqual([
      ["S", "Red", "Slim"],
      ["S", "Blue", "Slim"],
      ["M", "Red", "Slim"],
      ["M", "Blue", "Slim"],
    ]);
    expect(combinations([])).toEqual([[]]);
  });

  it("keeps what was set on variants whose values still exist, and adds the new ones", () => {
    const existing = [
      { values: ["S"], price: "10.00" },
      { values: ["M"], price: "12.00" },
    ];
    const next = generateVariants([{ name: "Size", values: ["s", "L"] }], existing, (values) => ({ values, price: "" }));
    expect(next).toEqual([
      { values: ["s"], price: "10.00" },
      { values: ["L"], price: "" },
    ]);
  });

  it("validates a draft: regenerates on option changes, keeps a chosen subset otherwise, and names each problem's field", () => {
    const draft = makeDraft({
      title: "Batik shirt",
      options: [
        ["Size", ["S", "M", "L"]],
        ["Colour", ["Red", "Blue"]],
      ],
      price: "49.90",
    });
    expect(draft.variants).toHaveLength(6);
    const subset = { ...draft, variants: draft.variants.slice(0, 4) };
    const kept = validateDraft(subset, "MYR", { regenerate: false });
    expect(kept.ok && kept.input.variants.map((v) => v.values.join("/"))).toEqual(["S/Red", "S/Blue", "M/Red", "M/Blue"]);
    const regenerated = validateDraft(subset, "MYR", { regenerate: true });
    expect(regenerated.ok && regenerated.input.variants).toHaveLength(6);
    expect(regenerated.ok && regenerated.input.variants[0].priceMinor).toBe(4990);

    const bad = { ...draft, title: " ", variants: draft.variants.map((v, i) => (i === 2 ? { ...v, price: "12.345", compareAt: "1" } : v)) };
    bad.variants[3] = { ...bad.variants[3], sku: "DUP" };
    bad.variants[4] = { ...bad.variants[4], sku: "dup" };
    const result = validateDraft(bad, "MYR", { regenerate: false });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual({
      title: { key: "catalog:fieldErrors.titleRequired" },
      "variants.2.price": { key: "catalog:fieldErrors.priceFormat" },
      "variants.4.sku": { key: "catalog:fieldErrors.skuTwice" },
    });
    const tooMany = validateDraft(
      makeDraft({
        title: "x",
        options: [
          ["A", ["1", "2", "3", "4", "5"]],
          ["B", ["1", "2", "3", "4", "5"]],
          ["C", ["1", "2", "3", "4", "5"]],
        ],
      }),
      "MYR",
      { regenerate: true },
    );
    expect(!tooMany.ok && tooMany.errors["options.2.values"]).toEqual({
      key: "catalog:fieldErrors.tooManyVariants",
      values: { variants: 125, max: 100 },
    });
  });

  it("rebuilds the editor's draft from submitted fields", () => {
    const draft = draftFromFields({
      title: "Kaya",
      "options.0.name": "Size",
      "options.0.values": "250 ml, 400 ml",
      "variants.1.option1": "400 ml",
      "variants.1.price": "21.00",
      "variants.0.option1": "250 ml",
      "variants.0.price": "14.50",
      "variants.0.track": "on",
      collectionIds: ["a", "b"],
    });
    expect(draft.options).toEqual([{ name: "Size", values: "250 ml, 400 ml" }]);
    expect(draft.variants.map((v) => [v.values, v.price, v.track])).toEqual([
      [["250 ml"], "14.50", true],
      [["400 ml"], "21.00", false],
    ]);
    expect(draft.collectionIds).toEqual(["a", "b"]);
  });
});

describe("money, handles and values", () => {
  it("parses prices into minor units and back", () => {
    expect(parseMoney("12.90", "MYR")).toBe(1290);
    expect(parseMoney("RM 1,299", "MYR")).toBe(129900);
    expect(parseMoney("0.5", "MYR")).toBe(50);
    expect(parseMoney("12.345", "MYR")).toBeUndefined();
    expect(parseMoney("-1", "MYR")).toBeUndefined();
    expect(parseMoney("abc", "MYR")).toBeUndefined();
    expect(parseMoney("15000", "JPY")).toBe(15000);
    expect(parseMoney("12.50", "JPY")).toBeUndefined();
    expect(minorToDecimal(129950, "MYR")).toBe("1299.50");
    expect(minorToDecimal(5, "MYR")).toBe("0.05");
    expect(formatMoney(1290, "MYR").replace(/\s/g, " ")).toBe("RM 12.90"); // Intl puts a no-break space there
  });

  it("makes handles and option values people expect", () => {
    expect(handleize("Batik Shirt (Men's) — Kenanga")).toBe("batik-shirt-mens-kenanga");
    expect(handleize("Café Crème")).toBe("cafe-creme");
    expect(parseOptionValues(" S, M ,m,, L ")).toEqual(["S", "M", "L"]);
    expect([stockLevel(null), stockLevel(0), stockLevel(3), stockLevel(50)]).toEqual(["untracked", "out", "low", "in"]);
  });
});

describe("descriptions", () => {
  it("renders Markdown and removes anything that could run script", () => {
    const html = renderDescription(
      '## Care\n\n**Hand wash** only. [Guide](https://example.com/care)\n\n<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a><iframe src="https://evil"></iframe>',
    );
    expect(html).toContain("<h2>Care</h2>");
    expect(html).toContain("<strong>Hand wash</strong>");
    expect(html).toContain('<a href="https://example.com/care" rel="nofollow noopener noreferrer" target="_blank">Guide</a>');
    expect(html).not.toMatch(/script|onerror|javascript:|iframe/i);
    expect(sanitizeDescriptionHtml('<p style="color:red" onclick="x()">Hi <b>there</b></p>')).toBe("<p>Hi <b>there</b></p>");
  });
});

describe("media rules", () => {
  it("checks type and size before signing an upload", () => {
    expect(uploadProblem({ type: "image/png", size: 1000, name: "a.png" })).toBeUndefined();
    expect(uploadProblem({ type: "image/gif", size: 1000, name: "a.gif" })).toBe(
      "a.gif: use a JPG, PNG or WebP image, or an MP4 or WebM video.",
    );
    expect(uploadProblem({ type: "image/jpeg", size: 11 * 1024 * 1024, name: "big.jpg" })).toBe(
      "big.jpg is 11 MB: images can be at most 10 MB.",
    );
    expect(uploadProblem({ type: "video/mp4", size: 150 * 1024 * 1024, name: "v.mp4" })).toBeUndefined();
    expect(uploadProblem({ type: "video/webm", size: 201 * 1024 * 1024, name: "v.webm" })).toBe(
      "v.webm is 201 MB: videos can be at most 200 MB.",
    );
  });

  it("recognises files by their first bytes", () => {
    expect(sniffContentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffContentType(Buffer.from("\x89PNG\r\n\x1a\n", "latin1"))).toBe("image/png");
    expect(sniffContentType(Buffer.from("RIFF\0\0\0\0WEBPVP8 ", "latin1"))).toBe("image/webp");
    expect(sniffContentType(Buffer.from("\0\0\0\x18ftypmp42", "latin1"))).toBe("video/mp4");
    expect(sniffContentType(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))).toBe("video/webm");
    expect(sniffContentType(Buffer.from("<html>"))).toBeUndefined();
  });
});
