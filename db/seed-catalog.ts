/**
 * The demo shop's catalog for `npm start`: a dozen products with options, stock, collections,
 * categories and images. There is no internet on a fresh machine, so the product images are
 * drawn here (SVG artwork rendered to PNG by sharp) and uploaded through the storage client;
 * the media worker makes their renditions like any upload. Created through the same domain code
 * as the admin. Idempotent: does nothing when the shop already has products.
 */
import { count } from "drizzle-orm";
import sharp from "sharp";

import { createCategory, saveCollection } from "~/domain/catalog/collections.server";
import { emptyDraft, emptyVariant, type ProductDraft, syncVariants } from "~/domain/catalog/product-draft";
import { createProduct, validateDraft } from "~/domain/catalog/products.server";
import { addImageFromBuffer } from "~/domain/media/media.server";

import { schema, withShop } from "./client";

type Shape = "shirt" | "cloth" | "bag" | "jar" | "mug" | "kite" | "soap" | "tankard" | "scarf" | "pack";

interface DemoProduct {
  title: string;
  description: string;
  brand: string;
  type: string;
  category: string;
  collections: string[];
  tags: string;
  status?: "active" | "draft";
  options: Array<[string, string[]]>;
  price: string;
  compareAt?: string;
  cost: string;
  grams: number;
  sku: string;
  stock: number[];
  art: { shape: Shape; colours: string[] };
  /** Prices per value of the first option, when they differ. */
  pricesByFirstOption?: string[];
}

