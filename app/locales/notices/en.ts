/**
 * What NetShop sends outside a page — staff invitations, the welcome message, sign-in codes,
 * dropshipping alerts to merchants and suppliers (namespace "notices"). Each is written in the
 * recipient's language: the person's own (users.preferred_language), or the shop's default language
 * where no person is known yet (an invitation, a supplier's WhatsApp number).
 */
const notices = {
  invite: {
    text: "{{inviter}} invited you to help run {{shop}} on NetShop as {{role}}. Accept here (the link works once, for 7 days): {{link}}",
    subject: "{{inviter}} invited you to {{shop}} on NetShop",
    admin: "an admin",
    staff: "staff",
    link: "[invitation link]",
  },
  welcome:
    "Hi {{name}}, welcome to NetShop! Your account is ready. Next: create your shop and add your first products. Reply to this chat any time if you need help.",
  codes: {
    sign_in: "Your NetShop sign-in code is {{code}}. It expires in 5 minutes. Never share it: NetShop will never ask you for it.",
    password_reset:
      "Your NetShop password reset code is {{code}}. It expires in 30 minutes. If you did not ask to reset your password, ignore this message.",
    contact_change:
      "Your NetShop code to confirm this WhatsApp number is {{code}}. It expires in 15 minutes. If you did not ask for it, ignore this message.",
  },
  dropship: {
    /** Before every alert sent to a merchant's owner by WhatsApp. */
    prefix: "NetShop dropshipping: {{message}}",
    held: "Order #{{number}}: not enough in your dropshipping wallet to pay the supplier {{amount}}. The supplier order is held: top up, or pay the supplier yourself and mark it paid.",
    marginLow: "{{product}} ({{variant}}): the supplier's cost is now {{cost}}; your margin is {{margin}}% (below your {{threshold}}%).",
    rejected:
      "Order #{{number}}: the supplier cannot send {{items}} ({{reason}}). Refund the customer for these lines from the order page.",
    rejectedOne:
      "Order #{{number}}: the supplier cannot send {{items}} ({{reason}}). Refund the customer for this line from the order page.",
    outOfStock: "out of stock",
    newOrder: "NetShop: new order {{reference}} ({{count}} items). Open your supplier portal to accept and ship it.",
    recipientCorrected:
      "NetShop: the buyer corrected the recipient details of order {{reference}}. Check the name, phone and address in your supplier portal before you ship.",
    cancelled: "NetShop: order {{reference}} was cancelled by the shop. Do not ship it.",
    approved: "NetShop: {{name}} is approved. Your published products are now in the dropshipping network.",
    suspended: "NetShop: {{name}} is suspended from the dropshipping network. Contact the NetShop team.",
  },
};

export default notices;
