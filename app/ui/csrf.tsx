import { useCsrfToken } from "~/root";

/**
 * The hidden CSRF field every state-changing form carries (checked by readForm()). A module of its
 * own (re-exported by ~/ui/forms) so storefront pages that need only this field do not ship the
 * admin's form components to every shopper's browser (issue 16).
 */
export function CsrfInput() {
  return <input type="hidden" name="_csrf" value={useCsrfToken()} />;
}
