/** Browser-safe constants of the dropshipping forms (components must not import values from .server modules). */
export const MY_STATES = [
  "Johor", "Kedah", "Kelantan", "Melaka", "Negeri Sembilan", "Pahang", "Perak", "Perlis", "Pulau Pinang",
  "Sabah", "Sarawak", "Selangor", "Terengganu", "Wilayah Persekutuan Kuala Lumpur", "Wilayah Persekutuan Labuan",
  "Wilayah Persekutuan Putrajaya",
] as const;
export const REGIONS = ["Peninsular Malaysia", "East Malaysia", "Singapore"] as const;

/** The couriers a supplier ships with (the same keys as the orders area's carriers). */
export const SUPPLIER_CARRIERS = ["jnt", "poslaju", "ninjavan", "dhl", "citylink", "gdex", "other"] as const;
export const CARRIER_LABELS: Record<(typeof SUPPLIER_CARRIERS)[number], string> = {
  jnt: "J&T Express",
  poslaju: "Pos Laju",
  ninjavan: "Ninja Van",
  dhl: "DHL eCommerce",
  citylink: "City-Link Express",
  gdex: "GDEX",
  other: "Other courier",
};
