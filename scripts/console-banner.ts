/**
 * What `npm start` prints once everything runs: where each console is and which demo login opens
 * it (tests/integration/start-banner.test.ts signs in with what it prints).
 */
/**
 * Where each console is and which demo login opens it (the demo data db/seed*.ts made). The owner
 * and the supplier sign in with a WhatsApp code: with the sandbox as WhatsApp, `whatsAppInbox` is
 * where those codes arrive, printed with the numbers they go to.
 */
export async function consoles(
  url: string,
  demo: { email: string; password: string; slug: string },
  whatsAppInbox?: string,
): Promise<string> {
  // Loaded after the environment is set, like the seed itself.
  const { DEMO_SUPPLIER } = await import("../db/seed-dropship");
  const { DEMO_OPERATOR, demoOperatorOtpauth } = await import("../db/seed-operator");
  const { DEMO } = await import("../db/seed");
  return [
    "",
    "Consoles and demo logins (all with the password " + demo.password + "):",
    `  Shop admin (owner)      ${url}/admin       ${demo.email}`,
    `  Storefront              ${url}/s/${demo.slug}`,
    `  Supplier portal         ${url}/supplier    ${DEMO_SUPPLIER.email}`,
    `  Operators' console      ${url}/platform    ${DEMO_OPERATOR.email}, then the code of an authenticator app`,
    `                          set up with the demo secret ${DEMO_OPERATOR.totpSecret} (${demoOperatorOtpauth()})`,
    ...(whatsAppInbox ? [`  WhatsApp sign-in codes   ${whatsAppInbox}  (owner ${DEMO.phone}, supplier ${DEMO_SUPPLIER.phone})`] : []),
  ].join("\n");
}
