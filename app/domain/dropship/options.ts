/** Browser-safe constants of the dropshipping forms (components must not import values from .server modules). */
export const MY_STATES = [
  "Johor",
  "Kedah",
  "Kelantan",
  "Melaka",
  "Negeri Sembilan",
  "Pahang",
  "Perak",
  "Perlis",
  "Pulau Pinang",
  "Sabah",
  "Sarawak",
  "Selangor",
  "Terengganu",
  "Wilayah Persekutuan Kuala Lumpur",
  "Wilayah Persekutuan Labuan",
  "Wilayah Persekutuan Putrajaya",
] as const;
export const REGIONS = ["Peninsular Malaysia", "East Malaysia", "Singapore"] as const;

import { carrierLabel, CARRIERS } from "~/domain/orders/carriers";

/** The couriers a supplier ships with: the orders area's carriers (their names and tracking formats). */
export const SUPPLIER_CARRIERS = CARRIERS;
export const CARRIER_LABELS = Object.fromEntries(CARRIERS.map((c) => [c, c === "other" ? "Other courier" : carrierLabel(c)])) as Record<
  (typeof CARRIERS)[number],
  string
>;
