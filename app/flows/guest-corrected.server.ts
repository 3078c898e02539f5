/**
 * A guest buyer corrects their details on their orders (`/s/:slug/privacy`: name, email, WhatsApp
 * number, a shipping address). In the correction's one transaction:
 *
 *   1. The orders and the guest customer rows take the correction, audited with contacts masked
 *      (privacy/corrections.server.ts); a name or number that was also the recipient's is
 *      corrected in the shipping address too.
 *   2. Each affected order's timeline says what the buyer corrected (the merchant sees it on the
 *      order page; the values are on the order itself).
 *   3. Orders already forwarded to a dropshipping supplier whose recipient changed: the corrected
 *      recipient goes to the supplier's order through the outbox (`dropship:recipient-corrected`,
 *      idempotent), and the timeline says so.
 */
import { resendCorrectedRecipients } from "~/domain/dropship/recipient-corrections.server";
import { recordOrderEvent } from "~/domain/orders/timeline.server";
import {
  type AfterGuestCorrection,
  confirmGuestContactChange,
  type ContactField,
  correctGuestAddress,
  correctGuestName,
} from "~/domain/privacy/corrections.server";

const WORDING = {
  name: { key: "guestCorrectedName", summary: "The buyer corrected their name on the shop's privacy page" },
  email: { key: "guestCorrectedEmail", summary: "The buyer corrected their email address on the shop's privacy page" },
  phone: { key: "guestCorrectedPhone", summary: "The buyer corrected their WhatsApp number on the shop's privacy page" },
  shippingAddress: { key: "guestCorrectedAddress", summary: "The buyer corrected the shipping address on the shop's privacy page" },
} as const;

function orderSteps(shopId: string): AfterGuestCorrection {
  return async (tx, correction) => {
    // 2. The timeline of each order.
    const wording = WORDING[correction.field];
    for (const order of correction.orders)
      await recordOrderEvent(tx, {
        shopId,
        orderId: order.id,
        type: "privacy_corrected",
        summary: wording.summary,
        wording: { key: wording.key },
        data: { field: correction.field },
      });
    // 3. The suppliers of forwarded orders get the corrected recipient.
    for (const orderId of await resendCorrectedRecipients(tx, shopId, correction.recipientChanged))
      await recordOrderEvent(tx, {
        shopId,
        orderId,
        type: "dropship_recipient_corrected",
        summary: "Corrected recipient details sent to the dropshipping supplier",
        wording: { key: "dropshipRecipientCorrected" },
      });
  };
}

/** The guest corrects the name on their orders. */
export function correctGuestNameOnOrders(shopId: string, contact: string, form: Record<string, unknown>) {
  return correctGuestName(shopId, contact, form, orderSteps(shopId));
}

/** The code from the guest's new email or number came back: their orders take it. */
export function confirmGuestContactOnOrders(
  shopId: string,
  proven: string,
  field: ContactField,
  input: { contact: unknown; code: unknown },
) {
  return confirmGuestContactChange(shopId, proven, field, input, orderSteps(shopId));
}

/** The guest corrects one of the shipping addresses on their orders. */
export function correctGuestAddressOnOrders(shopId: string, contact: string, form: Record<string, unknown>) {
  return correctGuestAddress(shopId, contact, form, orderSteps(shopId));
}
