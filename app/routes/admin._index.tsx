import { useLoaderData } from "@remix-run/react";
import { adminLoader } from "~/domain/accounts/access.server";
import { recentActivity } from "~/domain/audit/audit.server";
import { getShop } from "~/domain/shops/shops.server";

export const loader = /* @__PURE__ */ adminLoader("member", async ({ access: { shop: access, user } }) => {
  const [shop, activity] = await Promise.all([getShop(access.shopId), recentActivity(access.shopId, 8)]);
  return {
    firstName: user.name.split(/\s+/)[0],
    role: access.role,
    shop: {
      name: shop.name,
      slug: shop.slug,
      currency: shop.currency,
      timezone: shop.timezone,
      language: shop.language,
      createdAt: shop.createdAt.toISOString(),
    },
    activity: activity.map((a) => ({ id: a.id, action: a.action, actor: a.actorName ?? "NetShop", at: a.createdAt.toISOString() })),
  };
});

const ACTION_LABELS: Record<string, string> = {
  "shop.created": "created the shop",
};
const LANGUAGE_LABELS: Record<string, string> = { en: "English", ms: "Bahasa Melayu", zh: "简体中文" };

export default function Dashboard() {
  const { firstName, shop, activity, role } = useLoaderData<typeof loader>();
  const storefront = `/s/${shop.slug}`;
  return (
    <div className="stack">
      <div className="admin-top">
        <div>
          <p className="eyebrow">Dashboard</p>
          <h1>Welcome, {firstName}</h1>
        </div>
        <a className="button secondary" href={storefront} target="_blank" rel="noreferrer">
          View storefront ↗
        </a>
      </div>
      <div className="grid">
        <section className="card">
          <h2>{shop.name}</h2>
          <dl className="small">
            <dt className="muted">Storefront address</dt>
            <dd>
              <a href={storefront}>{storefront}</a>
            </dd>
            <dt className="muted">Currency · time zone · language</dt>
            <dd>
              {shop.currency} · {shop.timezone} · {LANGUAGE_LABELS[shop.language]}
            </dd>
            <dt className="muted">Your role</dt>
            <dd style={{ textTransform: "capitalize" }}>{role}</dd>
          </dl>
        </section>
        <section className="card">
          <h2>Recent activity</h2>
          {activity.length === 0 ? (
            <p className="muted">Nothing yet.</p>
          ) : (
            <ul className="checklist small">
              {activity.map((a) => (
                <li key={a.id}>
                  <span>
                    <strong>{a.actor}</strong> {ACTION_LABELS[a.action] ?? a.action.replace(/[._]/g, " ")}
                    <br />
                    <time className="muted" dateTime={a.at}>
                      {new Date(a.at).toLocaleString("en-MY", { dateStyle: "medium", timeStyle: "short", timeZone: shop.timezone })}
                    </time>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
