import type { HTMLAttributes, ReactNode } from "react";

type Tone = "ok" | "danger" | "warn" | "info" | "plain";

/** What a screen reader makes of each tone unless told otherwise: news, an alarm, or an aside. */
const ROLES: Record<Tone, string> = { ok: "status", danger: "alert", warn: "note", info: "note", plain: "note" };

interface BannerProps extends Omit<HTMLAttributes<HTMLDivElement>, "role"> {
  tone?: Tone;
  /** The ARIA role; the tone's by default, `null` for none. */
  role?: string | null;
  small?: boolean;
  children?: ReactNode;
}

/**
 * The one banner: a notice above a page's content ("Saved.", an error, a sandbox note). Renders
 * nothing when it has nothing to say, so `<Banner tone="ok">{result?.notice}</Banner>` needs no guard.
 */
export function Banner({ tone = "plain", role, small, className, children, ...rest }: BannerProps) {
  if (children === undefined || children === null || children === false || children === "") return null;
  const classes = ["banner", tone === "plain" ? "" : tone, small ? "small" : "", className ?? ""].filter(Boolean).join(" ");
  return (
    <div className={classes} role={role === null ? undefined : (role ?? ROLES[tone])} {...rest}>
      {children}
    </div>
  );
}