const PRODUCTS: DemoProduct[] = [
  {
    title: "Kenanga Batik Shirt",
    description:
      "Hand-drawn **batik tulis** from Terengganu on breathable cotton. Short sleeves, a relaxed cut and coconut-shell buttons.\n\n- 100% cotton\n- Hand wash cold, dry in the shade",
    brand: "Kedai Aisyah",
    type: "Shirt",
    category: "Clothing",
    collections: ["New arrivals", "Raya collection"],
    tags: "batik, cotton, men",
    options: [
      ["Size", ["S", "M", "L", "XL"]],
      ["Colour", ["Indigo", "Maroon"]],
    ],
    price: "129.00",
    compareAt: "159.00",
    cost: "55.00",
    grams: 280,
    sku: "BTK-KEN",
    stock: [4, 6, 9, 7, 8, 3, 2, 0],
    art: { shape: "shirt", colours: ["#1e3a8a", "#f59e0b", "#fde68a"] },
  },
  {
    title: "Songket Sampin",
    description: "Woven on a traditional loom with gilt thread, for Hari Raya and weddings. About 1 m × 2 m.",
    brand: "Tenun Pahang",
    type: "Sampin",
    category: "Clothing",
    collections: ["Raya collection"],
    tags: "songket, raya, wedding",
    options: [["Colour", ["Gold", "Silver", "Emerald"]]],
    price: "259.00",
    cost: "140.00",
    grams: 450,
    sku: "SGK-SMP",
    stock: [5, 3, 2],
    art: { shape: "cloth", colours: ["#7f1d1d", "#facc15", "#fef3c7"] },
  },
  {
    title: "Baju Kurung Moden",
    description: "A modern baju kurung in soft crepe with a pleated skirt and hidden side pockets.",
    brand: "Kedai Aisyah",
    type: "Baju kurung",
    category: "Clothing",
    collections: ["New arrivals", "Raya collection"],
    tags: "baju kurung, raya, women",
    options: [
      ["Size", ["XS", "S", "M", "L", "XL"]],
      ["Colour", ["Sage", "Dusty pink", "Navy"]],
    ],
    price: "189.00",
    cost: "80.00",
    grams: 520,
    sku: "BJK-MOD",
    stock: [2, 1, 3, 4, 5, 6, 5, 4, 6, 3, 2, 2, 1, 0, 2],
    art: { shape: "cloth", colours: ["#4d7c0f", "#fbcfe8", "#ecfccb"] },
  },
  {
    title: "Tudung Bawal Satin",
    description: "Square satin tudung, 45 inches, with finely stitched edges that hold their shape.",
    brand: "Kedai Aisyah",
    type: "Tudung",
    category: "Accessories",
    collections: ["New arrivals"],
    tags: "tudung, satin",
    options: [["Colour", ["Black", "Cream", "Olive", "Mauve"]]],
    price: "39.00",
    cost: "12.00",
    grams: 90,
    sku: "TDG-BWL",
    stock: [25, 18, 12, 4],
    art: { shape: "scarf", colours: ["#6b21a8", "#e9d5ff", "#faf5ff"] },
  },
  {
    title: "Rattan Tote Bag",
    description: "Woven by hand in Sarawak from rattan, lined with batik cotton. Fits a laptop.",
    brand: "Anyam Sarawak",
    type: "Bag",
    category: "Accessories",
    collections: ["New arrivals"],
    tags: "rattan, handmade, sarawak",
    options: [["Colour", ["Natural", "Black"]]],
    price: "149.00",
    cost: "70.00",
    grams: 600,
    sku: "RTN-TOT",
    stock: [7, 3],
    art: { shape: "bag", colours: ["#92400e", "#fcd34d", "#fffbeb"] },
  },
  {
    title: "Kopi Tenom Ground Coffee",
    description: "Robusta from Tenom, Sabah, roasted with a little butter and sugar the kopitiam way. Medium grind for a sock filter.",
    brand: "Kopi Pak Mat",
    type: "Coffee",
    category: "Food & drink",
    collections: ["Pantry"],
    tags: "coffee, sabah",
    options: [["Size", ["250 g", "500 g", "1 kg"]]],
    price: "22.00",
    cost: "9.00",
    grams: 260,
    sku: "KOP-TNM",
    stock: [40, 22, 9],
    pricesByFirstOption: ["22.00", "38.00", "69.00"],
    art: { shape: "pack", colours: ["#451a03", "#d97706", "#fef3c7"] },
  },
  {
    title: "Pandan Kaya Spread",
    description: "Coconut jam cooked slowly with fresh pandan leaves and kampung eggs. Keep refrigerated once opened.",
    brand: "Dapur Mak Teh",
    type: "Spread",
    category: "Food & drink",
    collections: ["Pantry"],
    tags: "kaya, pandan, breakfast",
    options: [["Size", ["250 ml", "400 ml"]]],
    price: "14.50",
    cost: "5.50",
    grams: 300,
    sku: "KAY-PDN",
    stock: [30, 12],
    pricesByFirstOption: ["14.50", "21.00"],
    art: { shape: "jar", colours: ["#15803d", "#bbf7d0", "#f0fdf4"] },
  },
  {
    title: "Sambal Garing",
    description: "Crispy anchovy sambal with peanuts and shallots. Spoon it over rice, noodles, or eat it straight from the jar.",
    brand: "Dapur Mak Teh",
    type: "Sambal",
    category: "Food & drink",
    collections: ["Pantry"],
    tags: "sambal, spicy",
    options: [["Heat", ["Mild", "Hot", "Extra hot"]]],
    price: "18.00",
    cost: "6.00",
    grams: 220,
    sku: "SMB-GRG",
    stock: [14, 20, 5],
    art: { shape: "jar", colours: ["#b91c1c", "#fca5a5", "#fef2f2"] },
  },
  {
    title: "Ceramic Kopi Mug",
    description: "A thick-walled stoneware mug for kopi-o, glazed by hand in Perak. Dishwasher safe.",
    brand: "Tanah Liat",
    type: "Mug",
    category: "Home & living",
    collections: ["New arrivals"],
    tags: "ceramic, mug",
    options: [["Colour", ["White", "Teal", "Terracotta"]]],
    price: "35.00",
    cost: "13.00",
    grams: 380,
    sku: "MUG-KOP",
    stock: [16, 11, 0],
    art: { shape: "mug", colours: ["#0f766e", "#99f6e4", "#f0fdfa"] },
  },
  {
    title: "Pewter Tankard",
    description: "Polished pewter from Kuala Lumpur, 97% tin. Engraving on request.",
    brand: "Timah Selangor",
    type: "Tankard",
    category: "Home & living",
    collections: [],
    tags: "pewter, gift",
    options: [],
    price: "320.00",
    cost: "150.00",
    grams: 700,
    sku: "PWT-TNK",
    stock: [6],
    art: { shape: "tankard", colours: ["#475569", "#cbd5e1", "#f8fafc"] },
  },
  {
    title: "Wau Bulan Kite Ornament",
    description: "The moon kite of Kelantan, hand cut and painted, for the wall.",
    brand: "Wau Kelantan",
    type: "Ornament",
    category: "Home & living",
    collections: ["Raya collection"],
    tags: "wau, kelantan, decor",
    options: [["Size", ["Small", "Large"]]],
    price: "85.00",
    cost: "30.00",
    grams: 400,
    sku: "WAU-BLN",
    stock: [8, 2],
    pricesByFirstOption: ["85.00", "160.00"],
    art: { shape: "kite", colours: ["#be123c", "#fde047", "#fff1f2"] },
  },
  {
    title: "Handmade Soap Set",
    description: "Three cold-process soaps with virgin coconut oil. A new set for the coming season is being finished.",
    brand: "Sabun Kampung",
    type: "Soap",
    category: "Home & living",
    collections: [],
    tags: "soap, coconut",
    status: "draft",
    options: [["Scent", ["Lemongrass", "Jasmine", "Sandalwood"]]],
    price: "29.00",
    cost: "9.00",
    grams: 330,
    sku: "SBN-SET",
    stock: [10, 10, 10],
    art: { shape: "soap", colours: ["#a16207", "#fef08a", "#fefce8"] },
  },
];

