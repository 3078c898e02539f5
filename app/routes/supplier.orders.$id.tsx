import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { formatMoney } from "~/domain/catalog/catalog-rules";
import { CARRIER_LABELS, SUPPLIER_CARRIERS } from "~/domain/dropship/options";
import { acceptSupplierOrder, getSupplierOrder, rejectSupplierLine, shipSupplierOrder } from "~/domain/dropship/supplier-portal.server";
import { supplierAction, supplierLoader } from "~/domain/dropship/suppliers.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { Field, FormError, PostForm, SelectField, useFormResult } from "~/ui/forms";

export const loader = /* @__PURE__ */ supplierLoader(async ({ request, params, access }) => {
  const order = await getSupplierOrder(access.supplier.shopId, params.id ?? "");
  if (!order) throw new Response(serverT(await localeFor(request), "supplier")("portal.orderNotFound"), { status: 404 });
  return { order };
});

export const action = /* @__PURE__ */ supplierAction(async ({ request, params, context, access }) => {
  const form = await readForm(request);
  const actor = { userId: access.user.id, ip: context.ip, userAgent: context.userAgent };
  const id = params.id ?? "";
  const shopId = access.supplier.shopId;
  const intent = String(form.get("intent") ?? "");
  const result =
    intent === "accept"
      ? await acceptSupplierOrder(shopId, id, actor)
      : intent === "reject"
        ? await rejectSupplierLine(shopId, id, String(form.get("lineId") ?? ""), actor, String(form.get("reason") ?? ""))
        : await shipSupplierOrder(shopId, id, actor, Object.fromEntries(form));
  if (!result) throw new Response(serverT(await localeFor(request), "supplier")("portal.orderNotFound"), { status: 404 });
  if (!result.ok) return data({ errors: result.errors, values: keptValues(form) }, { status: 400 });
  return data({ errors: {} as Record<string, string>, values: {} as Record<string, string> });
});

export default function SupplierOrder() {
  const { order } = useLoaderData<typeof loader>();
  const { errors, values } = useFormResult<typeof action>();
  const { t } = useTranslation("dropship");
  const { t: ts } = useTranslation("supplier");
  const open = order.status === "open" || order.status === "accepted";
  const r = order.recipient;
  return (
    <div className="stack">
      <p>
        <Link to="/supplier/orders">← {t("orders")}</Link>
      </p>
      <h1>
        {order.reference}{" "}
        <span className="badge" data-testid="supplier-order-status">
          {order.status}
        </span>
      </h1>
      <FormError message={errors.form} />
      <section className="card">
        <h2>{t("recipient")}</h2>
        <address data-testid="recipient">
          {r.name}
          <br />
          {r.phone}
          <br />
          {r.line1}
          {r.line2 ? (
            <>
              <br />
              {r.line2}
            </>
          ) : null}
          <br />
          {r.postcode} {r.city}, {r.state}, {r.country}
        </address>
      </section>
      <section className="card flush">
        <table>
          <tbody>
            {order.lines.map((l) => (
              <tr key={l.id}>
                <td>
                  {l.title} <span className="muted small">{l.variantTitle}</span> {l.sku ? <span className="small">({l.sku})</span> : null}
                </td>
                <td>× {l.quantity}</td>
                <td>{formatMoney(l.unitCostMinor * l.quantity, order.currency)}</td>
                <td>{ts(`orderStatuses.${l.status as "open" | "shipped" | "rejected"}`)}</td>
                <td>
                  {open && l.status === "open" ? (
                    <PostForm className="row" fields={{ lineId: l.id }}>
                      <input name="reason" aria-label={ts("rejectReason")} placeholder={ts("rejectReasonPlaceholder")} size={14} />
                      <button type="submit" name="intent" value="reject" className="secondary">
                        {t("reject")}
                      </button>
                    </PostForm>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {order.status === "open" ? (
        <PostForm>
          <button type="submit" name="intent" value="accept">
            {t("accept")}
          </button>
        </PostForm>
      ) : null}
      {open ? (
        <PostForm className="card" noValidate aria-label={t("ship")} fields={{ intent: "ship" }}>
          <div className="two-cols">
            <SelectField
              label={t("courier")}
              name="carrier"
              defaultValue={values.carrier ?? "jnt"}
              error={errors.carrier}
              options={SUPPLIER_CARRIERS.map((c) => ({ value: c, label: CARRIER_LABELS[c] }))}
            />
            <Field
              label={t("tracking")}
              name="trackingNumber"
              defaultValue={values.trackingNumber}
              error={errors.trackingNumber}
              required
            />
          </div>
          <button type="submit">{t("ship")}</button>
        </PostForm>
      ) : null}
      {order.trackingNumber ? (
        <p data-testid="supplier-tracking">
          {CARRIER_LABELS[order.carrier as keyof typeof CARRIER_LABELS] ?? order.carrier} {order.trackingNumber}
        </p>
      ) : null}
    </div>
  );
}
