import type { MetaFunction } from "@remix-run/node";
import { PublicPage } from "~/ui/brand";

export const meta: MetaFunction = () => [{ title: "Privacy policy · NetShop" }];

/** The platform's published privacy promises: each is kept by the product and proved by a test. */
export default function Privacy() {
  return (
    <PublicPage>
      <h1>Our privacy promises</h1>
      <ul>
        <li>Passwords are stored only as bcrypt hashes. Nobody at NetShop can read your password.</li>
        <li>We never see or store card data: customers pay on the payment gateway's own secure page.</li>
        <li>
          You can see, correct, export and delete your data, and withdraw consent at any time. Deletion completes within 30 business days
          and we tell you when it is done.
        </li>
        <li>Each service provider we use receives only the minimum data it needs for its job.</li>
        <li>
          Images and videos made by AI providers are moved to our own storage within 30 days; we never send your customers to a provider's
          temporary link.
        </li>
        <li>NetShop accounts are for people aged 18 or older.</li>
      </ul>
    </PublicPage>
  );
}