const SHAPES: Record<Shape, string> = {
  shirt: "M230 150 L300 120 Q400 170 500 120 L570 150 L650 260 L580 300 L560 270 L560 640 L240 640 L240 270 L220 300 L150 260 Z",
  cloth: "M220 160 L580 160 L620 640 L180 640 Z",
  bag: "M230 300 L570 300 L610 640 L190 640 Z M310 300 Q310 170 400 170 Q490 170 490 300 L460 300 Q460 200 400 200 Q340 200 340 300 Z",
  jar: "M290 200 L510 200 L510 250 Q580 280 580 360 L580 600 Q580 650 530 650 L270 650 Q220 650 220 600 L220 360 Q220 280 290 250 Z",
  mug: "M230 250 L520 250 L520 610 Q520 650 480 650 L270 650 Q230 650 230 610 Z M520 320 Q640 320 640 430 Q640 540 520 540 L520 500 Q600 500 600 430 Q600 360 520 360 Z",
  kite: "M400 120 Q520 260 640 300 Q520 330 470 380 Q560 470 400 660 Q240 470 330 380 Q280 330 160 300 Q280 260 400 120 Z",
  soap: "M200 330 Q200 280 250 280 L550 280 Q600 280 600 330 L600 560 Q600 610 550 610 L250 610 Q200 610 200 560 Z",
  tankard: "M260 200 L520 200 L520 640 L260 640 Z M520 280 Q640 290 640 420 Q640 550 520 560 L520 520 Q600 510 600 420 Q600 330 520 320 Z",
  scarf: "M200 200 L600 200 L600 600 L200 600 Z",
  pack: "M250 180 L550 180 L580 650 L220 650 Z",
};

