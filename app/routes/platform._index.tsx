import { data, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";

import { formatMoney } from "~/domain/catalog/catalog-rules";
import {
  listMerchantWallets,
  listSuppliers,
  newTopUpToken,
  operatorAction,
  operatorLoader,
  recordTopUp,
  setSupplierStatus,
} from "~/domain/dropship/suppliers.server";
import { readForm } from "~/lib/csrf.server";
import { keptValues } from "~/lib/forms";
import { metaT } from "~/lib/i18n";
import { localeFor, serverT } from "~/lib/i18n.server";
import { useTranslation } from "~/lib/i18n-react";
import { Banner } from "~/ui/banner";
import { useFormat } from "~/ui/format";
import { Field, FormError, PostForm } from "~/ui/forms";

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches, "supplier")("platform.meta") }];

/** Platform operators only (users.platform_role = 'operator'): supplier approval and wallet top-ups. */
export const loader = /* @__PURE__ */ operatorLoader(async ({ request }) => {
  const q = new URL(request.url).searchParams.get("shop") ?? "";
  const [suppliers, wallets] = await Promise.all([listSuppliers(), listMerchantWallets(q)]);
  // A fresh one-time token per rendering of the top-up form: a double submission records one top-up.
  return { suppliers, wallets, q, topUpToken: newTopUpToken() };
});

export const action = /* @__PURE__ */ operatorAction(async ({ request, context, operator }) => {
  const form = await readForm(request);
  const who = { ip: context.ip, userAgent: context.userAgent };
  const intent = String(form.get("intent") ?? "");
  const locale = await localeFor(request);
  const t = serverT(locale, "supplier");
  if (intent === "approve" || intent === "suspend") {
    const ok = await setSupplierStatus(
      operator.id,
      String(form.get("supplierShopId") ?? ""),
      intent === "approve" ? "approved" : "suspended",
      who,
    );
    if (!ok) throw new Response(t("platform.errors.noSupplier"), { status: 404 });
    return data({
      errors: {} as Record<string, string>,
      values: {} as Record<string, string>,
      notice: intent === "approve" ? t("platform.approved") : t("platform.suspended"),
    });
  }
  const result = await recordTopUp(operator.id, Object.fromEntries(form), who, locale);
  if (!result.ok) return data({ errors: result.errors, values: keptValues(form), notice: null }, { status: 400 });
  return data({
    errors: {} as Record<string, string>,
    values: {} as Record<string, string>,
    notice: t("platform.recorded", { balance: formatMoney(result.balanceMinor, "MYR") }),
  });
});

export default function Platform() {
  const { suppliers, wallets, q, topUpToken } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = result?.errors ?? {};
  const values: Record<string, string | undefined> = result?.values ?? {};
  const { t } = useTranslation("dropship");
  const { t: ts } = useTranslation("supplier");
  const fmt = useFormat();
  return (
    <main className="admin-main stack" id="main">
      <h1>{t("platform")}</h1>
      <Banner tone="ok">{result?.notice}</Banner>
      <section className="card flush">
        <h2 style={{ padding: "0 1rem" }}>{ts("platform.suppliers")}</h2>
        <table data-testid="platform-suppliers">
          <tbody>
            {suppliers.map((s) => (
              <tr key={s.shopId}>
                <td>
                  <strong>{s.name}</strong>
                  <div className="small muted">
                    {s.contactName} · {s.whatsapp} · {s.warehouseState}
                  </div>
                </td>
                <td>{fmt.date(s.createdAt)}</td>
                <td>{ts("platform.published", { count: s.products })}</td>
                <td data-testid="supplier-status">{ts(`platform.statuses.${s.status}`)}</td>
                <td>
                  <PostForm className="row" fields={{ supplierShopId: s.shopId }}>
                    {s.status !== "approved" ? (
                      <button type="submit" name="intent" value="approve" aria-label={ts("platform.approveNamed", { name: s.name })}>
                        {ts("platform.approve")}
                      </button>
                    ) : null}
                    {s.status !== "suspended" ? (
                      <button
                        type="submit"
                        name="intent"
                        value="suspend"
                        className="secondary"
                        aria-label={ts("platform.suspendNamed", { name: s.name })}
                      >
                        {ts("platform.suspend")}
                      </button>
                    ) : null}
                  </PostForm>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <h2>{ts("platform.topUps")}</h2>
        <Form method="get" role="search">
          <Field label={ts("platform.findShop")} name="shop" defaultValue={q} />
        </Form>
        <ul>
          {wallets.map((w) => (
            <li key={w.shopId}>
              {w.name} ({w.slug}): {formatMoney(w.balanceMinor, "MYR")}
            </li>
          ))}
        </ul>
        <PostForm noValidate fields={{ intent: "topup", token: topUpToken }}>
          <FormError message={errors.form} />
          <div className="two-cols">
            <Field label={ts("platform.shopSlug")} name="shopSlug" defaultValue={values.shopSlug} error={errors.shopSlug} required />
            <Field
              label={ts("platform.amount")}
              name="amount"
              inputMode="decimal"
              defaultValue={values.amount}
              error={errors.amount}
              required
            />
            <Field label={ts("platform.note")} name="note" defaultValue={values.note} error={errors.note} />
          </div>
          <button type="submit">{ts("platform.record")}</button>
        </PostForm>
      </section>
    </main>
  );
}
