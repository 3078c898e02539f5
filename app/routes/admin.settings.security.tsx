import { data, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";

import { adminAction, adminLoader } from "~/domain/accounts/access.server";
import { actorOf, setRequireTwoFactor } from "~/domain/accounts/staff.server";
import { getShop } from "~/domain/shops/shops.server";
import { readForm } from "~/lib/csrf.server";
import { Banner } from "~/ui/banner";
import { CsrfInput } from "~/ui/forms";

export const meta: MetaFunction = () => [{ title: "Security settings · NetShop" }];

export const loader = /* @__PURE__ */ adminLoader("owner", async ({ access }) => {
  const shop = await getShop(access.shop.shopId);
  return { requireTwoFactor: shop.requireTwoFactor };
});

export const action = /* @__PURE__ */ adminAction(
  "owner",
  async ({ request, context, access }) => {
    const form = await readForm(request);
    const choice = form.get("requireTwoFactor");
    if (choice !== "on" && choice !== "off")
      return data({ error: "Choose whether to require two-factor authentication.", notice: undefined }, { status: 400 });
    const result = await setRequireTwoFactor(actorOf(access), choice === "on", access.session.id, {
      ip: context.ip,
      userAgent: context.userAgent,
    });
    if (!result.ok) return data({ error: result.errors.form, notice: undefined }, { status: 400 });
    return data({
      error: undefined,
      notice:
        choice === "on"
          ? `Two-factor authentication is now required. ${result.sessionsEnded ?? 0} session(s) without it were logged out.`
          : "Two-factor authentication is no longer required.",
    });
  },
  { recentAuth: true },
);

export default function SecuritySettings() {
  const { requireTwoFactor } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <div>
        <p className="eyebrow">
          <Link to="/admin/settings">Settings</Link>
        </p>
        <h1>Security</h1>
      </div>
      <Banner tone="danger">{result?.error}</Banner>
      <Banner tone="ok">{result?.notice}</Banner>
      <section className="card medium">
        <h2>Two-factor authentication for the team</h2>
        <p>
          Now: <strong data-testid="require-2fa">{requireTwoFactor ? "required for everyone" : "each person's choice"}</strong>. When
          required, nobody can turn it off, and logins without a second factor are ended.
        </p>
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="requireTwoFactor" value={requireTwoFactor ? "off" : "on"} />
          <button type="submit" className={requireTwoFactor ? "secondary" : ""}>
            {requireTwoFactor ? "Stop requiring it" : "Require it for everyone"}
          </button>
        </Form>
      </section>
    </div>
  );
}
