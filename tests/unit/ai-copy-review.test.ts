import { describe, expect, it } from "vitest";

import { changeFor, withBullets } from "~/domain/ai/copy-rules";
import type { ProductCopy } from "~/integrations/ai-copy.server";

const copy: ProductCopy = {
  title: "Songket Tote",
  description: "A tote woven in Kelantan.",
  bulletPoints: ["Gold thread", "40 × 35 cm", "Lined inside"],
  seoTitle: "Songket Tote | Buy Online",
  metaDescription: "Shop the Songket Tote online.",
  tags: ["songket", "tote"],
};
const current = { title: "Tote", descriptionMd: "Old words.", seoTitle: null, seoDescription: null, tags: ["old"] };

describe("applying a draft field", () => {
  it("maps each field to the product field it fills, and only that one", () => {
    expect(changeFor("title", copy, current)).toEqual({ title: "Songket Tote" });
    expect(changeFor("description", copy, current)).toEqual({ descriptionMd: "A tote woven in Kelantan." });
    expect(changeFor("seoTitle", copy, current)).toEqual({ seoTitle: "Songket Tote | Buy Online" });
    expect(changeFor("metaDescription", copy, current)).toEqual({ seoDescription: "Shop the Songket Tote online." });
    expect(changeFor("tags", copy, current)).toEqual({ tags: ["songket", "tote"] });
    expect(changeFor("bulletPoints", copy, current)).toEqual({
      descriptionMd: "Old words.\n\n- Gold thread\n- 40 × 35 cm\n- Lined inside",
    });
  });

  it("puts bullet points at the end of the description, replacing a list already there", () => {
    const once = withBullets("Intro.\n\nMore.", ["a", "b"]);
    expect(once).toBe("Intro.\n\nMore.\n\n- a\n- b");
    expect(withBullets(once, ["c"])).toBe("Intro.\n\nMore.\n\n- c");
    expect(withBullets("", ["x", "y\nz"])).toBe("- x\n- y z");
    expect(withBullets("* one\n* two\n", ["three"])).toBe("- three");
  });
});
