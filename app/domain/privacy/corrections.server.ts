import { and, desc, eq, inArray, isNotNull, ne, sql } from "drizzle-orm";
import { z } from "zod";

import { maskPhone } from "~/domain/accounts/two-factor.server";
import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { isMalaysianState, postcodeProblem } from "~/domain/checkout/address";
import { type FieldErrors, fieldErrors } from "~/lib/forms";
import { isUuid } from "~/lib/ids";
import { consumeAll } from "~/lib/rate-limit.server";
import { asPlatform, schema, type Tx, withShop } from "~db/client";
import type { PostalAddress } from "~db/schema";

import { correctOwnAccount } from "./account-page.server";
import { checkPrivacyCode, type CodeSubject, isPhoneContact, issuePrivacyCode, normaliseContact } from "./codes.server";
import { NameCorrectionSchema } from "./customer-page.server";
import { customerScope } from "./export.server";

/**
 * Correcting one's own data (the "correct" right): a storefront customer's email, WhatsApp number
 * and saved addresses, a guest buyer's name, contacts and addresses on their orders, a NetShop
 * account's email. A new email or number replaces the old only
 * after a code sent to it comes back (codes.server.ts), so nobody can point an account at a
 * contact that is not theirs. Every change is audited, with contacts masked: the audit log
 * outlives a later deletion of the person.
 *
 * Errors are keys of the "privacy" namespace (`correct.errors.*`, `codeWrong`), translated by the page.
 *
 * Over ~400 lines because the three kinds of person share one protocol (a code to the new contact,
 * then the change, audited masked); splitting it per person would repeat it three times.
 */
type Locale = "en" | "ms" | "zh";
export type ContactField = "email" | "phone";
export type CorrectionError =
  | "correct.errors.email"
  | "correct.errors.phone"
  | "correct.errors.same"
  | "correct.errors.taken"
  | "correct.errors.notSent"
  | "correct.errors.tooMany"
  | "codeWrong";
export type ChangeResult = { ok: true; contact: string } | { ok: false; field: string; error: CorrectionError };

/** "a***@example.com": enough for an audit reader to tell addresses apart, not to contact anyone. */
export function maskEmail(email: string): string {
  const [local, domain] = email.split("@");
  return `${local.slice(0, 1)}***@${domain ?? ""}`;
}
const mask = (contact: string | null) => (contact ? (isPhoneContact(contact) ? maskPhone(contact) : maskEmail(contact)) : null);

function parseContact(field: ContactField, input: unknown): string | undefined {
  const contact = normaliseContact(input);
  if (!contact || isPhoneContact(contact) !== (field === "phone")) return undefined;
  return contact;
}

async function sendChangeCode(
  subject: CodeSubject,
  who: { ip: string | null; locale: Locale; userId?: string },
): Promise<{ ok: true } | { ok: false; error: CorrectionError }> {
  const limited = await consumeAll(
    ["privacyCodePerIp", who.ip ?? "unknown"],
    ["privacyCodePerContact", `${subject.scope}:${subject.contact}`],
  );
  if (!limited.ok) return { ok: false, error: "correct.errors.tooMany" };
  const sent = await issuePrivacyCode(subject, { locale: who.locale, userId: who.userId });
  return sent.ok ? { ok: true } : { ok: false, error: "correct.errors.notSent" };
}

/** Whose contact change a code is for: the rest of its CodeSubject is the new contact. */
type CodeOwner = Pick<CodeSubject, "shopId" | "scope">;
const changeCode = (owner: CodeOwner, contact: string): CodeSubject => ({ purpose: "contact_change", ...owner, contact });

/**
 * Step 1, for every kind of person: the new contact read, refused where `refusal` says (the same
 * as now, taken), then a code sent to it.
 */
async function startContactChange(
  field: ContactField,
  input: unknown,
  owner: CodeOwner,
  who: { ip: string | null; locale: Locale; userId?: string },
  refusal: (contact: string) => Promise<CorrectionError | undefined>,
): Promise<ChangeResult> {
  const contact = parseContact(field, input);
  if (!contact) return { ok: false, field, error: `correct.errors.${field}` };
  const refused = await refusal(contact);
  if (refused) return { ok: false, field, error: refused };
  const sent = await sendChangeCode(changeCode(owner, contact), who);
  return sent.ok ? { ok: true, contact } : { ok: false, field, error: sent.error };
}

