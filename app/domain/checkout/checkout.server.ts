/**
 * Placing an order from a cart, in ONE transaction: read the cart with today's prices, refuse at
 * once what is sold out as last committed (stock or a flash sale's cap), check the address, link
 * or create the customer and empty the cart, then — as late as possible, because every buyer of a
 * flash sale queues on the same rows — reserve stock atomically (app/domain/orders/stock.server.ts),
 * claim the sale price, take the shop's next order number and write the order, its line snapshots
 * and when the unpaid order expires. A refusal rolls everything back and says why; the page keeps
 * what was typed.
 */
import { randomUUID } from "node:crypto";

import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";

import { takesOrders } from "~/domain/billing/subscription-status";
import { subscriptionOf } from "~/domain/billing/subscriptions.server";
import { snapshotDropshipLines } from "~/domain/dropship/forwarding.server";
import { nextShopNumber } from "~/domain/orders/counters.server";
import { reserveStock, StockShortage } from "~/domain/orders/stock.server";
import { recordOrderEvent } from "~/domain/orders/timeline.server";
import { type ClaimedLine, claimFlashSalePrices, FlashSaleLimitError, saleCapShortfall } from "~/domain/storefront/flash-sales.server";
import { type FieldErrors, fieldErrors } from "~/lib/forms";
import type { Locale } from "~/lib/i18n";
import { serverT } from "~/lib/i18n.server";
import { phoneField } from "~/lib/phone";
import { schema, type Tx, withShop } from "~db/client";
import type { PostalAddress } from "~db/schema";

import { isMalaysianState, postcodeProblem, zoneFor } from "./address";
import { type CartView, readCart } from "./cart.server";
import { shippingOptions } from "./shipping";
import { type ShippingSetup, shippingSetup } from "./shipping.server";
import { findCart, type Shopper } from "./visitor.server";

export const CheckoutSchema = z
  .object({
    email: z
      .string()
      .trim()
      .toLowerCase()
      .optional()
      .transform((v, ctx) => {
        if (!v) return null;
        if (!z.email().safeParse(v).success || v.length > 254) {
          ctx.addIssue({ code: "custom", message: "Enter an email address like name@example.com." });
          return z.NEVER;
        }
        return v;
      }),
    phone: phoneField.optional("Enter a valid WhatsApp number, e.g. 012-345 6789 or +65 8123 4567."),
    name: z.string().trim().min(1, "Enter the recipient's name.").max(100, "Use at most 100 characters."),
    line1: z.string().trim().min(1, "Enter the street address.").max(200, "Use at most 200 characters."),
    line2: z.string().trim().max(200, "Use at most 200 characters.").optional(),
    city: z.string().trim().min(1, "Enter the town or city.").max(100, "Use at most 100 characters."),
    state: z.string().trim().max(100, "Use at most 100 characters.").default(""),
    postcode: z.string().trim().max(12, "Use at most 12 characters.").default(""),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, "Choose a country.")
      .default("MY"),
    shippingRateId: z.string().optional(),
    note: z.string().trim().max(500, "Use at most 500 characters.").optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.email && !v.phone)
      ctx.addIssue({
        code: "custom",
        path: ["email"],
        message: "Give an email address or a WhatsApp number (or both) so we can send your order updates.",
      });
    if (v.country === "MY") {
      if (!isMalaysianState(v.state)) ctx.addIssue({ code: "custom", path: ["state"], message: "Choose the state." });
      else {
        const problem = postcodeProblem(v.postcode, v.state);
        if (problem) ctx.addIssue({ code: "custom", path: ["postcode"], message: problem });
      }
    } else {
      if (!v.state) ctx.addIssue({ code: "custom", path: ["state"], message: "Enter the state, province or region." });
      if (!/^[A-Za-z0-9 -]{2,12}$/.test(v.postcode)) ctx.addIssue({ code: "custom", path: ["postcode"], message: "Enter the postcode." });
    }
  });

export type CheckoutInput = z.infer<typeof CheckoutSchema>;

