import type { InputHTMLAttributes, ReactNode } from "react";

/**
 * A list page's filter fields (orders, products, the dropship network): a labelled control whose
 * id is its name, inside the page's search form. `any` adds the first, empty choice.
 */
export function FilterSelect({
  name,
  label,
  value,
  any,
  options,
}: {
  name: string;
  label: ReactNode;
  value: string | undefined;
  any?: ReactNode;
  options: ReadonlyArray<readonly [value: string, label: ReactNode]>;
}) {
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <select id={name} name={name} defaultValue={value}>
        {any === undefined ? null : <option value="">{any}</option>}
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

export function FilterInput({
  name,
  label,
  grow,
  ...input
}: { name: string; label: ReactNode; grow?: boolean } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div className={grow ? "field grow" : "field"}>
      <label htmlFor={name}>{label}</label>
      <input id={name} name={name} {...input} />
    </div>
  );
}
