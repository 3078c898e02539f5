// The product editor's form, as plain strings: built from a saved product (server) or from the
// submitted fields (server, after a refused save, so nothing typed is lost), and edited in the
// browser. Field names: `title`, `options.0.name`, `options.0.values`, `variants.3.price`, …
import { generateVariants, MAX_OPTIONS, parseOptionValues, type ProductStatus } from "./catalog-rules";

export interface VariantDraft {
  /** Set for saved variants. */
  id: string;
  values: string[];
  sku: string;
  barcode: string;
  price: string;
  compareAt: string;
  cost: string;
  weight: string;
  track: boolean;
  backorder: boolean;
  /** Stock to start with (new variants only; saved ones change through adjustments). */
  initialStock: string;
  /** Saved variants: what is on hand now (display only). */
  onHand: number | null;
}

export interface OptionDraft {
  name: string;
  /** Comma-separated values as typed. */
  values: string;
}

export interface ProductDraft {
  title: string;
  handle: string;
  descriptionMd: string;
  status: ProductStatus;
  brand: string;
  productType: string;
  tags: string;
  seoTitle: string;
  seoDescription: string;
  categoryId: string;
  collectionIds: string[];
  options: OptionDraft[];
  variants: VariantDraft[];
}

export function emptyVariant(values: string[], template?: VariantDraft): VariantDraft {
  return {
    id: "",
    values,
    sku: "",
    barcode: "",
    price: template?.price ?? "",
    compareAt: template?.compareAt ?? "",
    cost: template?.cost ?? "",
    weight: template?.weight ?? "",
    track: template?.track ?? true,
    backorder: template?.backorder ?? false,
    initialStock: "",
    onHand: null,
  };
}

export function emptyDraft(): ProductDraft {
  return {
    title: "",
    handle: "",
    descriptionMd: "",
    status: "draft",
    brand: "",
    productType: "",
    tags: "",
    seoTitle: "",
    seoDescription: "",
    categoryId: "",
    collectionIds: [],
    options: [],
    variants: [emptyVariant([])],
  };
}

/** The options that count: named, with at least one value. */
export function usableOptions(options: OptionDraft[]) {
  return options
    .slice(0, MAX_OPTIONS)
    .map((o) => ({ name: o.name.trim(), values: parseOptionValues(o.values) }))
    .filter((o) => o.name !== "" && o.values.length > 0);
}

/** Regenerates the variant rows after the options changed, keeping what was typed in matching rows. */
export function syncVariants(draft: ProductDraft): VariantDraft[] {
  const options = usableOptions(draft.options);
  const template = draft.variants[0];
  return generateVariants(options, draft.variants, (values) => emptyVariant(values, template));
}

type Fields = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[v.length - 1] ?? "") : (v ?? ""));

/** Rebuilds the draft from submitted form fields. */
export function draftFromFields(fields: Fields): ProductDraft {
  const indexed = (prefix: string) => {
    const rows = new Map<number, Record<string, string>>();
    for (const [key, value] of Object.entries(fields)) {
      const m = key.match(new RegExp(`^${prefix}\\.(\\d{1,3})\\.(\\w+)$`));
      if (!m) continue;
      const i = Number(m[1]);
      rows.set(i, { ...(rows.get(i) ?? {}), [m[2]]: one(value) });
    }
    return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
  };
  const collectionIds = fields.collectionIds;
  return {
    title: one(fields.title),
    handle: one(fields.handle),
    descriptionMd: one(fields.descriptionMd),
    status: (one(fields.status) || "draft") as ProductStatus,
    brand: one(fields.brand),
    productType: one(fields.productType),
    tags: one(fields.tags),
    seoTitle: one(fields.seoTitle),
    seoDescription: one(fields.seoDescription),
    categoryId: one(fields.categoryId),
    collectionIds: Array.isArray(collectionIds) ? collectionIds : collectionIds ? [collectionIds] : [],
    options: indexed("options").map((o) => ({ name: o.name ?? "", values: o.values ?? "" })),
    variants: indexed("variants").map((v) => ({
      id: v.id ?? "",
      values: [v.option1, v.option2, v.option3].filter((x): x is string => typeof x === "string" && x !== ""),
      sku: v.sku ?? "",
      barcode: v.barcode ?? "",
      price: v.price ?? "",
      compareAt: v.compareAt ?? "",
      cost: v.cost ?? "",
      weight: v.weight ?? "",
      track: v.track === "on" || v.track === "true",
      backorder: v.backorder === "on" || v.backorder === "true",
      initialStock: v.initialStock ?? "",
      onHand: v.onHand && /^-?\d+$/.test(v.onHand) ? Number(v.onHand) : null,
    })),
  };
}