/** Step 2's checks, for every kind of person: the new contact read, the code sent to it, and (`taken`) whether it was taken since. */
async function confirmedContact(
  field: ContactField,
  input: { contact: unknown; code: unknown },
  owner: CodeOwner,
  taken?: (contact: string) => Promise<boolean>,
): Promise<ChangeResult> {
  const contact = parseContact(field, input.contact);
  if (!contact) return { ok: false, field, error: `correct.errors.${field}` };
  if ((await checkPrivacyCode(changeCode(owner, contact), input.code)) !== "ok") return { ok: false, field: "code", error: "codeWrong" };
  if (taken && (await taken(contact))) return { ok: false, field, error: "correct.errors.taken" };
  return { ok: true, contact };
}

// ---- A storefront customer -------------------------------------------------------------------

const customerCode = (shopId: string, customerId: string): CodeOwner => ({ shopId, scope: `customer:${customerId}` });

async function customerContact(shopId: string, customerId: string) {
  const [row] = await withShop(shopId, (tx) =>
    tx
      .select({ email: schema.customers.email, phone: schema.customers.phone })
      .from(schema.customers)
      .where(and(eq(schema.customers.shopId, shopId), eq(schema.customers.id, customerId))),
  );
  return row;
}

/** Another storefront account of the shop already signs in with this email. */
async function emailTakenInShop(shopId: string, customerId: string, email: string): Promise<boolean> {
  const [row] = await withShop(shopId, (tx) =>
    tx
      .select({ id: schema.customers.id })
      .from(schema.customers)
      .where(
        and(
          eq(schema.customers.shopId, shopId),
          eq(schema.customers.email, email),
          ne(schema.customers.id, customerId),
          isNotNull(schema.customers.passwordHash),
        ),
      ),
  );
  return Boolean(row);
}

/** Step 1: a code to the new email or number. */
export async function startCustomerContactChange(
  shopId: string,
  customerId: string,
  field: ContactField,
  input: unknown,
  who: { ip: string | null; locale: Locale },
): Promise<ChangeResult> {
  return startContactChange(field, input, customerCode(shopId, customerId), who, async (contact) => {
    const current = await customerContact(shopId, customerId);
    if (current?.[field] === contact) return "correct.errors.same";
    if (field === "email" && (await emailTakenInShop(shopId, customerId, contact))) return "correct.errors.taken";
    return undefined;
  });
}

/** Step 2: the code from the new contact, then the change (audited, masked). */
export async function confirmCustomerContactChange(
  shopId: string,
  customerId: string,
  field: ContactField,
  input: { contact: unknown; code: unknown },
): Promise<ChangeResult> {
  const confirmed = await confirmedContact(
    field,
    input,
    customerCode(shopId, customerId),
    field === "email" ? (contact) => emailTakenInShop(shopId, customerId, contact) : undefined,
  );
  if (!confirmed.ok) return confirmed;
  const { contact } = confirmed;
  await withShop(shopId, async (tx) => {
    const [before] = await tx
      .select({ email: schema.customers.email, phone: schema.customers.phone })
      .from(schema.customers)
      .where(and(eq(schema.customers.shopId, shopId), eq(schema.customers.id, customerId)))
      .for("update");
    await tx
      .update(schema.customers)
      .set(field === "email" ? { email: contact, updatedAt: new Date() } : { phone: contact, updatedAt: new Date() })
      .where(and(eq(schema.customers.shopId, shopId), eq(schema.customers.id, customerId)));
    await audit(tx, {
      shopId,
      actorUserId: null,
      action: "privacy.customer_corrected",
      targetType: "customer",
      targetId: customerId,
      before: { [field]: mask(before?.[field] ?? null) },
      after: { [field]: mask(contact) },
    });
  });
  return { ok: true, contact };
}

const AddressFields = z.object({
  name: z.string().trim().min(1, "correct.errors.addressName").max(100, "correct.errors.tooLong"),
  line1: z.string().trim().min(1, "correct.errors.line1").max(200, "correct.errors.tooLong"),
  line2: z.string().trim().max(200, "correct.errors.tooLong").optional(),
  city: z.string().trim().min(1, "correct.errors.city").max(100, "correct.errors.tooLong"),
  state: z.string().trim().max(100, "correct.errors.tooLong").default(""),
  postcode: z.string().trim().max(12, "correct.errors.tooLong").default(""),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, "correct.errors.country")
    .default("MY"),
});

function checkStateAndPostcode(v: z.infer<typeof AddressFields>, ctx: z.RefinementCtx) {
  const malaysian = v.country === "MY";
  if (malaysian ? !isMalaysianState(v.state) : !v.state) ctx.addIssue({ code: "custom", path: ["state"], message: "correct.errors.state" });
  else if (malaysian ? postcodeProblem(v.postcode, v.state) : !/^[A-Za-z0-9 -]{2,12}$/.test(v.postcode))
    ctx.addIssue({ code: "custom", path: ["postcode"], message: "correct.errors.postcode" });
}

