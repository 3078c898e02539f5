import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

import { PublicPage } from "~/ui/brand";

export const meta: MetaFunction = () => [{ title: "Terms of service · NetShop" }];

export default function Terms() {
  return (
    <PublicPage>
      <h1>Terms of service</h1>
      <p className="muted">Version 2026-11-01</p>
      <p>
        NetShop provides an online storefront, order management and related services to businesses. You are responsible for the products you
        sell, for the accuracy of your listings and for complying with the laws that apply to your shop. You must be 18 or older to hold an
        account. We may suspend shops that break the law or these terms.
      </p>
      <p>
        How we handle personal data is described in our <Link to="/legal/privacy">privacy policy</Link>.
      </p>
    </PublicPage>
  );
}
