import { Link } from "@remix-run/react";

import type { PlatformInvoice } from "~/domain/billing/invoices.server";
import { useTranslation } from "~/lib/i18n-react";
import { formatMoney } from "~/lib/money";
import { useFormat } from "~/ui/format";

export type PlatformInvoiceRow = {
  id: string;
  number: string | number;
  issuedAt: string | Date | null;
  kind: PlatformInvoice["kind"];
  totalMinor: number;
  /** What each line is for, already worded in the reader's language (`withLineTexts`). */
  lines: string[];
  status: PlatformInvoice["status"];
  shopId?: string;
  shopName?: string;
};

/** The operators' table of platform invoices: on the billing console (with a shop column) and on one merchant's page. */
export function PlatformInvoiceTable({
  invoices,
  withShop = false,
  testId,
}: {
  invoices: PlatformInvoiceRow[];
  withShop?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation("billing");
  const fmt = useFormat();
  const day = (d: string | Date | null) => (d ? fmt.date(d) : "");
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th>{t("invoice.number")}</th>
          {withShop ? <th>{t("console.columns.shop")}</th> : null}
          <th>{t("invoice.date")}</th>
          <th>{t("invoice.description")}</th>
          <th>{t("invoice.total")}</th>
          <th>{t("invoice.status")}</th>
        </tr>
      </thead>
      <tbody>
        {invoices.map((inv) => (
          <tr key={inv.id} data-invoice={withShop ? inv.number : undefined}>
            <td>{inv.number}</td>
            {withShop ? (
              <td>
                <Link to={`/platform/merchants/${inv.shopId}`}>{inv.shopName}</Link>
              </td>
            ) : null}
            <td>{day(inv.issuedAt)}</td>
            <InvoiceFor kind={inv.kind} lines={inv.lines} />
            <td>{formatMoney(inv.totalMinor, "MYR")}</td>
            <td>{t(`invoice.statuses.${inv.status}`)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What an invoice is for: its kind, then each line already worded in the reader's language (the merchant's history and the operators' tables). */
export function InvoiceFor({ kind, lines }: { kind: PlatformInvoice["kind"]; lines: string[] }) {
  const { t } = useTranslation("billing");
  return (
    <td data-testid="invoice-for">
      {t(`invoice.kinds.${kind}`)}
      {lines.map((line, i) => (
        <span key={i} className="muted" data-testid="invoice-line">
          <br />
          {line}
        </span>
      ))}
    </td>
  );
}
