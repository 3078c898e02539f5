import Bowser from "bowser";

/** "Chrome 131 on Windows 10" from a User-Agent header, for lists of sessions and devices. */
export function describeDevice(userAgent: string | null | undefined): string {
  if (!userAgent) return "Unknown device";
  const ua = Bowser.parse(userAgent);
  const browser = ua.browser.name ? `${ua.browser.name}${ua.browser.version ? ` ${ua.browser.version.split(".")[0]}` : ""}` : "";
  const os = ua.os.name ? `${ua.os.name}${ua.os.versionName ? ` ${ua.os.versionName}` : ua.os.version ? ` ${ua.os.version}` : ""}` : "";
  if (browser && os) return `${browser} on ${os}`;
  return browser || os || userAgent.slice(0, 60);
}
