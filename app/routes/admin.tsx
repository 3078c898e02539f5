import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData, useSubmit } from "@remix-run/react";
import { providerModes } from "~/config.server";
import { requireAdmin } from "~/domain/accounts/access.server";
import { CsrfInput } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Admin · NetShop" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireAdmin(request);
  const path = new URL(request.url).pathname;
  if (!access.shop && path !== "/admin/shops/new") throw redirect("/admin/shops/new");
  const sandboxed = Object.entries(providerModes())
    .filter(([, mode]) => mode === "sandbox")
    .map(([name]) => name);
  return {
    user: { name: access.user.name, email: access.user.email },
    shops: access.shops.filter((s) => !s.frozen).map((s) => ({ id: s.shopId, name: s.name })),
    shop: access.shop ? { id: access.shop.shopId, name: access.shop.name, slug: access.shop.slug, role: access.shop.role } : null,
    sandboxed,
  };
}

/** Areas of the admin; the ones still being built are shown, but not as links. */
const AREAS: Array<{ label: string; to?: string }> = [
  { label: "Dashboard", to: "/admin" },
  { label: "Products" },
  { label: "Orders" },
  { label: "Customers" },
  { label: "Dropshipping" },
  { label: "AI studio" },
  { label: "Reports" },
  { label: "Settings" },
  { label: "Billing" },
];

export default function AdminLayout() {
  const { user, shops, shop, sandboxed } = useLoaderData<typeof loader>();
  const submit = useSubmit();
  return (
    <div className="admin">
      <aside className="admin-nav">
        <a href="/admin" className="brand">
          <img src="/favicon.svg" alt="" /> NetShop
        </a>
        {shop && shops.length > 1 ? (
          <Form method="post" action="/admin/switch-shop" className="shop-switcher" onChange={(e) => submit(e.currentTarget)}>
            <CsrfInput />
            <label className="sr-only" htmlFor="shop-switcher">
              Shop
            </label>
            <select id="shop-switcher" name="shopId" defaultValue={shop.id}>
              {shops.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            <noscript>
              <button type="submit" className="secondary">
                Switch
              </button>
            </noscript>
          </Form>
        ) : shop ? (
          <div className="small" style={{ padding: "0 0.5rem" }} data-testid="current-shop">
            {shop.name}
          </div>
        ) : null}
        <nav aria-label="Admin">
          <ul>
            {AREAS.map((area) => (
              <li key={area.label}>
                {area.to && shop ? (
                  <NavLink to={area.to} end>
                    {area.label}
                  </NavLink>
                ) : (
                  <span className="soon" title="Coming soon">
                    {area.label} <small>soon</small>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </nav>
        <div className="nav-footer stack">
          {shop ? (
            <a href="/admin/shops/new" style={{ color: "#d1fae5" }}>
              + Add another shop
            </a>
          ) : null}
          <div>
            <div>{user.name}</div>
            <div className="small" style={{ color: "#8fb8b0" }}>
              {user.email}
            </div>
          </div>
          <Form method="post" action="/logout">
            <CsrfInput />
            <button type="submit" className="link">
              Log out
            </button>
          </Form>
        </div>
      </aside>
      <main className="admin-main">
        {sandboxed.length > 0 ? (
          <div className="banner info small" data-testid="sandbox-banner">
            Sandbox: no {new Intl.ListFormat("en", { type: "disjunction" }).format(sandboxed.map(providerLabel))} key
            configured — those calls go to NetShop's provider sandbox, not to real customers or providers.
          </div>
        ) : null}
        <Outlet />
      </main>
    </div>
  );
}

function providerLabel(name: string): string {
  return ({ wassenger: "Wassenger (WhatsApp)", openai: "OpenAI", anthropic: "Anthropic", kling: "Kling" } as Record<string, string>)[name] ?? name;
}
