import { Form, type FormProps } from "@remix-run/react";
import type { FormEvent } from "react";

import { useCsrfToken } from "~/root";

/**
 * The hidden CSRF field every state-changing form carries (checked by readForm()). A module of its
 * own (re-exported by ~/ui/forms, like PostForm) so storefront pages that need only this field do not ship the
 * admin's form components to every shopper's browser (issue 16).
 */
export function CsrfInput() {
  return <input type="hidden" name="_csrf" value={useCsrfToken()} />;
}

/**
 * A form that posts to an action (this page's unless `action` says): the CSRF field, then one hidden
 * input per entry of `fields` (the intent, the id of the row it acts on…), then what it holds. With
 * `confirm`, the browser asks that question first and sends nothing unless the person agrees. The
 * one way a page writes a state-changing form, so none can forget the CSRF field.
 */
export function PostForm({
  fields,
  confirm,
  children,
  ...form
}: Omit<FormProps, "method"> & { fields?: Record<string, string | number | undefined>; confirm?: string }) {
  const ask = confirm
    ? (e: FormEvent<HTMLFormElement>) => {
        if (!window.confirm(confirm)) e.preventDefault();
      }
    : undefined;
  return (
    <Form method="post" onSubmit={ask} {...form}>
      <CsrfInput />
      {Object.entries(fields ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
    </Form>
  );
}
