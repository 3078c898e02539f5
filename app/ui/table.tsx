import { type HTMLAttributes, isValidElement, type ReactNode, type TableHTMLAttributes } from "react";

/** A column head: its label, or `{ num: label }` for a right-aligned number column. */
type Column = ReactNode | { num: ReactNode };

const isNum = (c: Column): c is { num: ReactNode } => typeof c === "object" && c !== null && !isValidElement(c) && "num" in c;

/** A table's `<thead>`: one `<th>` a column, in order (the one way every list page heads its table). */
export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) =>
          isNum(c) ? (
            <th key={i} className="num">
              {c.num}
            </th>
          ) : (
            <th key={i}>{c}</th>
          ),
        )}
      </tr>
    </thead>
  );
}

/**
 * A list as a table: the head, then one row per item with the cells `cells(item)` gives, keyed by
 * `rowKey(item)`; `rowProps(item)` adds a row's attributes (a test id, a class). The one way a page
 * lists rows; what it shows when there are none stays with the page.
 */
export function DataTable<T>({
  columns,
  rows,
  rowKey,
  rowProps,
  cells,
  ...table
}: TableHTMLAttributes<HTMLTableElement> & {
  columns: readonly Column[];
  rows: readonly T[];
  rowKey: (row: T) => string | number;
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | number | undefined>;
  cells: (row: T) => ReactNode;
}) {
  return (
    <table {...table}>
      <TableHead columns={columns} />
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} {...rowProps?.(row)}>
            {cells(row)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
