import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { asPlatform, schema } from "~db/client";
import { audit, type RequestInfo } from "~/domain/audit/audit.server";
import { consume, isLimited, reset } from "~/lib/rate-limit.server";
import { verifyPassword } from "./passwords.server";

export const LoginSchema = z.object({
  email: z.string().trim().toLowerCase().min(1, "Enter your email address."),
  password: z.string().min(1, "Enter your password."),
  remember: z.string().optional().transform((v) => v === "on" || v === "true"),
});

export type LoginResult =
  | { ok: true; userId: string; remember: boolean }
  | { ok: false; status: 400 | 401 | 429; error: string; retryAfterSeconds?: number };

/**
 * Checks an email and password. Attempts are limited per account and address and per address
 * (Redis); failures and successes are audited; the message never says which part was wrong.
 */
export async function logIn(form: Record<string, unknown>, request: RequestInfo): Promise<LoginResult> {
  const parsed = LoginSchema.safeParse(form);
  if (!parsed.success) return { ok: false, status: 400, error: parsed.error.issues[0].message };
  const { email, password, remember } = parsed.data;
  const ip = request.ip ?? "unknown";
  const accountKey = `${email}|${ip}`;

  const perIp = await consume("loginPerIp", ip);
  const perAccount = await isLimited("loginPerAccount", accountKey);
  const blocked = !perIp.ok ? perIp : !perAccount.ok ? perAccount : undefined;
  if (blocked) {
    return {
      ok: false,
      status: 429,
      error: `Too many login attempts. Try again in ${Math.ceil(blocked.retryAfterSeconds / 60)} minute(s).`,
      retryAfterSeconds: blocked.retryAfterSeconds,
    };
  }

  const [user] = await asPlatform((tx) =>
    tx
      .select({ id: schema.users.id, passwordHash: schema.users.passwordHash })
      .from(schema.users)
      .where(eq(sql`lower(${schema.users.email})`, email)),
  );
  const ok = await verifyPassword(password, user?.passwordHash);
  await asPlatform((tx) =>
    audit(tx, {
      shopId: null,
      actorUserId: user?.id ?? null,
      action: ok ? "account.login" : "account.login_failed",
      targetType: "user",
      targetId: user?.id,
      ...request,
    }),
  );
  if (!ok || !user) {
    await consume("loginPerAccount", accountKey);
    return { ok: false, status: 401, error: "That email and password don't match an account." };
  }
  await reset("loginPerAccount", accountKey);
  return { ok: true, userId: user.id, remember };
}
