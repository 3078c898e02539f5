/**
 * Email over SMTP (nodemailer). The only code that speaks SMTP.
 *
 * - SMTP_URL (smtp:// with STARTTLS when offered, or smtps://) and MAIL_FROM configure a real server.
 * - Unset means the provider sandbox's SMTP server: its address is read from the sandbox at
 *   `${SANDBOX_URL}/mail/smtp.json` (it listens on a port of its own), then cached.
 * - Failures are classified like the other providers' errors: a temporary SMTP reply (4xx) or
 *   an unreachable server is retryable; a permanent one (5xx) is not.
 */
import type { Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { z } from "zod";

import { config, type Env } from "~/config.server";

export const SANDBOX_MAIL_FROM = "NetShop <no-reply@netshop.local>";

export interface EmailSettings {
  transport: SMTPTransport.Options;
  from: string;
  /** True when this is NetShop's sandbox stand-in, not a real mail server. */
  sandbox: boolean;
}

const SandboxSmtpSchema = z.object({ host: z.string(), port: z.number().int(), username: z.string(), password: z.string() });

let sandboxSettings: Promise<EmailSettings> | undefined;

export async function emailSettings(env: Env = config()): Promise<EmailSettings> {
  if (env.SMTP_URL) {
    return { transport: smtpOptions(env.SMTP_URL), from: env.MAIL_FROM!, sandbox: false };
  }
  if (!env.SANDBOX_URL)
    throw new EmailError("SMTP_URL is not set and neither is SANDBOX_URL: set SMTP_URL (and MAIL_FROM) for email", "unavailable");
  sandboxSettings ??= (async () => {
    const res = await fetch(`${env.SANDBOX_URL!.replace(/\/$/, "")}/mail/smtp.json`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new EmailError(`the sandbox mail server did not answer (${res.status})`, "unavailable");
    const smtp = SandboxSmtpSchema.parse(await res.json());
    return {
      transport: { host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true, auth: { user: smtp.username, pass: smtp.password } },
      from: env.MAIL_FROM ?? SANDBOX_MAIL_FROM,
      sandbox: true,
    };
  })().catch((error) => {
    sandboxSettings = undefined; // ask again next time
    throw error instanceof EmailError
      ? error
      : new EmailError(`sandbox mail server unreachable: ${(error as Error).message}`, "unavailable");
  });
  return sandboxSettings;
}

function smtpOptions(url: string): SMTPTransport.Options {
  const u = new URL(url);
  const secure = u.protocol === "smtps:";
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    // Over smtp:// the password is sent only after STARTTLS.
    requireTLS: !secure && !["127.0.0.1", "localhost", "::1"].includes(u.hostname),
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
  };
}

export type EmailErrorKind = "unavailable" | "rejected" | "unauthorized";

export class EmailError extends Error {
  constructor(
    message: string,
    public readonly kind: EmailErrorKind,
    public readonly responseCode?: number,
  ) {
    super(message);
    this.name = "EmailError";
  }
  get retryable(): boolean {
    return this.kind === "unavailable";
  }
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /**
   * Our message id: sent as a header so a bounce can be matched, and made the Message-ID, so a
   * retry after a send whose acceptance we never recorded (a worker killed mid-send) carries the
   * same Message-ID and the recipient's mailbox keeps one copy (SMTP has no idempotency key).
   */
  reference?: string;
  /** A one-click unsubscribe URL (RFC 8058): sent as List-Unsubscribe with List-Unsubscribe-Post. */
  unsubscribeUrl?: string;
}

export class EmailClient {
  private transporter?: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(private readonly settings: EmailSettings) {}

  /** nodemailer (400 KB) loads on the first message, not when a process starts (issue 19). */
  private async smtp(): Promise<Transporter<SMTPTransport.SentMessageInfo>> {
    if (!this.transporter) {
      const { default: nodemailer } = await import("nodemailer");
      this.transporter = nodemailer.createTransport({
        ...this.settings.transport,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 15_000,
      });
    }
    return this.transporter;
  }

  get isSandbox(): boolean {
    return this.settings.sandbox;
  }

  /** Hands the message to the SMTP server; resolves with its Message-ID once accepted. */
  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const transporter = await this.smtp();
    try {
      const info = await transporter.sendMail({
        from: this.settings.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        ...(email.reference ? { messageId: stableMessageId(email.reference, this.settings.from) } : {}),
        headers: {
          ...(email.reference ? { "X-NetShop-Reference": email.reference } : {}),
          ...(email.unsubscribeUrl
            ? { "List-Unsubscribe": `<${email.unsubscribeUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" }
            : {}),
        },
      });
      if (info.rejected.length > 0) throw new EmailError(`the server refused ${info.rejected.length} recipient(s)`, "rejected");
      return { messageId: info.messageId };
    } catch (error) {
      if (error instanceof EmailError) throw error;
      throw classify(error as Error & { responseCode?: number; code?: string });
    } finally {
      transporter.close();
    }
  }
}

function classify(error: Error & { responseCode?: number; code?: string }): EmailError {
  const code = error.responseCode;
  if (error.code === "EAUTH" || code === 535)
    return new EmailError(`the mail server refused our login: ${error.message}`, "unauthorized", code);
  if (code !== undefined && code >= 500) return new EmailError(`the mail server refused the message: ${error.message}`, "rejected", code);
  return new EmailError(`the mail server is unavailable: ${error.message}`, "unavailable", code);
}

export async function emailClient(): Promise<EmailClient> {
  return new EmailClient(await emailSettings());
}

/** `<reference@domain-of-the-sender>`: the same for every send of one message (RFC 5322 msg-id). */
function stableMessageId(reference: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "netshop.local";
  return `<${reference}@${domain}>`;
}
