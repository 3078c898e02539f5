/**
 * SMTP stand-in: a real SMTP server on loopback (smtp-server) that requires the sandbox login,
 * keeps every message it accepts in a mailbox a person can read (/mail) and tests can query
 * (/mail/inbox.json), and has switches for a temporary failure (451) and refused recipients (550).
 * Like a real mailbox (Gmail drops a message whose Message-ID it already holds), it keeps one copy
 * per Message-ID and recipient; the copies it dropped are counted in /mail/_control.
 * The app finds it through /mail/smtp.json (it listens on a port of its own).
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";

import express, { type Router } from "express";
import PostalMime from "postal-mime";
import { SMTPServer } from "smtp-server";

import { esc, page } from "./html";

export const SANDBOX_SMTP_USER = "sandbox";
export const SANDBOX_SMTP_PASSWORD = "sandbox-smtp-password";

export interface SandboxEmail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  messageId?: string;
  reference?: string;
  /** RFC 2369 / RFC 8058 headers, so tests can check a message's one-click unsubscribe. */
  listUnsubscribe?: string;
  listUnsubscribePost?: string;
  receivedAt: string;
}

export interface MailSwitches {
  /** Answer the next N messages with 451 (temporary failure). */
  failNext: number;
  /** Recipients refused with 550. */
  rejectRecipients: string[];
}

export class MailSandbox {
  messages: SandboxEmail[] = [];
  /** Messages accepted whose Message-ID every recipient already held (a sender's retry). */
  duplicatesDropped = 0;
  switches: MailSwitches = { failNext: 0, rejectRecipients: [] };
  private server?: SMTPServer;
  port = 0;

  reset() {
    this.messages = [];
    this.duplicatesDropped = 0;
    this.switches = { failNext: 0, rejectRecipients: [] };
  }

  async start(host: string): Promise<void> {
    this.server = new SMTPServer({
      name: "sandbox.netshop.local",
      banner: "NetShop sandbox SMTP",
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true, // loopback only
      authMethods: ["PLAIN", "LOGIN"],
      size: 10 * 1024 * 1024,
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (auth.username === SANDBOX_SMTP_USER && auth.password === SANDBOX_SMTP_PASSWORD) return callback(null, { user: auth.username });
        callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
      },
      onRcptTo: (address, _session, callback) => {
        if (this.switches.rejectRecipients.includes(address.address.toLowerCase())) {
          return callback(Object.assign(new Error("Mailbox unavailable"), { responseCode: 550 }));
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", async () => {
          if (this.switches.failNext > 0) {
            this.switches.failNext--;
            return callback(Object.assign(new Error("Temporary local problem, try again later"), { responseCode: 451 }));
          }
          try {
            const parsed = await PostalMime.parse(Buffer.concat(chunks));
            const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
            if (parsed.messageId && this.messages.some((m) => m.messageId === parsed.messageId && to.every((a) => m.to.includes(a)))) {
              this.duplicatesDropped++;
              return callback();
            }
            this.messages.push({
              id: randomBytes(8).toString("hex"),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to,
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              html: parsed.html ?? undefined,
              messageId: parsed.messageId,
              reference: parsed.headers.find((h) => h.key === "x-netshop-reference")?.value,
              listUnsubscribe: parsed.headers.find((h) => h.key === "list-unsubscribe")?.value,
              listUnsubscribePost: parsed.headers.find((h) => h.key === "list-unsubscribe-post")?.value,
              receivedAt: new Date().toISOString(),
            });
            callback();
          } catch (error) {
            callback(Object.assign(new Error(`Could not parse the message: ${(error as Error).message}`), { responseCode: 554 }));
          }
        });
      },
    });
    this.server.on("error", () => {});
    await new Promise<void>((resolve) => this.server!.listen(0, host, resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Human pages, discovery and test controls, mounted at /mail. */
  tools(host: string): Router {
    const r = express.Router();
    r.use(express.json());
    r.get("/smtp.json", (_req, res) => res.json({ host, port: this.port, username: SANDBOX_SMTP_USER, password: SANDBOX_SMTP_PASSWORD }));
    r.get("/inbox.json", (req, res) => {
      const to = typeof req.query.to === "string" ? req.query.to.toLowerCase() : undefined;
      res.json({
        messages: this.messages
          .filter((m) => !to || m.to.includes(to))
          .slice()
          .reverse(),
      });
    });
    r.get("/", (req, res) => {
      const to = typeof req.query.to === "string" ? req.query.to.trim().toLowerCase() : "";
      const rows = this.messages
        .filter((m) => !to || m.to.includes(to))
        .slice()
        .reverse()
        .map(
          (
            m,
          ) => `<div class="card" data-testid="email"><div class="muted">To ${esc(m.to.join(", "))} · from ${esc(m.from)} · ${esc(new Date(m.receivedAt).toLocaleString())}</div>
<h3 data-testid="email-subject">${esc(m.subject)}</h3><div class="bubble" style="background:#f8fafc" data-testid="email-body">${linkify(m.text)}</div></div>`,
        )
        .join("");
      res.type("html").send(
        page(
          "Mailbox",
          `<h1>Mailbox</h1><p class="muted">Emails NetShop sent through the sandbox SMTP server (port ${this.port}). This page refreshes itself.</p>
<form method="get"><label>To <input name="to" value="${esc(to)}" placeholder="name@example.com"></label> <button>Filter</button></form><br>
${rows || `<p class="muted">No emails yet.</p>`}`,
          { refreshSeconds: 5 },
        ),
      );
    });
    r.get("/_control", (_req, res) =>
      res.json({ switches: this.switches, messages: this.messages.length, duplicatesDropped: this.duplicatesDropped, port: this.port }),
    );
    r.post("/_control", (req, res) => {
      const b = req.body ?? {};
      if (b.reset) this.reset();
      if (typeof b.failNext === "number") this.switches.failNext = b.failNext;
      if (Array.isArray(b.rejectRecipients))
        this.switches.rejectRecipients = b.rejectRecipients.map((a: unknown) => String(a).toLowerCase());
      res.json({ switches: this.switches });
    });
    return r;
  }
}

/** Escapes text and turns its http(s) links into anchors (a person clicks the link in the email). */
function linkify(text: string): string {
  return esc(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}" data-testid="email-link">${url}</a>`);
}
