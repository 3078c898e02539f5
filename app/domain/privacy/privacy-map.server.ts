/**
 * The privacy map: every column of personal data NetShop stores, per table and per kind of person,
 * with what an export shows (its category), what a deletion does with it, and which providers
 * receive it. Export (export.server.ts) and erasure (erasure.server.ts) are driven by this list, and
 * tests/integration/privacy-map.test.ts fails when a table gains a column that looks personal and
 * is not listed here (or in NOT_PERSONAL with the reason it is not).
 *
 * Long on purpose: it is one table of facts, and splitting it would defeat "one place".
 */

export type PersonKind = "merchant_user" | "staff" | "storefront_customer" | "guest_buyer" | "order_recipient" | "supplier_contact";

/** Export categories: one JSON and one CSV file each in the ZIP. */
export type ExportCategory =
  | "profile"
  | "addresses"
  | "orders"
  | "wishlist"
  | "consent"
  | "messages"
  | "sessions"
  | "analytics"
  | "privacy_requests"
  | "security"
  | "shops";

/** The legal reason tax records stay: Malaysian law keeps invoices and their books for 7 years. */
export const TAX_RETENTION =
  "Tax invoice: Income Tax Act 1967 s.82 and Sales Tax Act 2018 s.36 require records to be kept for 7 years (number, amounts and the buyer's name on it)";

export type Deletion =
  { action: "delete" } | { action: "anonymise" } | { action: "retain"; reason: string; years: number; otherwise: "delete" | "anonymise" };

export interface PersonalColumn {
  table: string;
  column: string;
  people: PersonKind[];
  category: ExportCategory;
  deletion: Deletion;
  /** Providers this column is sent to (the minimum each needs). */
  providers: string[];
  /** Why the data is kept at all, in a line. */
  purpose: string;
}

const del = { action: "delete" } as const;
const anon = { action: "anonymise" } as const;
const taxRetained = { action: "retain", reason: TAX_RETENTION, years: 7, otherwise: "anonymise" } as const;
const CUSTOMERS: PersonKind[] = ["storefront_customer", "guest_buyer"];
const USERS: PersonKind[] = ["merchant_user", "staff"];

/** Columns of one table that share every fact but their name (their order is kept). */
function sameFacts(table: string, columns: string[], facts: Omit<PersonalColumn, "table" | "column">): PersonalColumn[] {
  return columns.map((column) => ({ table, column, ...facts }));
}

/** A column of `messages`: everything we sent anyone, by WhatsApp or email, deleted with the person. */
function messageColumn(column: string, purpose: string): PersonalColumn {
  return {
    table: "messages",
    column,
    people: [...CUSTOMERS, ...USERS],
    category: "messages",
    deletion: del,
    providers: ["wassenger", "email"],
    purpose,
  };
}

