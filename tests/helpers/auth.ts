/** Logging in as a real person would: password, then the WhatsApp code read from the sandbox inbox. */
import { expect } from "vitest";

import { config } from "~/config.server";

import { clientOfItsOwn, type FormClient } from "./web";

interface InboxMessage {
  phone: string;
  message?: string;
  template?: { components?: Array<{ parameters?: Array<{ text?: string }> }> };
  createdAt: string;
}

/** The newest WhatsApp message to `phone` in the sandbox inbox (SANDBOX_URL unless given). */
export async function latestWhatsApp(phone: string, sandboxUrl = process.env.SANDBOX_URL!): Promise<InboxMessage | undefined> {
  const res = await fetch(`${sandboxUrl}/wassenger/inbox.json?phone=${encodeURIComponent(phone)}`);
  const { messages } = (await res.json()) as { messages: InboxMessage[] };
  return messages[0];
}

/** The 6-digit code in the newest code message to `phone` (free text or template parameter). */
export async function whatsAppCode(phone: string, sandboxUrl?: string): Promise<string> {
  const message = await latestWhatsApp(phone, sandboxUrl);
  const text = message?.message ?? JSON.stringify(message?.template ?? "");
  const code = text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code in the newest WhatsApp message to ${phone}: ${text}`);
  return code;
}

/** Emails to `to` in the sandbox mailbox, newest first. */
export async function emailsTo(to: string, sandboxUrl = process.env.SANDBOX_URL!): Promise<Array<{ subject: string; text: string }>> {
  const res = await fetch(`${sandboxUrl}/mail/inbox.json?to=${encodeURIComponent(to)}`);
  return ((await res.json()) as { messages: Array<{ subject: string; text: string }> }).messages;
}

/** Password, then the WhatsApp code: leaves `client` signed in. */
export async function signIn(
  client: FormClient,
  user: { email: string; password: string; phone: string },
  options: { remember?: boolean; trust?: boolean; redirectTo?: string } = {},
): Promise<Response> {
  await client.get("/login");
  const login = await client.post("/login", {
    email: user.email,
    password: user.password,
    ...(options.remember ? { remember: "on" } : {}),
    ...(options.redirectTo ? { redirectTo: options.redirectTo } : {}),
  });
  expect(login.status, `login of ${user.email}`).toBe(302);
  if (login.headers.get("location") !== "/login/verify") return login;
  await client.get("/login/verify");
  const verified = await client.post("/login/verify", {
    intent: "verify",
    code: await whatsAppCode(user.phone),
    ...(options.trust ? { trust: "on" } : {}),
  });
  expect(verified.status, `second factor of ${user.email}`).toBe(302);
  return verified;
}

/** A bcrypt hash made at the configured cost (12 in production; the suite runs a cheaper one). */
export function bcryptAtConfiguredCost(): RegExp {
  return new RegExp(`^\\$2[aby]\\$${String(config().PASSWORD_HASH_COST).padStart(2, "0")}\\$`);
}

/** A client from an address of its own, signed in as `user`. */
export async function signedInClient(url: string, user: { email: string; password: string; phone: string }): Promise<FormClient> {
  const client = clientOfItsOwn(url);
  await signIn(client, user);
  return client;
}
