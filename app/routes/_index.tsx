import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

import { metaT } from "~/lib/i18n";
import { useTranslation } from "~/lib/i18n-react";

export const meta: MetaFunction = ({ matches }) => {
  const t = metaT(matches, "site");
  return [{ title: t("home.meta") }, { name: "description", content: t("home.description") }];
};

export default function Landing() {
  const { t } = useTranslation("site");
  return (
    <>
      <header className="site-header">
        <div className="inner spread">
          <Link to="/" className="brand">
            <img src="/favicon.svg" alt="" /> NetShop
          </Link>
          <nav className="row">
            <Link to="/login">{t("logIn")}</Link>
            <Link to="/signup" className="button">
              {t("home.open")}
            </Link>
          </nav>
        </div>
      </header>
      <main className="site-main">
        <section className="hero">
          <h1>{t("home.heading")}</h1>
          <p>{t("home.pitch")}</p>
          <p className="row">
            <Link to="/signup" className="button">
              {t("home.free")}
            </Link>
            <Link to="/login" className="button secondary">
              {t("logIn")}
            </Link>
          </p>
        </section>
      </main>
      <footer className="site-footer">
        <div className="inner">{t("home.footer")}</div>
      </footer>
    </>
  );
}