export const PRIVACY_MAP: PersonalColumn[] = [
  // People with NetShop accounts (merchants, their staff, operators).
  {
    table: "users",
    column: "email",
    people: USERS,
    category: "profile",
    deletion: anon,
    providers: ["email"],
    purpose: "sign-in and notices",
  },
  { table: "users", column: "name", people: USERS, category: "profile", deletion: anon, providers: [], purpose: "shown to the team" },
  {
    table: "users",
    column: "phone",
    people: USERS,
    category: "profile",
    deletion: anon,
    providers: ["wassenger"],
    purpose: "WhatsApp codes and reports",
  },
  {
    table: "users",
    column: "phone_verified_at",
    people: USERS,
    category: "profile",
    deletion: anon,
    providers: [],
    purpose: "whether account notices may go to the number by WhatsApp",
  },
  { table: "sessions", column: "ip", people: USERS, category: "sessions", deletion: del, providers: [], purpose: "session list, abuse" },
  { table: "sessions", column: "user_agent", people: USERS, category: "sessions", deletion: del, providers: [], purpose: "session list" },
  { table: "login_challenges", column: "ip", people: USERS, category: "security", deletion: del, providers: [], purpose: "sign-in" },
  {
    table: "login_challenges",
    column: "user_agent",
    people: USERS,
    category: "security",
    deletion: del,
    providers: [],
    purpose: "sign-in",
  },
  {
    table: "verification_codes",
    column: "sent_to",
    people: USERS,
    category: "security",
    deletion: del,
    providers: ["wassenger"],
    purpose: "codes (hashed)",
  },
  { table: "trusted_devices", column: "ip", people: USERS, category: "security", deletion: del, providers: [], purpose: "trusted devices" },
  {
    table: "trusted_devices",
    column: "user_agent",
    people: USERS,
    category: "security",
    deletion: del,
    providers: [],
    purpose: "trusted devices",
  },
  { table: "password_resets", column: "ip", people: USERS, category: "security", deletion: del, providers: [], purpose: "abuse" },
  {
    table: "staff_invites",
    column: "recipient",
    people: ["staff"],
    category: "security",
    deletion: del,
    providers: ["wassenger", "email"],
    purpose: "invitation",
  },
  { table: "audit_log", column: "ip", people: USERS, category: "security", deletion: anon, providers: [], purpose: "who did what" },
  { table: "audit_log", column: "user_agent", people: USERS, category: "security", deletion: anon, providers: [], purpose: "who did what" },
  // A merchant's company, printed on their tax invoices.
  ...sameFacts("shops", ["company_name", "company_address"], {
    people: ["merchant_user"],
    category: "shops",
    deletion: taxRetained,
    providers: ["autocount"],
    purpose: "tax invoices",
  }),
  {
    table: "supplier_profiles",
    column: "contact_name",
    people: ["supplier_contact"],
    category: "shops",
    deletion: anon,
    providers: [],
    purpose: "merchants reach the supplier",
  },
  {
    table: "supplier_profiles",
    column: "whatsapp",
    people: ["supplier_contact"],
    category: "shops",
    deletion: anon,
    providers: ["wassenger"],
    purpose: "forwarded orders",
  },

  // A shop's customers (storefront accounts and guest buyers).
  {
    table: "customers",
    column: "email",
    people: CUSTOMERS,
    category: "profile",
    deletion: anon,
    providers: ["email", "payment_gateway", "autocount"],
    purpose: "orders and account",
  },
  {
    table: "customers",
    column: "phone",
    people: CUSTOMERS,
    category: "profile",
    deletion: anon,
    providers: ["wassenger", "payment_gateway"],
    purpose: "orders and account",
  },
  {
    table: "customers",
    column: "name",
    people: CUSTOMERS,
    category: "profile",
    deletion: anon,
    providers: ["autocount"],
    purpose: "orders and account",
  },
  {
    table: "customers",
    column: "note",
    people: CUSTOMERS,
    category: "profile",
    deletion: anon,
    providers: [],
    purpose: "the merchant's note",
  },
  {
    table: "customers",
    column: "marketing_consent",
    people: CUSTOMERS,
    category: "consent",
    deletion: anon,
    providers: [],
    purpose: "email marketing consent",
  },
  {
    table: "customers",
    column: "marketing_whatsapp_consent",
    people: CUSTOMERS,
    category: "consent",
    deletion: anon,
    providers: [],
    purpose: "WhatsApp marketing consent",
  },
  {
    table: "customer_addresses",
    column: "address",
    people: CUSTOMERS,
    category: "addresses",
    deletion: del,
    providers: [],
    purpose: "checkout",
  },
  ...sameFacts("customer_sessions", ["ip", "user_agent"], {
    people: ["storefront_customer"],
    category: "sessions",
    deletion: del,
    providers: [],
    purpose: "sign-in",
  }),
  {
    table: "orders",
    column: "email",
    people: CUSTOMERS,
    category: "orders",
    deletion: anon,
    // AutoCount: the debtor of the invoice (accounting sync sends the order's own contact).
    providers: ["email", "payment_gateway", "autocount"],
    purpose: "order messages",
  },
  {
    table: "orders",
    column: "phone",
    people: CUSTOMERS,
    category: "orders",
    deletion: anon,
    providers: ["wassenger", "payment_gateway", "autocount"],
    purpose: "order messages",
  },
  {
    table: "orders",
    column: "customer_name",
    people: CUSTOMERS,
    category: "orders",
    deletion: taxRetained,
    providers: ["autocount", "payment_gateway"],
    purpose: "invoice addressee",
  },
  {
    table: "orders",
    column: "shipping_address",
    people: [...CUSTOMERS, "order_recipient"],
    category: "orders",
    deletion: anon,
    // AutoCount: the debtor's address and postcode on the invoice (not for a shared cash-sales debtor).
    providers: ["autocount"],
    purpose: "delivery and the invoice's buyer address",
  },
  {
    table: "orders",
    column: "note",
    people: CUSTOMERS,
    category: "orders",
    deletion: anon,
    providers: [],
    purpose: "the customer's checkout note",
  },
  ...sameFacts("supplier_orders", ["recipient_name", "recipient_phone", "address_line1", "address_line2"], {
    people: ["order_recipient"],
    category: "orders",
    deletion: anon,
    providers: ["supplier"],
    purpose: "dropship delivery",
  }),
  {
    table: "wishlist_items",
    column: "product_id",
    people: ["storefront_customer"],
    category: "wishlist",
    deletion: del,
    providers: [],
    purpose: "favourites",
  },
  {
    table: "flash_sale_customers",
    column: "customer_key",
    people: CUSTOMERS,
    category: "orders",
    deletion: del,
    providers: [],
    purpose: "per-customer sale limits",
  },
  {
    table: "consent_events",
    column: "source",
    people: CUSTOMERS,
    category: "consent",
    deletion: del,
    providers: [],
    purpose: "proof of consent",
  },
  {
    table: "storefront_events",
    column: "order_id",
    people: CUSTOMERS,
    category: "analytics",
    deletion: del,
    providers: [],
    purpose: "first-party analytics (consented)",
  },

  // Messages we sent anyone: the body is purged after 7 days (WhatsApp), codes never stored.
  messageColumn("recipient", "delivery status"),
  messageColumn("body", "what we sent"),
  {
    table: "privacy_requests",
    column: "contact",
    people: [...CUSTOMERS, ...USERS],
    category: "privacy_requests",
    deletion: anon,
    providers: [],
    purpose: "telling them the outcome",
  },
];

