import { data, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { formatMoney, minorToDecimal } from "~/domain/catalog/catalog-rules";
import { getShop } from "~/domain/shops/shops.server";
import { endFlashSale, flashSaleForEditor, saveFlashSale, toLocalDateTime } from "~/domain/storefront/flash-sales.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { notFound } from "~/lib/http";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { redirect } from "~/lib/redirect.server";
import { CatalogHeader } from "~/ui/catalog";
import { Field, FormError, PostForm, useFormResult } from "~/ui/forms";
import { DataTable } from "~/ui/table";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "deals")("editor.meta") }];

export const loader = /* @__PURE__ */ adminLoader("products", async ({ params, access }) => {
  const id = params.id === "new" ? null : (params.id ?? null);
  const [editor, shop] = await Promise.all([flashSaleForEditor(access.shop.shopId, id), getShop(access.shop.shopId)]);
  if (!editor) throw notFound("There is no such sale in this shop.");
  const { sale, lines, variants } = editor;
  const local = (d: Date) => toLocalDateTime(d, shop.timezone);
  const now = new Date();
  return {
    timezone: shop.timezone,
    sale: sale
      ? {
          id: sale.id,
          name: sale.name,
          state: sale.state,
          startsAt: local(sale.startsAt),
          endsAt: local(sale.endsAt),
          perCustomerLimit: sale.perCustomerLimit === null ? "" : String(sale.perCustomerLimit),
          totalCap: sale.totalCap === null ? "" : String(sale.totalCap),
          claimed: sale.claimed,
        }
      : {
          id: null,
          name: "",
          state: "scheduled" as const,
          startsAt: local(new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000)),
          endsAt: local(new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000 + 24 * 3_600_000)),
          perCustomerLimit: "",
          totalCap: "",
          claimed: 0,
        },
    variants: variants.map((v) => {
      const line = lines.find((l) => l.variantId === v.id);
      return {
        id: v.id,
        label: v.title === "Default" ? v.productTitle : `${v.productTitle} — ${v.title}`,
        sku: v.sku,
        price: formatMoney(v.priceMinor, v.currency),
        salePrice: line ? minorToDecimal(line.salePriceMinor, v.currency) : "",
      };
    }),
  };
});

export const action = /* @__PURE__ */ adminAction("products", async ({ request, params, context, access }) => {
  const form = await readForm(request);
  const id = params.id === "new" ? null : (params.id ?? null);
  const actor = { userId: access.user.id, ip: context.ip, userAgent: context.userAgent };
  if (form.get("intent") === "end" && id) {
    if (!(await endFlashSale(access.shop.shopId, id, actor))) throw notFound("There is no such running sale in this shop.");
    return redirect(`/admin/deals/${id}`);
  }
  const shop = await getShop(access.shop.shopId);
  const result = await saveFlashSale({ shopId: access.shop.shopId, timezone: shop.timezone }, id, Object.fromEntries(form), actor);
  if (!result) throw notFound("There is no such sale in this shop.");
  if (!result.ok) return data({ errors: result.errors, values: keptValues(form) }, { status: 400 });
  return redirect(`/admin/deals/${result.id}?saved=1`);
});

export default function FlashSaleEditor() {
  const { sale, variants, timezone } = useLoaderData<typeof loader>();
  const { errors, values } = useFormResult<typeof action>();
  const { t } = useTranslation("deals");
  const zone = timezone.replace(/_/g, " ");
  const value = (name: keyof typeof sale) => values[name] ?? String(sale[name] ?? "");
  return (
    <div className="stack">
      <CatalogHeader back={{ to: "/admin/deals", label: t("editor.back") }} title={sale.id ? sale.name : t("editor.newTitle")}>
        {sale.id && sale.state !== "ended" ? (
          <PostForm>
            <button type="submit" name="intent" value="end" className="secondary" data-testid="end-sale">
              {t("editor.end")}
            </button>
          </PostForm>
        ) : null}
      </CatalogHeader>
      {sale.id ? (
        <p className="muted">
          <span className="badge">{t(`states.${sale.state}`)}</span> {t("editor.sold", { count: sale.claimed })}
        </p>
      ) : null}
      <PostForm className="stack" noValidate>
        <section className="card medium">
          <FormError message={errors.form} />
          <Field
            label={t("editor.name")}
            name="name"
            placeholder={t("editor.namePlaceholder")}
            defaultValue={value("name")}
            error={errors.name}
            required
          />
          <Field
            label={t("editor.starts", { zone })}
            name="startsAt"
            type="datetime-local"
            defaultValue={value("startsAt")}
            error={errors.startsAt}
            required
          />
          <Field
            label={t("editor.ends", { zone })}
            name="endsAt"
            type="datetime-local"
            defaultValue={value("endsAt")}
            error={errors.endsAt}
            required
          />
          <Field
            label={t("editor.totalCap")}
            name="totalCap"
            inputMode="numeric"
            defaultValue={value("totalCap")}
            error={errors.totalCap}
            hint={t("editor.totalCapHint")}
          />
          <Field
            label={t("editor.perCustomer")}
            name="perCustomerLimit"
            inputMode="numeric"
            defaultValue={value("perCustomerLimit")}
            error={errors.perCustomerLimit}
            hint={t("editor.perCustomerHint")}
          />
        </section>
        <section className="card">
          <h2>{t("editor.prices")}</h2>
          <p className="small muted">{t("editor.pricesHint")}</p>
          <FormError message={errors.variants} />
          <DataTable
            className="table variants"
            data-testid="sale-variants"
            columns={[t("editor.variant"), t("editor.sku"), t("editor.price"), t("editor.salePrice")]}
            rows={variants}
            rowKey={(v) => v.id}
            cells={(v) => (
              <>
                <td>
                  <label htmlFor={`price_${v.id}`}>{v.label}</label>
                </td>
                <td className="small muted">{v.sku}</td>
                <td>{v.price}</td>
                <td>
                  <input
                    id={`price_${v.id}`}
                    name={`price_${v.id}`}
                    inputMode="decimal"
                    size={8}
                    defaultValue={values[`price_${v.id}`] ?? v.salePrice}
                    aria-invalid={errors[`price_${v.id}`] ? true : undefined}
                  />
                  {errors[`price_${v.id}`] ? (
                    <p className="error" role="alert" data-field-error={`price_${v.id}`}>
                      {errors[`price_${v.id}`]}
                    </p>
                  ) : null}
                </td>
              </>
            )}
          />
        </section>
        <div>
          <button type="submit" data-testid="save-sale">
            {t("editor.save")}
          </button>
        </div>
      </PostForm>
    </div>
  );
}
