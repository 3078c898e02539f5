/** A Malaysian mobile number no other test uses: local form and E.164. */
export function uniquePhone(): { local: string; e164: string } {
  const digits = String(Math.floor(1_000_000 + Math.random() * 8_999_999));
  return { local: `012-${digits.slice(0, 3)} ${digits.slice(3)}`, e164: `+6012${digits}` };
}
