import { isUuid } from "~/lib/ids";

import { exportDownloadUrl } from "./downloads.server";
import { cancelDeletion, requestDeletion, requestExport, type Subject } from "./requests.server";

/**
 * The intents every privacy page shares (a customer's, a guest buyer's, a merchant's own): export,
 * download, delete, cancel. Errors and notices are keys of the "privacy" namespace, translated by
 * the page. Deletion needs "DELETE" typed (the page has already checked a recent sign-in or code).
 */
export type PrivacyIntentResult =
  | { ok: true; redirectTo?: string; notice?: "delete.cancelled" }
  | { ok: false; status: 400 | 404 | 410; errors: Record<string, "delete.confirmError" | "export.expired" | "form.unknown"> };

export async function privacyIntent(
  subject: Subject,
  form: FormData,
  who: { contact: string | null; locale: "en" | "ms" | "zh"; actorUserId?: string },
): Promise<PrivacyIntentResult> {
  const intent = form.get("intent");
  const requestId = String(form.get("requestId") ?? "");
  // A request id from a form that is not a UUID names nothing: not found, before any lookup.
  if ((intent === "download" || intent === "cancel-deletion") && !isUuid(requestId))
    return { ok: false, status: 404, errors: { form: "form.unknown" } };
  switch (intent) {
    case "export":
      await requestExport(subject, who);
      return { ok: true };
    case "download": {
      const url = await exportDownloadUrl(subject, requestId);
      return url ? { ok: true, redirectTo: url } : { ok: false, status: 410, errors: { form: "export.expired" } };
    }
    case "delete":
      if (String(form.get("confirm") ?? "").trim() !== "DELETE")
        return { ok: false, status: 400, errors: { confirm: "delete.confirmError" } };
      await requestDeletion(subject, who);
      return { ok: true };
    case "cancel-deletion":
      return (await cancelDeletion(subject, requestId))
        ? { ok: true, notice: "delete.cancelled" }
        : { ok: false, status: 404, errors: { form: "form.unknown" } };
    default:
      return { ok: false, status: 400, errors: { form: "form.unknown" } };
  }
}