/** Checks the contact and address part of the form alone (for showing the shipping choices). */
export function parseCheckoutForm(form: Record<string, unknown>): { ok: true; input: CheckoutInput } | { ok: false; errors: FieldErrors } {
  const parsed = CheckoutSchema.safeParse(form);
  return parsed.success ? { ok: true, input: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}

export function addressOf(input: CheckoutInput): PostalAddress {
  return {
    name: input.name,
    phone: input.phone,
    line1: input.line1,
    line2: input.line2 || null,
    city: input.city,
    state: input.state,
    postcode: input.postcode,
    country: input.country,
  };
}

/**
 * A refusal given before the order wrote anything carries what its transaction read (the cart and
 * the shipping setup, as the page shows them): the page answers with it instead of reading them
 * again (at a flash sale, hundreds of buyers are refused in the same second).
 */
export type PlaceResult = { ok: true; orderId: string; number: number } | { ok: false; errors: FieldErrors; read?: CheckoutRead };

/** The cart and shipping setup one transaction read. */
interface CheckoutRead {
  cart: CartView;
  setup: ShippingSetup;
}

class Refusal extends Error {
  constructor(
    public readonly errors: FieldErrors,
    public readonly read?: CheckoutRead,
  ) {
    super("checkout refused");
  }
}

/**
 * Places the shopper's order. `locale` is the page's language (the customer's messages are
 * written in it). Safe under any number of concurrent buyers: stock is reserved with one
 * conditional UPDATE per variant, so it is never oversold and never goes below zero.
 */
export async function placeOrder(input: { who: Shopper; form: Record<string, unknown>; locale: Locale }): Promise<PlaceResult> {
  const parsed = parseCheckoutForm(input.form);
  if (!parsed.ok) return parsed;
  const data = parsed.input;
  const { who } = input;
  const shopId = who.shopId;
  try {
    return await withShop(shopId, async (tx) => {
      // A suspended shop can be browsed but takes no orders (billing): decided here, in the order's
      // own transaction, so no way of placing an order can miss it.
      // The reads before any decision go out together (postgres.js pipelines a transaction's
      // statements on its connection): each round trip is time the connection is held while
      // every other buyer of a flash sale waits for one from the pool.
      const [subscription, cartId] = await Promise.all([subscriptionOf(tx, shopId), findCart(tx, who)]);
      if (!takesOrders(subscription.status)) throw new Refusal({ form: serverT(input.locale, "billing")("checkoutClosed") });
      const [cart, setup] = await Promise.all([readCart(tx, shopId, cartId), shippingSetup(tx, shopId)]);
      // Until the first write below, a refusal hands back what was read (the page shows it).
      const read = { cart, setup };
      if (!cartId || cart.lines.length === 0) throw new Refusal({ form: "Your cart is empty. Add something before checking out." }, read);
      const gone = cart.lines.filter((l) => l.problem?.kind === "unavailable");
      if (gone.length)
        throw new Refusal(
          { form: `${gone.map((l) => l.title).join(", ")} is no longer sold. Remove it from your cart to continue.` },
          read,
        );

      // Sold out (or short) as of the last commit: refused at once, without touching the stock
      // row that the winners of a flash sale are holding (no queue behind their transactions).
      const short = cart.lines.flatMap((l) =>
        l.problem?.kind === "out_of_stock" || l.problem?.kind === "over_available"
          ? [{ variantId: l.variantId, requested: l.quantity, available: l.available ?? 0 }]
          : [],
      );
      if (short.length) throw new Refusal({ form: shortageMessage(cart, new StockShortage(short), input.locale) }, read);

      // The same for a flash sale whose cap is used up.
      const claimLines = cart.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity, unitPriceMinor: l.regularUnitPriceMinor }));
      const sales = await saleCapShortfall(tx, claimLines);
      if (sales.refusal) throw new Refusal({ form: sales.refusal.message }, read);

      const zone = zoneFor(data);
      if (zone === "international" && !setup.internationalCountries.includes(data.country)) {
        throw new Refusal({ country: "This shop does not ship to that country." }, read);
      }
      // Shipping on what will be charged (a free-shipping threshold sees sale prices): the claim
      // below charges exactly these sale prices or refuses.
      const subtotal = cart.lines.reduce((n, l) => {
        const sale = sales.prices.get(l.variantId);
        const unit = sale && sale.salePriceMinor < l.regularUnitPriceMinor ? sale.salePriceMinor : l.regularUnitPriceMinor;
        return n + unit * l.quantity;
      }, 0);
      const options = shippingOptions(setup.rates, zone, { weightGrams: cart.weightGrams, subtotalMinor: subtotal });
      const chosen = options.find((o) => o.rateId === data.shippingRateId);
      if (!chosen) {
        throw new Refusal(
          {
            shippingRateId: options.length
              ? "Choose a shipping method for this address."
              : "This shop has no shipping method for this address and weight. Contact the shop.",
          },
          read,
        );
      }
      // Everything that involves only this buyer's own rows comes before the shared locks (a
      // rollback undoes it): the shared rows — the variant's stock level, a flash sale's counter,
      // the shop's order counter — are locked as late as possible, so each is held only for the
      // order's last few writes and the commit.
      const customerId = who.customer ? who.customer.id : await upsertGuest(tx, shopId, data);
      const address = addressOf(data);
      if (who.customer) await saveAddress(tx, shopId, who.customer.id, address);
      await tx.delete(schema.cartItems).where(and(eq(schema.cartItems.shopId, shopId), eq(schema.cartItems.cartId, cartId)));

      let reserved: Map<string, number>;
      try {
        reserved = await reserveStock(
          tx,
          cart.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
        );
      } catch (error) {
        if (error instanceof StockShortage) throw new Refusal({ form: shortageMessage(cart, error, input.locale) });
        throw error;
      }

      const orderId = randomUUID();
      // The price of each line as charged: a running flash sale's price, claimed under its total
      // cap and per-customer limit in this transaction (a rollback gives the claim back).
      let claimed: ClaimedLine[];
      try {
        claimed = await claimFlashSalePrices(tx, {
          shopId,
          orderId,
          customerKey: who.customer?.id ?? data.email ?? data.phone ?? orderId,
          // The regular price goes in: the claim decides whether the sale's price applies.
          lines: claimLines,
          prices: sales.prices,
        });
      } catch (error) {
        if (error instanceof FlashSaleLimitError) throw new Refusal({ form: error.message });
        throw error;
      }
      const priced = cart.lines.map((l, i) => ({
        ...l,
        unitPriceMinor: claimed[i].unitPriceMinor,
        regularUnitPriceMinor: claimed[i].regularUnitPriceMinor,
        flashSaleId: claimed[i].flashSaleId,
      }));
      const charged = priced.reduce((n, l) => n + l.unitPriceMinor * l.quantity, 0);
      if (charged !== subtotal) throw new Error("checkout: the claimed prices differ from the prices read before the claim");
      const number = await nextShopNumber(tx, shopId, "order");
      const now = new Date();
      // The order, its lines and its first event go out together: `.execute()` hands each to
      // postgres.js as it is called, which writes a transaction's statements in that order and
      // PostgreSQL runs them in it (the lines and the event after the order they refer to). One
      // round trip instead of three while this order holds the stock row and the order counter
      // that every other buyer of the variant and the shop waits for.
      const orderRow = {
        shopId,
        id: orderId,
        number,
        customerId,
        email: data.email,
        phone: data.phone,
        customerName: data.name,
        shippingAddress: address,
        currency: cart.currency,
        subtotalMinor: subtotal,
        shippingMinor: chosen.priceMinor,
        totalMinor: subtotal + chosen.priceMinor,
        shippingRateId: chosen.rateId,
        shippingMethod: chosen.name,
        totalWeightGrams: cart.weightGrams,
        note: data.note ?? "",
        locale: input.locale,
        stockState: "reserved",
        expiresAt: new Date(now.getTime() + setup.orderExpiryMinutes * 60_000),
      } satisfies typeof schema.orders.$inferInsert;
      const lineRows = priced.map((l, position) => ({
        shopId,
        orderId,
        position,
        productId: l.productId,
        variantId: l.variantId,
        title: l.title,
        variantTitle: l.variantTitle === "Default" ? "" : l.variantTitle,
        sku: l.sku,
        quantity: l.quantity,
        unitPriceMinor: l.unitPriceMinor,
        regularUnitPriceMinor: l.regularUnitPriceMinor,
        flashSaleId: l.flashSaleId,
        totalMinor: l.unitPriceMinor * l.quantity,
        weightGrams: l.weightGrams,
        reservedQuantity: reserved.get(l.variantId) ?? 0,
      }));
      await Promise.all([
        tx.insert(schema.orders).values(orderRow).execute(),
        tx.insert(schema.orderLines).values(lineRows).execute(),
        recordOrderEvent(tx, {
          shopId,
          orderId,
          type: "created",
          summary: `Order placed at checkout (${cart.itemCount} item${cart.itemCount === 1 ? "" : "s"}, awaiting payment)`,
          wording: { key: "created", values: { count: cart.itemCount } },
          data: { shippingMethod: chosen.name, expiresAt: now.getTime() + setup.orderExpiryMinutes * 60_000 },
        }),
      ]);
      // Dropshipping: lines sold from a supplier are marked with the supplier, its variant and the cost now.
      await snapshotDropshipLines(tx, shopId, orderId);
      return { ok: true as const, orderId, number };
    });
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, errors: error.errors, ...(error.read ? { read: error.read } : {}) };
    throw error;
  }
}

