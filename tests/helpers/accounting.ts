/** Accounting tests and benches: a shop booking its paid orders to the AutoCount sandbox. */
import { saveAccountingSettings } from "~/domain/accounting/settings.server";

/** The sandbox account book's master data as the settings form maps it (every test shop books to the same accounts). */
export const SANDBOX_AUTOCOUNT_MAPPING = {
  salesAccountNo: "500-1000",
  taxCode: "SV-8",
  creditTerm: "C.O.D.",
  paymentMethod: "ONLINE",
  salesLocation: "HQ",
  customerCodeScheme: "per_customer",
  customerCodePrefix: "300-",
  enabled: "on",
};

/** Turns on AutoCount sync for the shop against the sandbox (the mapping above, changed by `overrides`); throws when refused. */
export async function syncToAutoCountSandbox(
  actor: { userId: string; shopId: string },
  overrides: Partial<typeof SANDBOX_AUTOCOUNT_MAPPING> = {},
) {
  const saved = await saveAccountingSettings(actor, { mode: "sandbox", ...SANDBOX_AUTOCOUNT_MAPPING, ...overrides });
  if (!saved.ok) throw new Error(`AutoCount sandbox settings refused: ${JSON.stringify(saved.errors)}`);
  return saved;
}
