/** What /admin/reports shows: the shop's report settings and who gets it. */
import { withShop } from "~db/client";

import { reportMembers, reportSettings } from "./daily.server";

export async function reportSettingsPage(shopId: string, userId: string) {
  return withShop(shopId, async (tx) => {
    const settings = await reportSettings(tx, shopId);
    const members = await reportMembers(tx, shopId);
    return {
      settings,
      members: members.map((m) => ({ userId: m.userId, name: m.name, role: m.role, subscribed: m.subscribed })),
      me: members.find((m) => m.userId === userId)?.subscribed ?? false,
    };
  });
}
