import { Link } from "@remix-run/react";
import type { HTMLAttributes } from "react";

/**
 * A page's title with the way back above it: the eyebrow link to the page this one sits under, then
 * the `<h1>` (its attributes, such as a test id, as given). The one way an inner admin page starts.
 */
export function PageTitle({ back, children, ...h1 }: HTMLAttributes<HTMLHeadingElement> & { back: { to: string; label: string } }) {
  return (
    <>
      <p className="eyebrow">
        <Link to={back.to}>{back.label}</Link>
      </p>
      <h1 {...h1}>{children}</h1>
    </>
  );
}
