/**
 * sharp, loaded on the first image a process handles rather than when it starts: its native
 * library and helpers are start-up work most processes never need (issue 19).
 */
export async function loadSharp(): Promise<typeof import("sharp").default> {
  return (await import("sharp")).default;
}