const AddressSchema = AddressFields.extend({ addressId: z.string().refine(isUuid, "correct.errors.unknownAddress") }).superRefine(
  checkStateAndPostcode,
);
/** A guest names the address to correct by one of their orders that carries it. */
const GuestAddressSchema = AddressFields.extend({ orderId: z.string().refine(isUuid, "correct.errors.unknownAddress") }).superRefine(
  checkStateAndPostcode,
);

/** Keys of the "privacy" namespace an address correction's errors are. */
type AddressError =
  | "correct.errors.unknownAddress"
  | "correct.errors.addressName"
  | "correct.errors.line1"
  | "correct.errors.city"
  | "correct.errors.state"
  | "correct.errors.postcode"
  | "correct.errors.country"
  | "correct.errors.tooLong";
export type AddressResult = { ok: true } | { ok: false; errors: Record<string, AddressError> };

function addressErrors(error: z.ZodError): Record<string, AddressError> {
  const errors: Record<string, AddressError> = {};
  for (const issue of error.issues) errors[String(issue.path[0] ?? "form")] ??= issue.message as AddressError;
  return errors;
}

/** Saves a corrected address of the customer's own (audited: which address, not its contents). */
export async function correctCustomerAddress(shopId: string, customerId: string, form: Record<string, unknown>): Promise<AddressResult> {
  const parsed = AddressSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: addressErrors(parsed.error) };
  const { addressId, ...fields } = parsed.data;
  return withShop(shopId, async (tx) => {
    const [row] = await tx
      .select({ address: schema.customerAddresses.address })
      .from(schema.customerAddresses)
      .where(
        and(
          eq(schema.customerAddresses.shopId, shopId),
          eq(schema.customerAddresses.customerId, customerId),
          eq(schema.customerAddresses.id, addressId),
        ),
      )
      .for("update");
    if (!row) return { ok: false, errors: { form: "correct.errors.unknownAddress" } } as const;
    const address: PostalAddress = { ...row.address, ...fields, line2: fields.line2 || null };
    await tx
      .update(schema.customerAddresses)
      .set({ address })
      .where(and(eq(schema.customerAddresses.shopId, shopId), eq(schema.customerAddresses.id, addressId)));
    await audit(tx, {
      shopId,
      actorUserId: null,
      action: "privacy.customer_address_corrected",
      targetType: "customer",
      targetId: customerId,
      after: { addressId },
    });
    return { ok: true } as const;
  });
}

/** Removes one of the customer's saved addresses (audited). */
export async function removeCustomerAddress(shopId: string, customerId: string, addressId: unknown): Promise<boolean> {
  if (!isUuid(addressId)) return false;
  return withShop(shopId, async (tx) => {
    const removed = await tx
      .delete(schema.customerAddresses)
      .where(
        and(
          eq(schema.customerAddresses.shopId, shopId),
          eq(schema.customerAddresses.customerId, customerId),
          eq(schema.customerAddresses.id, addressId),
        ),
      )
      .returning({ id: schema.customerAddresses.id });
    if (removed.length)
      await audit(tx, {
        shopId,
        actorUserId: null,
        action: "privacy.customer_address_removed",
        targetType: "customer",
        targetId: customerId,
        after: { addressId },
      });
    return removed.length > 0;
  });
}

// ---- A NetShop account (merchant or staff) ---------------------------------------------------

const userCode = (userId: string): CodeOwner => ({ shopId: null, scope: `user:${userId}` });

async function emailTakenOnPlatform(userId: string, email: string): Promise<boolean> {
  const [row] = await asPlatform((tx) =>
    tx
      .select({ id: schema.users.id })
      .from(schema.users)
      .where(and(eq(sql`lower(${schema.users.email})`, email), ne(schema.users.id, userId))),
  );
  return Boolean(row);
}

/** Step 1 of a merchant's new email: a code sent to it. */
export async function startUserEmailChange(
  user: { id: string; email: string },
  input: unknown,
  who: { ip: string | null; locale: Locale },
): Promise<ChangeResult> {
  return startContactChange("email", input, userCode(user.id), { ...who, userId: user.id }, async (email) => {
    if (email === user.email.toLowerCase()) return "correct.errors.same";
    if (await emailTakenOnPlatform(user.id, email)) return "correct.errors.taken";
    return undefined;
  });
}

