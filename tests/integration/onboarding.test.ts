/**
 * The dashboard's onboarding checklist: each step ticks itself from the shop's real data (a
 * published product, a payment gateway, shipping rates, company details, a WhatsApp chat number,
 * a storefront design, a paid order); the list goes when done or hidden, and only people with the
 * Settings permission may hide it.
 */
import { describe, expect, it } from "vitest";

import { getProduct } from "~/domain/catalog/products.server";
import { savePaymentSettings } from "~/domain/orders/payment-settings.server";
import { updateCompanyDetails } from "~/domain/shops/company.server";
import { onboardingChecklist } from "~/domain/shops/onboarding.server";
import { DEFAULT_THEME } from "~/domain/storefront/theme";
import { saveStorefrontTheme } from "~/domain/storefront/theme.server";

import { signedInClient } from "../helpers/auth";
import { makeProduct } from "../helpers/catalog";
import { addMember, makeShop, makeUser } from "../helpers/factories";
import { makeOrder } from "../helpers/orders";
import { webForFile } from "../helpers/web";

const web = webForFile();

const signedIn = (user: Awaited<ReturnType<typeof makeUser>>) => signedInClient(web.url, user);
const ticks = (html: string) =>
  Object.fromEntries([...html.matchAll(/data-testid="onboarding-(\w+)" data-done="(yes|no)"/g)].map((m) => [m[1], m[2]]));

describe("onboarding checklist", () => {
  it("ticks each step from the shop's data, then hides itself when all are done", async () => {
    const user = await makeUser();
    const shop = await makeShop(user.id);
    const client = await signedIn(user);
    const before = ticks(await (await client.get("/admin")).text());
    expect(Object.keys(before)).toEqual(["product", "payments", "shipping", "company", "whatsapp", "theme", "order"]);
    expect(before).toMatchObject({ product: "no", payments: "no", company: "no", whatsapp: "no", theme: "no", order: "no" });

    const who = { ip: "127.0.0.1", userAgent: "vitest" };
    // A draft does not count: the step is a product customers can see.
    await makeProduct(shop.id, user.id, { title: "Draf", price: "10.00", stock: 1, status: "draft" });
    expect((await onboardingChecklist(shop.id)).steps.find((s) => s.key === "product")!.done).toBe(false);
    const product = await makeProduct(shop.id, user.id, { title: "Kuih lapis", price: "12.00", stock: 50, status: "active" });
    expect((await savePaymentSettings({ userId: user.id, shopId: shop.id }, { gateway: "billplz", mode: "sandbox" }, who)).ok).toBe(true);
    expect(
      (
        await updateCompanyDetails(
          shop.id,
          { userId: user.id, ...who },
          { companyName: "Kuih Mak Su Enterprise", registrationNumber: "", companyAddress: "" },
        )
      ).ok,
    ).toBe(true);
    expect(
      (await saveStorefrontTheme(shop.id, { userId: user.id }, { ...DEFAULT_THEME, whatsapp: "012-345 6789", heroTitle: "Kuih raya" })).ok,
    ).toBe(true);
    const variantId = (await getProduct(shop.id, product.productId))!.variants[0].id;
    await makeOrder(shop.id, { lines: [{ variantId, quantity: 1 }], paid: false });
    expect((await onboardingChecklist(shop.id)).steps.find((s) => s.key === "order")!.done).toBe(false); // unpaid
    await makeOrder(shop.id, { lines: [{ variantId, quantity: 1 }] });

    const after = ticks(await (await client.get("/admin")).text());
    expect(after).toMatchObject({ product: "yes", payments: "yes", company: "yes", whatsapp: "yes", theme: "yes", order: "yes" });
    const shipping = (await onboardingChecklist(shop.id)).steps.find((s) => s.key === "shipping")!;
    expect(after.shipping).toBe(shipping.done ? "yes" : "no");
  });

  it("the owner hides it for the shop; staff without Settings cannot", async () => {
    const owner = await makeUser();
    const shop = await makeShop(owner.id);
    const staffUser = await makeUser();
    await addMember(shop.id, staffUser.id, "staff", ["products"]);

    const staff = await signedIn(staffUser);
    const staffPage = await (await staff.get("/admin")).text();
    expect(staffPage).toContain('data-testid="onboarding"');
    expect(staffPage).not.toContain('data-testid="dismiss-onboarding"');
    expect((await staff.post("/admin/onboarding", {})).status).toBe(403);
    expect((await onboardingChecklist(shop.id)).dismissed).toBe(false);

    const client = await signedIn(owner);
    await client.get("/admin");
    const res = await client.post("/admin/onboarding", {});
    expect(res.status).toBe(302);
    expect(await (await client.get("/admin")).text()).not.toContain('data-testid="onboarding"');
    expect((await onboardingChecklist(shop.id)).dismissed).toBe(true);
  });

  it("is in Malay for a merchant working in Bahasa Melayu", async () => {
    const user = await makeUser();
    await makeShop(user.id);
    const client = await signedIn(user);
    await client.get("/admin");
    await client.post("/locale", { lng: "ms", redirectTo: "/admin" });
    const html = await (await client.get("/admin")).text();
    expect(html).toContain("Sediakan kedai anda");
    expect(html).toContain("Tambah produk pertama anda");
  });
});
