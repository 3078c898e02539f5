import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { countryName } from "~/domain/checkout/address";
import { storefrontShopper } from "~/domain/checkout/context.server";
import { accountOverview } from "~/domain/checkout/customers.server";
import { orderStatusPath } from "~/domain/orders/order-links.server";
import type { OrderStatus } from "~/domain/orders/order-status";
import { pendingPolicyNotice } from "~/domain/policies/versions.server";
import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";
import { formatMoney } from "~/lib/money";
import { formatPhone } from "~/lib/phone";
import { redirect } from "~/lib/redirect.server";
import { PostForm } from "~/ui/csrf";
import { useFormat } from "~/ui/format";
import { PolicyChangeBanner } from "~/ui/policy-notice";

export const meta: MetaFunction = ({ matches }) => [
  { title: metaT(matches, "checkout")("account.title") },
  { name: "robots", content: "noindex" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, who } = await storefrontShopper(request, params.slug);
  if (!who.customer) throw redirect(`/s/${shop.slug}/account/login`);
  const account = await accountOverview(shop.id, who.customer.id);
  if (!account) throw redirect(`/s/${shop.slug}/account/login`);
  const policy = await pendingPolicyNotice({ kind: "customer", shopId: shop.id, customerId: who.customer.id });
  return data(
    {
      slug: shop.slug,
      policyNotice: policy ? { id: policy.id, document: policy.document, summary: policy.summary } : null,
      // Each order links to its status page by its signed link (the customer's own orders only).
      account: {
        ...account,
        orders: account.orders.map((o) => ({ ...o, createdAt: o.createdAt.toISOString(), href: orderStatusPath(shop.slug, o.id) })),
      },
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export default function AccountPage() {
  const { slug, account, policyNotice } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("checkout");
  const { t: tp } = useTranslation("privacy");
  const fmt = useFormat();
  return (
    <section className="stack" data-testid="account">
      <PolicyChangeBanner notice={policyNotice} action={`/s/${slug}/account/privacy`} redirectTo={`/s/${slug}/account`} />
      <div className="spread">
        <h1>{t("account.title")}</h1>
        <PostForm action={`/s/${slug}/account/logout`}>
          <button type="submit" className="secondary">
            {t("account.logOut")}
          </button>
        </PostForm>
      </div>
      <p data-testid="account-name">
        <strong>{account.name}</strong> · {account.email}
        {account.phone ? ` · ${formatPhone(account.phone)}` : ""}
      </p>
      <p>
        <Link to={`/s/${slug}/account/privacy`} data-testid="account-privacy-link">
          {tp("title")}
        </Link>
      </p>
      <h2>{t("account.orders")}</h2>
      {account.orders.length === 0 ? (
        <p className="muted">{t("account.noOrders")}</p>
      ) : (
        <ul data-testid="account-orders">
          {account.orders.map((o) => (
            <li key={o.id}>
              <Link to={o.href}>{t("account.order", { number: o.number })}</Link> · {fmt.date(o.createdAt)} ·{" "}
              {formatMoney(o.totalMinor, o.currency)} · {t(`account.status.${o.status as OrderStatus}`)}
            </li>
          ))}
        </ul>
      )}
      <h2>{t("account.addresses")}</h2>
      {account.addresses.length === 0 ? (
        <p className="muted">{t("account.noAddresses")}</p>
      ) : (
        <ul data-testid="account-addresses">
          {account.addresses.map((a) => (
            <li key={a.id}>
              {a.address.name}, {a.address.line1}
              {a.address.line2 ? `, ${a.address.line2}` : ""}, {a.address.postcode} {a.address.city}, {a.address.state},{" "}
              {countryName(a.address.country, i18n.language)}
              {a.isDefault ? <span className="badge">{t("account.default")}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