/** Step 2: the code from the new address, then the change (audited, masked). */
export async function confirmUserEmailChange(
  user: { id: string; email: string },
  input: { contact: unknown; code: unknown },
  who: RequestInfo,
): Promise<ChangeResult> {
  const confirmed = await confirmedContact("email", input, userCode(user.id), (email) => emailTakenOnPlatform(user.id, email));
  if (!confirmed.ok) return confirmed;
  const email = confirmed.contact;
  await correctOwnAccount(user.id, { email }, { before: { email: maskEmail(user.email) }, after: { email: maskEmail(email) } }, who);
  return { ok: true, contact: email };
}

// ---- A guest buyer (no account), proved by a code to a contact on their orders -----------------

/**
 * A guest buyer's details are what their orders (and the guest customer rows behind them) carry:
 * the same rows an export of theirs holds (customerScope). A correction changes all of them at
 * once; a new email or number is confirmed by a code to it first, like an account's.
 */
export interface GuestDetails {
  name: string;
  email: string | null;
  phone: string | null;
  /** Each distinct shipping address, named by the newest order that carries it. */
  addresses: Array<{ orderId: string; orderNumbers: number[]; address: PostalAddress }>;
}

async function guestOrders(tx: Tx, shopId: string, contact: string, forUpdate = false) {
  const scope = await customerScope(tx, { kind: "guest", shopId, contact });
  const o = schema.orders;
  const query = tx
    .select({ id: o.id, number: o.number, name: o.customerName, email: o.email, phone: o.phone, address: o.shippingAddress })
    .from(o)
    .where(and(eq(o.shopId, shopId), inArray(o.id, scope.orderIds)))
    .orderBy(desc(o.createdAt), desc(o.number));
  const orders = scope.orderIds.length ? await (forUpdate ? query.for("update") : query) : [];
  return { scope, orders };
}

/** What the guest's privacy page shows them to correct (the newest order's name and contacts). */
export async function guestDetails(shopId: string, contact: string): Promise<GuestDetails> {
  return withShop(shopId, async (tx) => {
    const { orders } = await guestOrders(tx, shopId, contact);
    const addresses = new Map<string, GuestDetails["addresses"][number]>();
    for (const order of orders) {
      if (!order.address) continue;
      const key = JSON.stringify(order.address);
      const seen = addresses.get(key);
      if (seen) seen.orderNumbers.push(order.number);
      else addresses.set(key, { orderId: order.id, orderNumbers: [order.number], address: order.address });
    }
    return {
      name: orders[0]?.name ?? "",
      email: orders.find((r) => r.email)?.email ?? null,
      phone: orders.find((r) => r.phone)?.phone ?? null,
      addresses: [...addresses.values()],
    };
  });
}

type GuestChange = { name: string } | { email: string } | { phone: string } | { shippingAddress: PostalAddress };

/** What a guest's correction changed: the guest-corrected flow records it on each order and tells suppliers. */
export interface GuestCorrection {
  field: "name" | "email" | "phone" | "shippingAddress";
  orders: Array<{ id: string; number: number }>;
  /** Orders whose shipping address (the recipient a supplier gets) changed with it. */
  recipientChanged: string[];
}

/** Steps of another area, in the correction's transaction (app/flows/guest-corrected.server.ts). */
export type AfterGuestCorrection = (tx: Tx, correction: GuestCorrection) => Promise<void>;

/**
 * The shipping address a correction leaves on an order: an address correction replaces it; a name
 * or number correction also corrects the recipient where it was the guest's old name or number
 * (their own details, wrong in both places), and leaves a different recipient (a gift) alone.
 */
function correctedAddress(
  order: { name: string | null; phone: string | null; address: PostalAddress | null },
  change: GuestChange,
): PostalAddress | null {
  const address = order.address;
  if ("shippingAddress" in change) return change.shippingAddress;
  if (!address) return null;
  if ("name" in change && order.name && address.name.trim().toLowerCase() === order.name.trim().toLowerCase())
    return { ...address, name: change.name };
  if ("phone" in change && order.phone && address.phone && normaliseContact(address.phone) === order.phone)
    return { ...address, phone: change.phone };
  return null;
}

/**
 * Applies a correction to every order and guest customer row of the guest (or, for an address,
 * to the orders carrying the one named), audited without the values: which field, which orders,
 * contacts masked. `after` runs in the same transaction with what changed.
 */
