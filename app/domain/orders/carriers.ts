/**
 * Malaysian couriers: the tracking number format each uses (where it is published or plain from
 * their labels) and the page that tracks a parcel. Shared by the server (which checks) and the
 * admin form and the customer's tracking block (which show).
 */
export const CARRIERS = ["jnt", "poslaju", "ninjavan", "dhl", "citylink", "gdex", "other"] as const;
export type Carrier = (typeof CARRIERS)[number];

interface CarrierInfo {
  name: string;
  /** The tracking number's format, after spaces and dashes are removed and letters upper-cased. */
  pattern?: RegExp;
  /** What the number looks like, for the error message. */
  example?: string;
  track?: (number: string) => string;
}

export const CARRIER_INFO: Record<Carrier, CarrierInfo> = {
  jnt: {
    name: "J&T Express",
    pattern: /^\d{12}$/,
    example: "12 digits, e.g. 630012345678",
    track: (n) => `https://www.jtexpress.my/tracking/${encodeURIComponent(n)}`,
  },
  poslaju: {
    name: "Pos Laju",
    // UPU S10: two letters, eight digits and a check digit, the country code.
    pattern: /^[A-Z]{2}\d{9}MY$/,
    example: "2 letters, 9 digits and MY, e.g. EP123456789MY",
    track: (n) => `https://tracking.pos.com.my/tracking/${encodeURIComponent(n)}`,
  },
  ninjavan: {
    name: "Ninja Van",
    pattern: /^NV[A-Z]{2}[A-Z0-9]{6,20}$/,
    example: "NVMY followed by letters and digits, e.g. NVMY12345678ABC",
    track: (n) => `https://www.ninjavan.co/en-my/tracking?id=${encodeURIComponent(n)}`,
  },
  dhl: {
    name: "DHL eCommerce",
    pattern: /^[A-Z0-9]{10,39}$/,
    example: "10 to 39 letters and digits, e.g. MYCGU0012345678",
    track: (n) => `https://www.dhl.com/my-en/home/tracking/tracking-ecommerce.html?tracking-id=${encodeURIComponent(n)}`,
  },
  citylink: {
    name: "City-Link Express",
    pattern: /^\d{10,13}$/,
    example: "10 to 13 digits, e.g. 0601234567890",
    track: (n) => `https://www.citylinkexpress.com/tracking-result/?track0=${encodeURIComponent(n)}`,
  },
  gdex: {
    name: "GDEX",
    pattern: /^(?:MY)?\d{10,12}$/,
    example: "10 to 12 digits, e.g. 4912345678",
    track: (n) => `https://gdexpress.com/tracking/?consignmentno=${encodeURIComponent(n)}`,
  },
  other: { name: "Other courier" },
};

export const normaliseTracking = (input: string) => input.replace(/[\s-]/g, "").toUpperCase();

/** What is wrong with a tracking number for the courier's format, as a key of `orders:problems` and its facts. */
export function trackingRefusal(
  carrier: Carrier,
  trackingNumber: string,
): { code: "trackingChars" | "trackingFormat"; values?: Record<string, string> } | undefined {
  const info = CARRIER_INFO[carrier];
  const n = normaliseTracking(trackingNumber);
  if (!n) return undefined;
  if (!/^[A-Z0-9]{4,40}$/.test(n)) return { code: "trackingChars" };
  if (info.pattern && !info.pattern.test(n)) return { code: "trackingFormat", values: { carrier: info.name, example: info.example ?? "" } };
  return undefined;
}

/** Checks a tracking number against the courier's format; the English message for a wrong one (logs, tests). */
export function trackingProblem(carrier: Carrier, trackingNumber: string): string | undefined {
  const refusal = trackingRefusal(carrier, trackingNumber);
  if (!refusal) return undefined;
  return refusal.code === "trackingChars"
    ? "Use letters and digits only (4 to 40)."
    : `That is not a ${refusal.values!.carrier} tracking number: use ${refusal.values!.example}.`;
}

export function trackingUrl(carrier: Carrier, trackingNumber: string | null | undefined): string | null {
  if (!trackingNumber) return null;
  return CARRIER_INFO[carrier].track?.(normaliseTracking(trackingNumber)) ?? null;
}

export function carrierLabel(carrier: string, carrierName?: string | null): string {
  if (carrier === "other") return carrierName || CARRIER_INFO.other.name;
  return (CARRIER_INFO as Record<string, CarrierInfo>)[carrier]?.name ?? carrier;
}
