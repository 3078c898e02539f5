/**
 * The shop's legal identity printed on tax invoices and packing slips: company name, SSM
 * registration number and address.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";

import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { type CodedErrors, codedFieldErrors } from "~/lib/forms";
import { schema, withShop } from "~db/client";

export const CompanySchema = z.object({
  // Keys of the settings namespace's errors, worded by the page (see ~/lib/forms).
  companyName: z.string().trim().min(2, "companyName").max(120, "maxChars"),
  registrationNumber: z
    .string()
    .trim()
    .toUpperCase()
    .max(30, "maxChars")
    .refine(
      (s) =>
        s === "" ||
        /^\d{12}$/.test(s) ||
        /^\d{12}\s*\(\d{1,7}-[A-Z]\)$/.test(s) ||
        /^\d{1,7}-[A-Z]$/.test(s) ||
        /^[A-Z]{2}\d{7}-[A-Z]$/.test(s),
      "registrationNumber",
    ),
  companyAddress: z
    .string()
    .trim()
    .max(400, "maxChars")
    .refine((s) => s.split("\n").length <= 6, "addressLines")
    .refine((s) => s === "" || /\b\d{5}\b/.test(s), "postcode"),
});

export async function getCompanyDetails(shopId: string) {
  return withShop(shopId, async (tx) => {
    const [shop] = await tx
      .select({
        companyName: schema.shops.companyName,
        registrationNumber: schema.shops.registrationNumber,
        companyAddress: schema.shops.companyAddress,
        name: schema.shops.name,
      })
      .from(schema.shops)
      .where(eq(schema.shops.id, shopId));
    return shop;
  });
}

export async function updateCompanyDetails(
  shopId: string,
  actor: { userId: string } & RequestInfo,
  form: Record<string, unknown>,
): Promise<{ ok: true } | { ok: false; errors: CodedErrors }> {
  const parsed = CompanySchema.safeParse({ ...form, companyAddress: String(form.companyAddress ?? "").replace(/\r\n/g, "\n") });
  if (!parsed.success) return { ok: false, errors: codedFieldErrors(parsed.error, "settings:errors.") };
  const values = {
    companyName: parsed.data.companyName,
    registrationNumber: parsed.data.registrationNumber || null,
    companyAddress: parsed.data.companyAddress || null,
  };
  await withShop(shopId, async (tx) => {
    const [before] = await tx
      .select({
        companyName: schema.shops.companyName,
        registrationNumber: schema.shops.registrationNumber,
        companyAddress: schema.shops.companyAddress,
      })
      .from(schema.shops)
      .where(eq(schema.shops.id, shopId));
    await tx
      .update(schema.shops)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(schema.shops.id, shopId));
    await audit(tx, {
      shopId,
      actorUserId: actor.userId,
      action: "settings.company_changed",
      targetType: "shop",
      targetId: shopId,
      before,
      after: values,
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
  });
  return { ok: true };
}
