import ai from "./ai/en";
/**
 * English: the source language. Every key here must exist in ms.ts and zh.ts (the type of
 * `Translations` makes a missing key a type error; tests/unit/i18n.test.ts checks it too).
 * Namespaces: `common` (shared chrome: language switcher, errors, consent), `admin` (admin shell),
 * `storefront` (shop pages). Add a namespace per area when it grows (e.g. `checkout`).
 */
const en = {
  common: {
    language: "Language",
    change: "Change",
    languageSwitcher: { label: "Language", submit: "Change language" },
    error: {
      eyebrow: "Error {{status}}",
      notFound: "Page not found",
      forbidden: "Not allowed",
      generic: "Something went wrong",
      notFoundDetail: "The page you asked for does not exist or has moved.",
      genericDetail: "We could not complete this request. Please try again in a moment.",
      home: "Go to the NetShop home page",
    },
  },
  admin: {
    nav: {
      label: "Admin",
      dashboard: "Dashboard",
      products: "Products",
      orders: "Orders",
      customers: "Customers",
      dropshipping: "Dropshipping",
      aiStudio: "AI studio",
      reports: "Reports",
      settings: "Settings",
      billing: "Billing",
      staff: "Staff",
      auditLog: "Audit log",
    },
    soon: "soon",
    comingSoon: "Coming soon",
    shop: "Shop",
    switchShop: "Switch",
    addShop: "+ Add another shop",
    logOut: "Log out",
    sandboxBanner:
      "Sandbox: no {{providers}} key configured — those calls go to NetShop's provider sandbox, not to real customers or providers.",
    error: {
      notFound: "Not found",
      notFoundDetail: "This page does not exist or has moved.",
      back: "Back to the dashboard",
    },
  },
  storefront: {
    poweredBy: "Powered by",
    skipToContent: "Skip to content",
    home: "Home",
    search: "Search",
    searchPlaceholder: "Search products",
    account: "Account",
    wishlist: "Wishlist",
    cart: "Cart",
    empty: { title: "No products yet", body: "This shop is getting ready. Please come back soon." },
    fromPrice: "From {{price}}",
    shopNotFound: {
      eyebrow: "Error 404",
      title: "Shop not found",
      body: "There is no shop at this address. Check the link you followed.",
    },
    unavailable: { eyebrow: "Error", title: "This shop is unavailable right now", body: "Please try again in a moment." },
    goToNetShop: "Go to NetShop",
  },
  ai,
} as const;

export default en;
