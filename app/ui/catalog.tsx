import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

import { type ProductStatus, type StockLevel } from "~/domain/catalog/catalog-rules";
import { useTranslation } from "~/lib/i18n-react";

export function StatusBadge({ status }: { status: ProductStatus }) {
  const { t } = useTranslation("catalog");
  const tone = status === "active" ? "ok" : status === "archived" ? "" : "warn";
  return <span className={`badge ${tone}`}>{t(`status.${status}`)}</span>;
}

export function StockBadge({ stock, level }: { stock: number | null; level: StockLevel }) {
  const { t } = useTranslation("catalog");
  if (level === "untracked") return <span className="muted small">{t("stock.notTracked")}</span>;
  const tone = level === "out" ? "danger" : level === "low" ? "warn" : "ok";
  return (
    <span className={`badge ${tone}`} data-stock-level={level}>
      {stock === 0 ? t("stock.out") : t("stock.inStock", { count: stock ?? 0 })}
    </span>
  );
}

/** A real progress bar with its figure in words for screen readers. */
export function ProgressBar({ value, max, label }: { value: number; max: number | null; label: string }) {
  const { t, i18n } = useTranslation("catalog");
  const percent = max ? Math.min(100, Math.round((value / max) * 100)) : null;
  return (
    <div className="progress-wrap">
      <progress value={max ? value : undefined} max={max ?? undefined} aria-label={label} data-testid="progress" />
      <span className="small muted">
        {percent === null
          ? t("progress.starting")
          : t("progress.figure", { percent, value: value.toLocaleString(i18n.language), max: max!.toLocaleString(i18n.language) })}
      </span>
    </div>
  );
}

/** The top of a catalog page: where it sits (a link back), its title, and its page actions. */
export function CatalogHeader({
  back,
  title,
  children,
}: {
  back: { to: string; label: string } | string;
  title: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="admin-top">
      <div>
        <p className="eyebrow">{typeof back === "string" ? back : <Link to={back.to}>{back.label}</Link>}</p>
        <h1>{title}</h1>
      </div>
      {children}
    </div>
  );
}