/** A product illustration: a coloured background with a batik-like motif and the product's silhouette. */
function artwork({ shape, colours }: DemoProduct["art"], variant: number): string {
  const [main, accent, background] = colours;
  const dots = Array.from({ length: 36 }, (_, i) => {
    const x = 40 + (i % 6) * 145 + (Math.floor(i / 6) % 2) * 70;
    const y = 40 + Math.floor(i / 6) * 140;
    return `<circle cx="${x}" cy="${y}" r="${18 + ((i + variant) % 3) * 6}" fill="none" stroke="${accent}" stroke-width="6" opacity="0.35"/>`;
  }).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800" viewBox="0 0 800 800">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${background}"/><stop offset="1" stop-color="${accent}" stop-opacity="0.45"/></linearGradient></defs>
  <rect width="800" height="800" fill="url(#g)"/>${dots}
  <path d="${SHAPES[shape]}" fill="${main}" stroke="#0f172a" stroke-opacity="0.25" stroke-width="6" transform="${variant ? "translate(800,0) scale(-1,1)" : ""}"/>
  <path d="${SHAPES[shape]}" fill="none" stroke="${accent}" stroke-width="10" stroke-dasharray="18 14" opacity="0.8" transform="translate(400,400) scale(0.82) translate(-400,-400)"/>
</svg>`;
}

function draftOf(p: DemoProduct, collectionIds: string[], categoryId: string): ProductDraft {
  const draft: ProductDraft = {
    ...emptyDraft(),
    title: p.title,
    descriptionMd: p.description,
    status: p.status ?? "active",
    brand: p.brand,
    productType: p.type,
    tags: p.tags,
    categoryId,
    collectionIds,
    options: p.options.map(([name, values]) => ({ name, values: values.join(", ") })),
  };
  draft.variants = [
    emptyVariant([], { ...emptyVariant([]), price: p.price, compareAt: p.compareAt ?? "", cost: p.cost, weight: String(p.grams) }),
  ];
  draft.variants = syncVariants(draft).map((v, i) => {
    const first = p.options[0]?.[1].indexOf(v.values[0] ?? "") ?? 0;
    return {
      ...v,
      price: p.pricesByFirstOption?.[first] ?? p.price,
      sku: `${p.sku}-${(v.values.length ? v.values : ["ONE"])
        .map((x) =>
          x
            .replace(/[^A-Za-z0-9]/g, "")
            .slice(0, 3)
            .toUpperCase(),
        )
        .join("-")}`,
      initialStock: String(p.stock[i] ?? 0),
    };
  });
  return draft;
}

export async function seedDemoCatalog(shopId: string, userId: string): Promise<{ created: number }> {
  const [{ n }] = await withShop(shopId, (tx) => tx.select({ n: count() }).from(schema.products));
  if (n > 0) return { created: 0 };
  const categories = new Map<string, string>();
  for (const name of [...new Set(PRODUCTS.map((p) => p.category))]) {
    const made = await createCategory(shopId, { name });
    if (!made.ok) throw new Error(`demo category ${name}: ${JSON.stringify(made.errors)}`);
    categories.set(name, made.id);
  }
  const collections = new Map<string, string>();
  for (const title of [...new Set(PRODUCTS.flatMap((p) => p.collections))]) {
    const made = await saveCollection(shopId, null, { title });
    if (!made?.ok) throw new Error(`demo collection ${title}: ${JSON.stringify(made)}`);
    collections.set(title, made.id);
  }
  const actor = { userId, ip: "127.0.0.1", userAgent: "netshop-seed" };
  for (const product of PRODUCTS) {
    const validated = validateDraft(
      draftOf(
        product,
        product.collections.map((c) => collections.get(c)!),
        categories.get(product.category)!,
      ),
      "MYR",
      { regenerate: false },
    );
    if (!validated.ok) throw new Error(`demo product ${product.title}: ${JSON.stringify(validated.errors)}`);
    const saved = await createProduct(shopId, validated.input, actor);
    if (!saved.ok) throw new Error(`demo product ${product.title}: ${JSON.stringify(saved.errors)}`);
    for (const variant of [0, 1].slice(0, product.options.length ? 2 : 1)) {
      const png = await sharp(Buffer.from(artwork(product.art, variant)))
        .png()
        .toBuffer();
      await addImageFromBuffer(shopId, saved.productId, {
        body: png,
        contentType: "image/png",
        filename: `${saved.handle}-${variant + 1}.png`,
        alt: variant === 0 ? product.title : `${product.title}, another view`,
      });
    }
  }
  return { created: PRODUCTS.length };
}
