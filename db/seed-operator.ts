/**
 * The demo platform operator for `npm start`: operator@netshop.local (the demo password) with an
 * authenticator already set up, because the operators' console (/platform) opens only after a
 * second factor. The seed is a fixed, published demo value (printed at start-up so it can be
 * typed into an authenticator app): this account exists only in the local demo data. Idempotent.
 */
import { eq, sql } from "drizzle-orm";

import { signUp } from "~/domain/accounts/signup.server";
import { shownPoliciesField } from "~/domain/policies/versions.server";
import { encryptSecret } from "~/lib/secrets.server";

import { asPlatform, schema } from "./client";

export const DEMO_OPERATOR = {
  name: "Nurul Operator",
  email: "operator@netshop.local",
  phone: "012-777 0000",
  /** Base32 TOTP seed of the demo operator's authenticator (demo data only). */
  totpSecret: "NETSHOPDEMOOPERATOR2FA7Q",
};

export function demoOperatorOtpauth(): string {
  return `otpauth://totp/NetShop:${encodeURIComponent(DEMO_OPERATOR.email)}?issuer=NetShop&secret=${DEMO_OPERATOR.totpSecret}&algorithm=SHA1&digits=6&period=30`;
}

export async function seedOperatorDemo(password: string): Promise<void> {
  const [existing] = await asPlatform((tx) =>
    tx
      .select({ id: schema.users.id })
      .from(schema.users)
      .where(eq(sql`lower(${schema.users.email})`, DEMO_OPERATOR.email)),
  );
  let userId = existing?.id;
  if (!userId) {
    const result = await signUp(
      {
        name: DEMO_OPERATOR.name,
        email: DEMO_OPERATOR.email,
        phone: DEMO_OPERATOR.phone,
        companyName: "NetShop operators (demo)",
        password,
        adult: "on",
        terms: "on",
        // The demo person is shown the versions in force.
        ...(await shownPoliciesField(["privacy", "terms"])),
      },
      { ip: "127.0.0.1", userAgent: "netshop-seed" },
    );
    if (!result.ok) throw new Error(`demo operator sign-up failed: ${JSON.stringify(result.errors)}`);
    userId = result.userId;
  }
  await asPlatform(async (tx) => {
    // The authenticator is the second factor asked for at sign-in (as enabling one in the account does).
    await tx.update(schema.users).set({ platformRole: "operator", twoFactorMethod: "totp" }).where(eq(schema.users.id, userId));
    await tx
      .insert(schema.totpAuthenticators)
      .values({ userId, secretEncrypted: encryptSecret(DEMO_OPERATOR.totpSecret), confirmedAt: new Date() })
      .onConflictDoNothing();
  });
}
