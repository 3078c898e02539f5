/**
 * Malaysian addresses: the states and federal territories, their postcode ranges, and which
 * shipping zone an address falls in. Shared by the checkout form (select options) and the server.
 */
export type ShippingZone = "peninsular" | "east" | "international";

export const SHIPPING_ZONES: readonly ShippingZone[] = ["peninsular", "east", "international"];

/**
 * Postcode ranges by state (first two or three digits, inclusive), generous at the edges: only
 * a postcode outside every range of its state is refused.
 */
const STATE_POSTCODES: Record<string, Array<[number, number]>> = {
  Johor: [[79000, 86999]],
  Kedah: [[5000, 9999]],
  Kelantan: [[15000, 18999]],
  Melaka: [[75000, 78999]],
  "Negeri Sembilan": [[70000, 73999]],
  Pahang: [
    [25000, 28999],
    [39000, 39999],
    [49000, 49999],
    [69000, 69999],
  ],
  Perak: [[30000, 36999]],
  Perlis: [[1000, 2999]],
  "Pulau Pinang": [[10000, 14999]],
  Sabah: [[88000, 91999]],
  Sarawak: [[93000, 98999]],
  Selangor: [
    [40000, 48999],
    [63000, 68999],
  ],
  Terengganu: [[20000, 24999]],
  "Wilayah Persekutuan Kuala Lumpur": [
    [50000, 60999],
    [68000, 68199],
  ],
  "Wilayah Persekutuan Labuan": [[87000, 87999]],
  "Wilayah Persekutuan Putrajaya": [[62000, 62999]],
};

export const MALAYSIAN_STATES = Object.keys(STATE_POSTCODES);

const EAST_MALAYSIA = new Set(["Sabah", "Sarawak", "Wilayah Persekutuan Labuan"]);

/** Countries a shop may ship to besides Malaysia (ISO 3166-1 alpha-2). */
export const INTERNATIONAL_COUNTRIES = [
  "SG",
  "BN",
  "ID",
  "TH",
  "PH",
  "VN",
  "KH",
  "MM",
  "CN",
  "HK",
  "MO",
  "TW",
  "JP",
  "KR",
  "IN",
  "AU",
  "NZ",
  "AE",
  "SA",
  "GB",
  "US",
  "CA",
] as const;

/** The country's name in a language ("Singapore"). */
export function countryName(code: string, lang = "en"): string {
  try {
    return new Intl.DisplayNames([lang], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function isMalaysianState(state: string): boolean {
  return state in STATE_POSTCODES;
}

/** Why a Malaysian postcode is not acceptable for the state, or undefined when it is. */
export function postcodeProblem(postcode: string, state: string): string | undefined {
  if (!/^\d{5}$/.test(postcode)) return "Enter the 5-digit postcode, e.g. 50450.";
  const ranges = STATE_POSTCODES[state];
  if (!ranges) return undefined;
  const n = Number(postcode);
  if (!ranges.some(([lo, hi]) => n >= lo && n <= hi)) return `${postcode} is not a postcode in ${state}. Check the postcode or the state.`;
  return undefined;
}

/** The shipping zone of an address (country code and, in Malaysia, the state). */
export function zoneFor(address: { country: string; state: string }): ShippingZone {
  if (address.country !== "MY") return "international";
  return EAST_MALAYSIA.has(address.state) ? "east" : "peninsular";
}
