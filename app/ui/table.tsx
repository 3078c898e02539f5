import { isValidElement, type ReactNode } from "react";

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
