import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { formatMoney } from "~/domain/catalog/catalog-rules";
import { createSupplierProduct, listSupplierProducts } from "~/domain/dropship/supplier-portal.server";
import { supplierAction, supplierLoader } from "~/domain/dropship/suppliers.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { Checkbox, Field, FormError, PostForm, useFormResult } from "~/ui/forms";
import { DataTable } from "~/ui/table";

export const loader = /* @__PURE__ */ supplierLoader(async ({ access }) => ({
  products: await listSupplierProducts(access.supplier.shopId),
}));

// Preparing products is allowed while pending approval (they join the network once approved).
export const action = /* @__PURE__ */ supplierAction(
  async ({ request, context, access }) => {
    const form = await readForm(request);
    const result = await createSupplierProduct(
      access.supplier.shopId,
      { userId: access.user.id, ip: context.ip, userAgent: context.userAgent },
      Object.fromEntries(form),
    );
    if (!result.ok) return data({ errors: result.errors, values: keptValues(form) }, { status: 400 });
    return redirect(`/supplier/products/${result.productId}`);
  },
  { approved: false },
);

export default function SupplierProducts() {
  const { products } = useLoaderData<typeof loader>();
  const { errors, values } = useFormResult<typeof action>();
  const { t } = useTranslation("dropship");
  const { t: ts } = useTranslation("supplier");
  return (
    <div className="stack">
      <h1>{t("products")}</h1>
      <div className="card flush">
        <DataTable
          data-testid="supplier-products"
          columns={[t("products"), ts("products.status"), t("cost"), t("suggested"), t("stock")]}
          rows={products}
          rowKey={(p) => p.id}
          cells={(p) => (
            <>
              <td>
                <Link to={`/supplier/products/${p.id}`}>{p.title}</Link>
              </td>
              <td>{p.status === "active" ? ts("products.published") : ts(`products.productStatuses.${p.status}`)}</td>
              <td>{p.minCost !== null ? formatMoney(p.minCost, "MYR") : "—"}</td>
              <td>{p.price !== null ? formatMoney(p.price, "MYR") : "—"}</td>
              <td>{p.stock ?? 0}</td>
            </>
          )}
        />
      </div>
      <PostForm className="card" noValidate aria-label={ts("products.newProduct")}>
        <h2>{ts("products.listProduct")}</h2>
        <FormError message={errors.form} />
        <Field label={ts("products.title")} name="title" defaultValue={values.title} error={errors.title} required />
        <div className="field">
          <label htmlFor="descriptionMd">{ts("products.description")}</label>
          <textarea id="descriptionMd" name="descriptionMd" rows={4} defaultValue={values.descriptionMd} />
        </div>
        <div className="two-cols">
          <Field label={t("category")} name="productType" defaultValue={values.productType} error={errors.productType} />
          <Field label={ts("products.weight")} name="weight" inputMode="numeric" defaultValue={values.weight} error={errors.weight} />
          <Field label={ts("products.optionName")} name="optionName" defaultValue={values.optionName} error={errors["options.0.name"]} />
          <Field
            label={ts("products.optionValues")}
            name="optionValues"
            defaultValue={values.optionValues}
            error={errors["options.0.values"]}
          />
          <Field
            label={ts("products.cost")}
            name="cost"
            inputMode="decimal"
            defaultValue={values.cost}
            error={errors.cost ?? errors["variants.0.cost"]}
            required
          />
          <Field
            label={ts("products.price")}
            name="price"
            inputMode="decimal"
            defaultValue={values.price}
            error={errors.price ?? errors["variants.0.price"]}
            required
          />
          <Field
            label={ts("products.stock")}
            name="stock"
            inputMode="numeric"
            defaultValue={values.stock ?? "0"}
            error={errors.stock}
            required
          />
        </div>
        <Checkbox label={ts("products.publish")} name="publish" defaultChecked={values.publish === "on"} />
        <button type="submit">{ts("products.saveProduct")}</button>
      </PostForm>
    </div>
  );
}