async function applyGuestChange(
  tx: Tx,
  shopId: string,
  contact: string,
  change: GuestChange,
  onlyOrders?: (order: { id: string; address: PostalAddress | null }) => boolean,
  after?: AfterGuestCorrection,
): Promise<number[]> {
  const { scope, orders } = await guestOrders(tx, shopId, contact, true);
  const chosen = onlyOrders ? orders.filter(onlyOrders) : orders;
  if (!chosen.length) return [];
  const now = new Date();
  const recipientChanged: string[] = [];
  for (const order of chosen) {
    const address = correctedAddress(order, change);
    if (address && JSON.stringify(address) !== JSON.stringify(order.address)) recipientChanged.push(order.id);
    await tx
      .update(schema.orders)
      .set({
        ...("name" in change ? { customerName: change.name } : "shippingAddress" in change ? {} : change),
        ...(address ? { shippingAddress: address } : {}),
        updatedAt: now,
      })
      .where(and(eq(schema.orders.shopId, shopId), eq(schema.orders.id, order.id)));
  }
  if (!("shippingAddress" in change) && scope.customerIds.length)
    await tx
      .update(schema.customers)
      .set({ ...change, updatedAt: now })
      .where(and(eq(schema.customers.shopId, shopId), inArray(schema.customers.id, scope.customerIds)));
  const field = Object.keys(change)[0] as GuestCorrection["field"];
  await audit(tx, {
    shopId,
    actorUserId: null,
    action: "privacy.guest_corrected",
    targetType: "guest",
    targetId: mask(contact) ?? undefined,
    before:
      "email" in change || "phone" in change
        ? { [field]: [...new Set(chosen.map((o) => mask(o[field as "email" | "phone"])))] }
        : undefined,
    after: {
      field,
      ...("email" in change ? { email: mask(change.email) } : "phone" in change ? { phone: mask(change.phone) } : {}),
      orders: chosen.map((o) => o.number),
    },
  });
  await after?.(tx, { field, orders: chosen.map((o) => ({ id: o.id, number: o.number })), recipientChanged });
  return chosen.map((o) => o.number);
}

/** The guest corrects the name on their orders. */
export async function correctGuestName(
  shopId: string,
  contact: string,
  form: Record<string, unknown>,
  after?: AfterGuestCorrection,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const parsed = NameCorrectionSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  await withShop(shopId, (tx) => applyGuestChange(tx, shopId, contact, { name: parsed.data.name }, undefined, after));
  return { ok: true };
}

const guestCode = (shopId: string, proven: string): CodeOwner => ({ shopId, scope: `guest:${shopId}:${proven}` });

/** Step 1 of a guest's new email or number: a code sent to it. */
export async function startGuestContactChange(
  shopId: string,
  proven: string,
  field: ContactField,
  input: unknown,
  who: { ip: string | null; locale: Locale },
): Promise<ChangeResult> {
  return startContactChange(field, input, guestCode(shopId, proven), who, async (contact) => {
    const current = await guestDetails(shopId, proven);
    return contact === proven || current[field] === contact ? "correct.errors.same" : undefined;
  });
}

/**
 * Step 2: the code from the new contact, then the change on every order of the guest. When the
 * guest replaced the very contact they proved (their number for a number), the new one is what
 * they are proved by from now on: `proven` says which.
 */
export async function confirmGuestContactChange(
  shopId: string,
  proven: string,
  field: ContactField,
  input: { contact: unknown; code: unknown },
  after?: AfterGuestCorrection,
): Promise<(ChangeResult & { ok: false }) | { ok: true; contact: string; proven: string }> {
  const confirmed = await confirmedContact(field, input, guestCode(shopId, proven));
  if (!confirmed.ok) return confirmed;
  const { contact } = confirmed;
  await withShop(shopId, (tx) =>
    applyGuestChange(tx, shopId, proven, field === "email" ? { email: contact } : { phone: contact }, undefined, after),
  );
  return { ok: true, contact, proven: isPhoneContact(proven) === (field === "phone") ? contact : proven };
}

/** The guest corrects one of the shipping addresses on their orders (every order that carries it). */
export async function correctGuestAddress(
  shopId: string,
  contact: string,
  form: Record<string, unknown>,
  after?: AfterGuestCorrection,
): Promise<AddressResult> {
  const parsed = GuestAddressSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: addressErrors(parsed.error) };
  const { orderId, ...fields } = parsed.data;
  return withShop(shopId, async (tx) => {
    const { orders } = await guestOrders(tx, shopId, contact);
    const named = orders.find((o) => o.id === orderId)?.address;
    if (!named) return { ok: false, errors: { form: "correct.errors.unknownAddress" } } as const;
    const same = JSON.stringify(named);
    const address: PostalAddress = { ...named, ...fields, line2: fields.line2 || null };
    await applyGuestChange(tx, shopId, contact, { shippingAddress: address }, (o) => JSON.stringify(o.address) === same, after);
    return { ok: true } as const;
  });
}
