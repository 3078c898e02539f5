import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

export const meta: MetaFunction = () => [
  { title: "NetShop — your online shop, ready today" },
  { name: "description", content: "NetShop is the storefront platform for small sellers in Malaysia and beyond." },
];

export default function Landing() {
  return (
    <>
      <header className="site-header">
        <div className="inner spread">
          <Link to="/" className="brand">
            <img src="/favicon.svg" alt="" /> NetShop
          </Link>
          <nav className="row">
            <Link to="/login">Log in</Link>
            <Link to="/signup" className="button">
              Open your shop
            </Link>
          </nav>
        </div>
      </header>
      <main className="site-main">
        <section className="hero">
          <h1>Your online shop, ready today.</h1>
          <p>
            Products and stock, orders and delivery, payments on a secure hosted page, WhatsApp updates for you and your customers, and AI
            that writes your product copy.
          </p>
          <p className="row">
            <Link to="/signup" className="button">
              Create a free account
            </Link>
            <Link to="/login" className="button secondary">
              Log in
            </Link>
          </p>
        </section>
      </main>
      <footer className="site-footer">
        <div className="inner">NetShop · Built for small sellers in Malaysia and beyond</div>
      </footer>
    </>
  );
}
