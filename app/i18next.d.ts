import type en from "~/locales/en";

// Typed keys: `t("storefront.serach")` is a type error.
declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "common";
    resources: typeof en;
  }
}