function shortageMessage(cart: CartView, shortage: StockShortage, locale: Locale): string {
  const t = serverT(locale, "checkout");
  const parts = shortage.lines.map((s) => {
    const line = cart.lines.find((l) => l.variantId === s.variantId);
    const title = line ? (line.variantTitle && line.variantTitle !== "Default" ? `${line.title} (${line.variantTitle})` : line.title) : "?";
    return s.available === 0
      ? t("page.stock.soldOut", { title, interpolation: { escapeValue: false } })
      : t("page.stock.fewLeft", { title, count: s.available, interpolation: { escapeValue: false } });
  });
  return t("page.stock.refused", { items: parts.join("; "), interpolation: { escapeValue: false } });
}

/** The guest's customer row: the latest guest with this email (or else phone), updated, or a new one. */
async function upsertGuest(tx: Tx, shopId: string, data: CheckoutInput): Promise<string> {
  const match = data.email ? eq(schema.customers.email, data.email) : eq(schema.customers.phone, data.phone!);
  const [found] = await tx
    .select({ id: schema.customers.id, email: schema.customers.email, phone: schema.customers.phone })
    .from(schema.customers)
    .where(and(eq(schema.customers.shopId, shopId), match, isNull(schema.customers.passwordHash), isNull(schema.customers.mergedIntoId)))
    .orderBy(schema.customers.createdAt)
    .limit(1);
  if (found) {
    await tx
      .update(schema.customers)
      .set({ name: data.name, email: found.email ?? data.email, phone: data.phone ?? found.phone, updatedAt: new Date() })
      .where(and(eq(schema.customers.shopId, shopId), eq(schema.customers.id, found.id)));
    return found.id;
  }
  const [created] = await tx
    .insert(schema.customers)
    .values({ shopId, email: data.email, phone: data.phone, name: data.name })
    .returning({ id: schema.customers.id });
  return created.id;
}

