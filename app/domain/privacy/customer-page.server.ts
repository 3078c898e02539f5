import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";

import { audit } from "~/domain/audit/audit.server";
import { type FieldErrors, fieldErrors } from "~/lib/forms";
import { schema, withShop } from "~db/client";
import type { PostalAddress } from "~db/schema";

import { type PrivacyRequest, requestsOf } from "./requests.server";

/** What a storefront customer's privacy page shows: their details, consent and requests. */
export interface CustomerPrivacy {
  name: string;
  email: string | null;
  phone: string | null;
  marketingEmail: boolean;
  marketingWhatsapp: boolean;
  addresses: Array<{ id: string; address: PostalAddress; isDefault: boolean }>;
  requests: PrivacyRequest[];
}

export async function customerPrivacy(shopId: string, customerId: string): Promise<CustomerPrivacy | undefined> {
  const [customer] = await withShop(shopId, (tx) =>
    tx
      .select({
        name: schema.customers.name,
        email: schema.customers.email,
        phone: schema.customers.phone,
        marketingEmail: schema.customers.marketingConsent,
        marketingWhatsapp: schema.customers.marketingWhatsappConsent,
      })
      .from(schema.customers)
      .where(and(eq(schema.customers.shopId, shopId), eq(schema.customers.id, customerId))),
  );
  if (!customer) return undefined;
  const addresses = await withShop(shopId, (tx) =>
    tx
      .select({ id: schema.customerAddresses.id, address: schema.customerAddresses.address, isDefault: schema.customerAddresses.isDefault })
      .from(schema.customerAddresses)
      .where(and(eq(schema.customerAddresses.shopId, shopId), eq(schema.customerAddresses.customerId, customerId)))
      .orderBy(desc(schema.customerAddresses.isDefault), asc(schema.customerAddresses.createdAt)),
  );
  return { ...customer, addresses, requests: await requestsOf({ kind: "customer", shopId, customerId }) };
}

export const NameCorrectionSchema = z.object({
  // Keys of the "privacy" namespace, translated by the page.
  name: z.string().trim().min(1, "correct.errors.name").max(100, "correct.errors.tooLong"),
});

/**
 * A customer corrects their name (audited with before and after). A new email or phone number is
 * not taken here: those are verified by a code first.
 */
export async function correctCustomerName(
  shopId: string,
  customerId: string,
  form: Record<string, unknown>,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const parsed = NameCorrectionSchema.safeParse(form);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  await withShop(shopId, async (tx) => {
    const [before] = await tx
      .select({ name: schema.customers.name })
      .from(schema.customers)
      .where(and(eq(schema.customers.shopId, shopId), eq(schema.customers.id, customerId)))
      .for("update");
    if (!before || before.name === parsed.data.name) return;
    await tx
      .update(schema.customers)
      .set({ name: parsed.data.name, updatedAt: new Date() })
      .where(and(eq(schema.customers.shopId, shopId), eq(schema.customers.id, customerId)));
    await audit(tx, {
      shopId,
      actorUserId: null,
      action: "privacy.customer_corrected",
      targetType: "customer",
      targetId: customerId,
      before,
      after: { name: parsed.data.name },
    });
  });
  return { ok: true };
}
