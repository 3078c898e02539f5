import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { limitsInLanguage } from "~/domain/billing/limit-refusals.server";
import { minorToDecimal } from "~/domain/catalog/catalog-rules";
import { addSupplierImage, getSupplierProduct, updateSupplierProduct } from "~/domain/dropship/supplier-portal.server";
import { supplierAction, supplierLoader } from "~/domain/dropship/suppliers.server";
import { MAX_IMAGE_BYTES } from "~/domain/media/media-rules";
import { readForm, readUploadForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { Checkbox, FormError, PostForm, useFormResult } from "~/ui/forms";

export const loader = /* @__PURE__ */ supplierLoader(async ({ params, access }) => {
  const found = await getSupplierProduct(access.supplier.shopId, params.id ?? "");
  if (!found) throw new Response("Not found", { status: 404 });
  return found;
});

export const action = /* @__PURE__ */ supplierAction(
  async ({ request, params, context, access }) => {
    const actor = { userId: access.user.id, ip: context.ip, userAgent: context.userAgent };
    const t = serverT(await localeFor(request), "supplier");
    if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
      const upload = await readUploadForm(request, { field: "image", maxFileBytes: MAX_IMAGE_BYTES });
      if (!upload.ok) return data({ errors: upload.errors, values: {}, notice: null }, { status: upload.status });
      const form = upload.form;
      const file = form.get("image");
      if (!(file instanceof File) || file.size === 0)
        return data({ errors: { image: t("products.chooseImage") } as Record<string, string>, values: {}, notice: null }, { status: 400 });
      const added = await addSupplierImage(access.supplier.shopId, params.id ?? "", {
        body: Buffer.from(await file.arrayBuffer()),
        contentType: file.type,
        filename: file.name,
      });
      if (added === undefined) throw new Response("Not found", { status: 404 });
      if (!added.ok) {
        // Over the plan's storage: the refusal worded in the reader's language; otherwise not an image.
        const worded = await limitsInLanguage(request, added);
        const image = "planLimit" in worded ? worded.errors.image : t("products.notImage", { name: file.name });
        return data({ errors: { image } as Record<string, string>, values: {}, notice: null }, { status: 400 });
      }
      return data({ errors: {} as Record<string, string>, values: {}, notice: t("products.imageAdded") });
    }
    const form = await readForm(request);
    const result = await updateSupplierProduct(access.supplier.shopId, params.id ?? "", actor, Object.fromEntries(form));
    if (!result) throw new Response("Not found", { status: 404 });
    if (!result.ok) return data({ errors: result.errors, values: keptValues(form), notice: null }, { status: 400 });
    return data({ errors: {} as Record<string, string>, values: {}, notice: t("products.saved") });
  },
  { approved: false },
);

export default function SupplierProduct() {
  const { product, variants, media } = useLoaderData<typeof loader>();
  const { result, errors, values } = useFormResult<typeof action>();
  const { t } = useTranslation("dropship");
  const { t: ts } = useTranslation("supplier");
  return (
    <div className="stack">
      <p>
        <Link to="/supplier/products">← {t("products")}</Link>
      </p>
      <h1>{product.title}</h1>
      <Banner tone="ok">{result?.notice}</Banner>
      <PostForm className="card" noValidate>
        <FormError message={errors.form} />
        <table>
          <thead>
            <tr>
              <th>{ts("products.variant")}</th>
              <th>{t("cost")} (RM)</th>
              <th>{t("suggested")} (RM)</th>
              <th>{t("stock")}</th>
            </tr>
          </thead>
          <tbody>
            {variants.map((v) => (
              <tr key={v.id}>
                <td>{v.title === "Default" ? ts("products.defaultVariant") : v.title}</td>
                {(["cost", "price", "stock"] as const).map((f) => {
                  const name = `${f}_${v.id}`;
                  const saved =
                    f === "cost"
                      ? minorToDecimal(v.costMinor ?? 0, "MYR")
                      : f === "price"
                        ? minorToDecimal(v.priceMinor, "MYR")
                        : String(v.onHand ?? 0);
                  return (
                    <td key={f}>
                      <input
                        name={name}
                        aria-label={ts("products.variantField", {
                          variant: v.title === "Default" ? ts("products.defaultVariant") : v.title,
                          field: ts(`products.fields.${f}`),
                        })}
                        defaultValue={values[name] ?? saved}
                        inputMode="decimal"
                        size={8}
                        aria-invalid={Boolean(errors[name])}
                      />
                      {errors[name] ? (
                        <p className="error" role="alert" data-field-error={name}>
                          {errors[name]}
                        </p>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        <Checkbox
          label={ts("products.publishedToNetwork")}
          name="publish"
          defaultChecked={values.publish ? values.publish === "on" : product.status === "active"}
        />
        <button type="submit">{ts("products.save")}</button>
      </PostForm>
      <section className="card">
        <h2>{ts("products.images")}</h2>
        <div className="row">
          {media.map((m) => (
            <img key={m.id} src={m.url} alt="" width={96} height={96} style={{ objectFit: "cover" }} data-status={m.status} />
          ))}
        </div>
        <PostForm encType="multipart/form-data">
          <input type="file" name="image" accept="image/jpeg,image/png,image/webp" aria-label={ts("products.image")} />
          {errors.image ? (
            <p className="error" role="alert" data-field-error="image">
              {errors.image}
            </p>
          ) : null}
          <button type="submit" className="secondary">
            {ts("products.upload")}
          </button>
        </PostForm>
      </section>
    </div>
  );
}
