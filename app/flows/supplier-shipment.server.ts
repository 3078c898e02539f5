/**
 * A dropshipping supplier's order changed (the `dropship:supplier-order-changed` job, written by
 * the supplier portal): accepted, lines rejected, or shipped. The merchant's side follows:
 *
 *   1. Read the supplier's order under the supplier's tenant.
 *   2. In one merchant transaction: the forward comes in step (status, tracking, rejected lines
 *      with their alert and the owner told) and a shipment becomes a fulfilment of the merchant's
 *      order for those lines — the order moves to shipped or processing and the customer is told
 *      "shipped" with the tracking (through the outbox).
 *   3. After the commit: what the wallet paid for rejected lines goes back to it.
 *
 * Idempotent under retries and duplicates: the forward remembers what was already done
 * (fulfilled_at, rejected_lines, refund entries).
 */
import { applySupplierOrderChange, readSupplierOrder } from "~/domain/dropship/supplier-changes.server";
import { creditWallet } from "~/domain/dropship/suppliers.server";
import { recordSupplierShipment } from "~/domain/orders/fulfilments.server";
import { withShop } from "~db/client";

export async function supplierOrderChanged({
  supplierShopId,
  supplierOrderId,
}: {
  supplierShopId: string;
  supplierOrderId: string;
}): Promise<void> {
  // 1. The supplier's side.
  const supplierSide = await withShop(supplierShopId, (tx) => readSupplierOrder(tx, supplierOrderId));
  if (!supplierSide) return;
  const merchantShopId = supplierSide.order.merchantShopId;

  // 2. The merchant's forward and order, in one transaction.
  const walletRefund = await withShop(merchantShopId, async (tx) => {
    const change = await applySupplierOrderChange(tx, merchantShopId, supplierShopId, supplierSide);
    if (!change) return 0;
    if (change.shipment) await recordSupplierShipment(tx, merchantShopId, change.orderId, change.shipment);
    return change.walletRefundMinor;
  });

  // 3. The wallet gets back what it paid for rejected lines.
  if (walletRefund > 0) {
    await creditWallet(merchantShopId, {
      kind: "refund",
      amountMinor: walletRefund,
      note: "Supplier rejected lines",
      actorUserId: null,
      forwardId: supplierOrderId,
    });
  }
}