/** Keeps a logged-in customer's address for next time (once; the first becomes the default). */
async function saveAddress(tx: Tx, shopId: string, customerId: string, address: PostalAddress): Promise<void> {
  const existing = await tx
    .select({ address: schema.customerAddresses.address })
    .from(schema.customerAddresses)
    .where(and(eq(schema.customerAddresses.shopId, shopId), eq(schema.customerAddresses.customerId, customerId)));
  const same = (a: PostalAddress) =>
    a.line1 === address.line1 &&
    (a.line2 ?? null) === (address.line2 ?? null) &&
    a.postcode === address.postcode &&
    a.country === address.country &&
    a.name === address.name;
  if (existing.some((e) => same(e.address))) return;
  await tx.insert(schema.customerAddresses).values({ shopId, customerId, address, isDefault: existing.length === 0 });
}

/** What the checkout page is drawn from: the cart, the shop's shipping setup, a customer's saved address. */
export interface CheckoutView extends CheckoutRead {
  savedAddress: PostalAddress | null;
}

/**
 * Reads the checkout page's view, or completes `read` (what a refused order's transaction read
 * a moment ago, see PlaceResult): a guest's view is then read already, a customer's needs only
 * the saved address.
 */
export async function readCheckoutView(who: Shopper, read?: CheckoutRead): Promise<CheckoutView> {
  if (read && !who.customer) return { ...read, savedAddress: null };
  return withShop(who.shopId, async (tx) => {
    const [cartAndSetup, savedAddress] = await Promise.all([
      read ??
        (async () => {
          const [cart, setup] = await Promise.all([readCart(tx, who.shopId, await findCart(tx, who)), shippingSetup(tx, who.shopId)]);
          return { cart, setup };
        })(),
      who.customer ? savedAddressOf(tx, who.shopId, who.customer.id) : null,
    ]);
    return { ...cartAndSetup, savedAddress };
  });
}

async function savedAddressOf(tx: Tx, shopId: string, customerId: string): Promise<PostalAddress | null> {
  const [row] = await tx
    .select({ address: schema.customerAddresses.address })
    .from(schema.customerAddresses)
    .where(and(eq(schema.customerAddresses.shopId, shopId), eq(schema.customerAddresses.customerId, customerId)))
    .orderBy(desc(schema.customerAddresses.isDefault), desc(schema.customerAddresses.createdAt))
    .limit(1);
  return row?.address ?? null;
}

/** What the checkout page shows before the order: cart, shipping choices for a known address. */
export function checkoutPreview(view: CheckoutView, address: { country: string; state: string } | null) {
  const { cart, setup } = view;
  const cartSize = { weightGrams: cart.weightGrams, subtotalMinor: cart.subtotalMinor };
  const zones = (["peninsular", "east", "international"] as const).map((zone) => ({
    zone,
    options: shippingOptions(setup.rates, zone, cartSize),
  }));
  const zone = address ? zoneFor(address) : null;
  return {
    cart,
    zones: zone ? zones.filter((z) => z.zone === zone) : zones,
    countries: setup.internationalCountries,
    savedAddress: view.savedAddress,
    orderExpiryMinutes: setup.orderExpiryMinutes,
  };
}
