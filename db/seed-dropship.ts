/**
 * Dropshipping demo for `npm start`: the demo owner is also a platform operator (/platform), a
 * demo supplier (supplier@netshop.local, same password as the demo owner) is approved with three
 * published products, and the demo shop's wallet holds RM 500. Idempotent.
 */
import { eq, sql } from "drizzle-orm";

import { signUp } from "~/domain/accounts/signup.server";
import { createSupplierProduct } from "~/domain/dropship/supplier-portal.server";
import { creditWallet, setSupplierStatus, signUpSupplier } from "~/domain/dropship/suppliers.server";
import { shownPoliciesField } from "~/domain/policies/versions.server";

import { asPlatform, schema } from "./client";

export const DEMO_SUPPLIER = {
  name: "Lim Mei Ling",
  email: "supplier@netshop.local",
  phone: "012-888 1234",
  supplierName: "Pulau Pinang Craft Supply",
};
const who = { ip: "127.0.0.1", userAgent: "netshop-seed" };

export async function seedDropshipDemo(demo: { userId: string; shopId: string; password: string }): Promise<void> {
  await asPlatform((tx) => tx.update(schema.users).set({ platformRole: "operator" }).where(eq(schema.users.id, demo.userId)));
  const [existing] = await asPlatform((tx) =>
    tx
      .select({ id: schema.users.id })
      .from(schema.users)
      .where(eq(sql`lower(${schema.users.email})`, DEMO_SUPPLIER.email)),
  );
  if (existing) return;
  const account = await signUp(
    {
      name: DEMO_SUPPLIER.name,
      email: DEMO_SUPPLIER.email,
      phone: DEMO_SUPPLIER.phone,
      companyName: DEMO_SUPPLIER.supplierName,
      password: demo.password,
      adult: "on",
      terms: "on",
      ...(await shownPoliciesField(["privacy", "terms"])),
    },
    who,
  );
  if (!account.ok) throw new Error(`demo supplier sign-up failed: ${JSON.stringify(account.errors)}`);
  const supplier = await signUpSupplier(
    {
      supplierName: DEMO_SUPPLIER.supplierName,
      contactName: DEMO_SUPPLIER.name,
      whatsapp: DEMO_SUPPLIER.phone,
      warehouseCity: "George Town",
      warehouseState: "Pulau Pinang",
      regions: ["Peninsular Malaysia", "East Malaysia"],
      handlingDays: "2",
    },
    who,
    account.userId,
  );
  if (!supplier.ok) throw new Error(`demo supplier failed: ${JSON.stringify(supplier.errors)}`);
  await setSupplierStatus(demo.userId, supplier.supplierShopId, "approved", who);
  const products = [
    { title: "Pewter Tea Set", productType: "Homeware", cost: "68.00", price: "159.00", stock: "15", weight: "1800" },
    {
      title: "Nyonya Beaded Slippers",
      productType: "Shoes",
      optionName: "Size",
      optionValues: "37, 38, 39, 40",
      cost: "45.00",
      price: "119.00",
      stock: "8",
      weight: "400",
    },
    { title: "Penang White Coffee (30 sachets)", productType: "Food", cost: "14.50", price: "32.90", stock: "120", weight: "1200" },
  ];
  for (const p of products) {
    const result = await createSupplierProduct(
      supplier.supplierShopId,
      { userId: account.userId, ...who },
      { ...p, descriptionMd: `${p.title}, made in Penang and shipped by our warehouse in George Town.`, publish: "on" },
    );
    if (!result.ok) throw new Error(`demo supplier product failed: ${JSON.stringify(result.errors)}`);
  }
  await creditWallet(demo.shopId, { kind: "topup", amountMinor: 500_00, note: "Demo top-up", actorUserId: demo.userId, forwardId: null });
}
