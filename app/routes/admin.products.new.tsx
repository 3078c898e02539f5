import { data, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { listCategories, listCollections } from "~/domain/catalog/collections.server";
import { draftFromFields, emptyDraft } from "~/domain/catalog/product-draft";
import { createProduct, validateDraft } from "~/domain/catalog/products.server";
import { getShop } from "~/domain/shops/shops.server";
import { readForm } from "~/lib/csrf.server";
import { formFields } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { CatalogHeader } from "~/ui/catalog";
import { optionsSignature, ProductEditor } from "~/ui/product-editor";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "catalog")("new.metaTitle") }];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ access }) => {
  const { shop } = access;
  const [info, categories, collections] = await Promise.all([
    getShop(shop.shopId),
    listCategories(shop.shopId),
    listCollections(shop.shopId),
  ]);
  return { currency: info.currency, categories, collections };
});

export const action = /* @__PURE__ */ adminAction("products", async ({ request, context, access }) => {
  const { shop } = access;
  const actor = { userId: access.user.id };
  const form = await readForm(request);
  const draft = draftFromFields(formFields(form));
  const { currency } = await getShop(shop.shopId);
  const validated = validateDraft(draft, currency, { regenerate: optionsSignature(draft) !== form.get("optionsBefore") });
  if (!validated.ok) return data({ errors: validated.errors, draft: validated.draft }, { status: 400 });
  const saved = await createProduct(shop.shopId, validated.input, { ...actor, ip: context.ip, userAgent: context.userAgent });
  if (!saved.ok) return data({ errors: saved.errors, draft: validated.draft }, { status: 400 });
  return redirect(`/admin/products/${saved.productId}?created=1`);
});

export default function NewProduct() {
  const { currency, categories, collections } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation("catalog");
  return (
    <div className="stack">
      <CatalogHeader back={{ to: "/admin/products", label: t("products") }} title={t("new.title")} />
      <ProductEditor
        key={result ? JSON.stringify(result.errors) : "new"}
        mode="new"
        initial={result?.draft ?? emptyDraft()}
        errors={result?.errors ?? {}}
        currency={currency}
        categories={categories}
        collections={collections}
      />
      <p className="muted small">{t("new.mediaLater")}</p>
    </div>
  );
}
