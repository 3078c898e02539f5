import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

/** The NetShop wordmark linking home. */
export function Brand() {
  return (
    <Link to="/" className="brand">
      <img src="/favicon.svg" alt="" /> NetShop
    </Link>
  );
}

/** A simple public page (legal texts and the like): the wordmark above one card. */
export function PublicPage({ children }: { children: ReactNode }) {
  return (
    <main className="site-main">
      <Brand />
      <article className="card" style={{ marginTop: "1rem", maxWidth: "48rem" }}>
        {children}
      </article>
    </main>
  );
}

/** A page of one centred card under the wordmark (sign-in, sign-up and password pages); `medium` for the longer forms. */
export function BrandCardPage({
  title,
  width = "narrow",
  children,
}: {
  title?: ReactNode;
  width?: "narrow" | "medium";
  children: ReactNode;
}) {
  return (
    <main className="centered-page">
      <div className={`card ${width}`}>
        <Brand />
        {title ? <h1 style={{ marginTop: "1rem" }}>{title}</h1> : null}
        {children}
      </div>
    </main>
  );
}
