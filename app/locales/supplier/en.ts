/** Dropshipping beyond the shared "dropship" labels: the merchant's supplier orders and wallet (namespace "supplier"). */
const supplier = {
  orders: {
    meta: "Supplier orders · NetShop",
    topUpHint: "Top up by bank transfer to NetShop with your shop address as the reference; the platform team records it here.",
    status: "Status",
    payment: "Payment",
    openOrder: "Open the order",
  },
  walletKinds: { topup: "topup", charge: "charge", refund: "refund" },
  orderStatuses: { held: "held", open: "open", accepted: "accepted", shipped: "shipped", rejected: "rejected", cancelled: "cancelled" },
  payments: { unpaid: "unpaid", wallet: "wallet", manual: "manual" },
  signup: {
    intro:
      "List your products once; NetShop merchants sell them and you ship straight to their customers. The platform team approves new suppliers.",
    signedInAs: "Signed in as {{name}}.",
    account: "Your account",
    name: "Your name",
    email: "Email",
    phone: "Your WhatsApp number (sign-in codes)",
    password: "Password",
    passwordHint: "At least 12 characters.",
    adult: "I am 18 or older",
    terms: "I accept the terms of service and the privacy policy",
    business: "Your supplier business",
    tradingName: "Trading name",
    contact: "Contact person",
    whatsapp: "WhatsApp for orders",
    city: "Warehouse town or city",
    state: "Warehouse state",
    regions: "Regions you ship to",
    handling: "Handling time (working days before dispatch)",
    submit: "Apply as a supplier",
  },
  regions: { peninsular: "Peninsular Malaysia", east: "East Malaysia", singapore: "Singapore" },
  portal: {
    published: "{{count}} published",
    toShip: "to ship",
    reference: "Reference",
    date: "Date",
    status: "Status",
    orderNotFound: "Not found",
  },
} as const;

export default supplier;