/**
 * Columns whose names look personal but hold no personal data, with why. The map test accepts a
 * matching column only if it is in PRIVACY_MAP or here.
 */
export const NOT_PERSONAL: Record<string, string> = {
  "shops.name": "the shop's trading name (public on the storefront)",
  "plans.name": "a plan's name",
  "categories.name": "catalog data",
  "products.title": "catalog data",
  "products.description_md": "catalog data",
  "products.description_html": "catalog data",
  "products.seo_description": "catalog data",
  "collections.description": "catalog data",
  "media.filename": "the merchant's product media file name",
  "ai_model_photos.filename": "the merchant's model photo file name (AI try-on media, the merchant's own)",
  "inventory_movements.note": "stock movement note by staff about stock",
  "ai_credit_grants.note": "an operator's reason for granting AI credits to a shop (about the shop, not a person)",
  "inventory_movements.reason": "stock movement reason",
  "catalog_transfers.message": "import/export status text",
  "ai_copy_versions.description_md": "product copy",
  "ai_copy_versions.seo_description": "product copy",
  "ai_copy_versions.reason": "why a copy version was made",
  "shop_counters.name": "a counter's name (order, invoice)",
  "shipping_rates.name": "a shipping rate's name",
  "flash_sales.name": "a sale's name",
  "outbox.job_name": "a job name",
  "messages.provider_message_id": "the provider's id",
  "daily_reports.body": "sales figures sent to the shop's own team (no customer data)",
  "daily_reports.recipients": "a count",
  "supplier_profiles.company_name": "a supplier company (a business, not a person)",
  "dropship_wallet_entries.note": "wallet bookkeeping text",
  "dropship_alerts.message": "stock and price alert text",
  "supplier_order_lines.reject_reason": "why a supplier refused a line",
  "fulfilments.carrier_name": "a carrier",
  "order_lines.title": "what was bought",
  "payments.reason": "a gateway's failure reason",
  "order_events.message_id": "a link to a messages row",
  "verification_codes.message_id": "a link to a messages row",
  "orders.cancel_reason": "a cancellation reason",
};

/** The name patterns of columns that look personal: email, phone, name, address, ip, user agent, birth date, free-text notes, message texts. */
export const PERSONAL_LOOKING =
  /(^|_)(email|phone|whatsapp|mobile|name|address|ip|user_agent|birth|birthday|dob|note|notes|recipient|contact|sent_to|body)(_|$)/;

export function looksPersonal(column: string): boolean {
  return PERSONAL_LOOKING.test(column);
}

/** The export categories a kind of person has data in: their ZIP has exactly these files. */
export function categoriesFor(person: PersonKind): ExportCategory[] {
  const set = new Set<ExportCategory>();
  for (const c of PRIVACY_MAP) if (c.people.includes(person)) set.add(c.category);
  return [...set].sort();
}
