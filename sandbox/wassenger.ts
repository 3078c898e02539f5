/**
 * Wassenger stand-in, faithful to the contract in PROVIDERS.md: token auth, E.164 validation,
 * 201 {id, waId, status: "queued"}, POST /numbers/exists, signed delivery webhooks (retried,
 * optionally duplicated), a readable inbox, and switches for 429 and the WhatsApp Business
 * "template required" rejection (Meta error 131047).
 */
import { createHmac, randomBytes } from "node:crypto";

import express, { type Request, type Response, type Router } from "express";

import { esc, page } from "./html";

export const SANDBOX_TOKEN = "sandbox-wassenger-token";
export const SANDBOX_DEVICE = { id: "5f0c1e2d3a4b5c6d7e8f9a0b", alias: "NetShop sandbox", phone: "+60300000000", status: "operative" };
const E164 = /^\+[1-9]\d{6,14}$/;

export interface SandboxMessage {
  id: string;
  waId: string;
  phone: string;
  message?: string;
  template?: unknown;
  media?: { url: string };
  reference?: string;
  device: string;
  status: "queued" | "sent" | "delivered" | "read" | "failed";
  createdAt: string;
}

export interface WassengerSwitches {
  /** Answer the next N API calls with 429. */
  rateLimitNext: number;
  /** Accept this many sends but drop the connection before answering (an unknown outcome). */
  loseResponses: number;
  /** Reject free-text messages as WhatsApp Business would outside the 24 h window. */
  templateRequired: boolean;
  /** Send every webhook twice (exercises deduplication). */
  duplicateWebhooks: boolean;
  /** Numbers that are "not on WhatsApp". */
  notOnWhatsApp: string[];
}

export class WassengerSandbox {
  messages: SandboxMessage[] = [];
  switches: WassengerSwitches = {
    rateLimitNext: 0,
    loseResponses: 0,
    templateRequired: false,
    duplicateWebhooks: false,
    notOnWhatsApp: [],
  };
  webhook?: { url: string; secret: string };
  webhookDeliveries = 0;

  constructor(options: { webhook?: { url: string; secret: string } } = {}) {
    this.webhook = options.webhook;
  }

  reset() {
    this.messages = [];
    this.switches = { rateLimitNext: 0, loseResponses: 0, templateRequired: false, duplicateWebhooks: false, notOnWhatsApp: [] };
  }

  /** The API, mounted at /wassenger/v1. */
  api(): Router {
    const r = express.Router();
    r.use(express.json({ limit: "1mb" }));
    r.use((req, res, next) => {
      const token = req.get("token") ?? req.get("authorization")?.replace(/^Bearer\s+/i, "");
      if (token !== SANDBOX_TOKEN) {
        return res.status(401).json({ status: 401, message: "Invalid or missing API token. Set the Token header." });
      }
      if (this.switches.rateLimitNext > 0) {
        this.switches.rateLimitNext--;
        res.setHeader("Retry-After", "1");
        return res.status(429).json({ status: 429, message: "Too many requests. Please slow down." });
      }
      next();
    });
    r.get("/devices", (_req, res) => res.json([SANDBOX_DEVICE]));
    r.post("/numbers/exists", (req, res) => {
      const phone = req.body?.phone;
      if (typeof phone !== "string" || !E164.test(phone)) {
        return res.status(400).json({ status: 400, message: "Invalid phone number: use E.164 format, e.g. +60123456789" });
      }
      if (this.switches.notOnWhatsApp.includes(phone)) {
        return res.status(404).json({ status: 404, message: "Phone number is not registered on WhatsApp" });
      }
      res.json({ exists: true, phone, wid: `${phone.slice(1)}@c.us` });
    });
    r.post("/messages", (req, res) => this.send(req, res));
    r.get("/messages", (req, res) => {
      const reference = req.query.reference;
      res.json(this.messages.filter((m) => !reference || m.reference === reference));
    });
    return r;
  }

  private send(req: Request, res: Response) {
    const body = req.body ?? {};
    const invalid = (message: string) => res.status(400).json({ status: 400, message, errorCode: "invalid_request" });
    if (typeof body.phone !== "string" || !E164.test(body.phone)) {
      return invalid("Invalid phone number: use E.164 format with a leading +, e.g. +60123456789");
    }
    const hasText = typeof body.message === "string" && body.message.trim().length > 0;
    const hasTemplate = body.template && typeof body.template === "object" && typeof body.template.name === "string";
    if (!hasText && !hasTemplate && !body.media?.url) return invalid("message, template or media is required");
    if (hasText && body.message.length > 4096) return invalid("message must be at most 4096 characters");
    if (body.device !== undefined && body.device !== SANDBOX_DEVICE.id) {
      return invalid("device must be the 24-character id of one of your devices");
    }
    if (this.switches.notOnWhatsApp.includes(body.phone)) {
      return res.status(400).json({ status: 400, message: "Recipient phone number is not a valid WhatsApp account" });
    }
    if (this.switches.templateRequired && !hasTemplate) {
      return res.status(400).json({
        status: 400,
        message:
          "Message failed to send because more than 24 hours have passed since the customer last replied to this number (131047 Re-engagement message). Use an approved template.",
        errorCode: "131047",
      });
    }
    const message: SandboxMessage = {
      id: randomBytes(12).toString("hex"),
      waId: `3EB0${randomBytes(8).toString("hex").toUpperCase()}`,
      phone: body.phone,
      message: hasText ? body.message : undefined,
      template: hasTemplate ? body.template : undefined,
      media: body.media,
      reference: typeof body.reference === "string" ? body.reference : undefined,
      device: SANDBOX_DEVICE.id,
      status: "queued",
      createdAt: new Date().toISOString(),
    };
    this.messages.push(message);
    if (this.switches.loseResponses > 0) {
      // Accepted, but the connection drops before the answer (the sender cannot know).
      this.switches.loseResponses--;
      req.socket.destroy();
      return;
    }
    res.status(201).json({ ...message, deliveryStatus: "queued", wid: `${message.phone.slice(1)}@c.us` });
    // The message then moves on like a real one: sent, then delivered to the phone.
    setTimeout(() => this.advance(message, "sent", "message:out:sent"), 40).unref();
    setTimeout(() => this.advance(message, "delivered", "message:out:ack"), 120).unref();
  }

  private advance(message: SandboxMessage, status: SandboxMessage["status"], event: string) {
    message.status = status;
    const data = {
      id: message.id,
      waId: message.waId,
      phone: message.phone,
      reference: message.reference,
      status,
      ...(event === "message:out:ack" ? { ack: status } : {}),
    };
    void this.deliverWebhook({ id: randomBytes(12).toString("hex"), event, data });
  }

  /** POSTs a signed webhook, retrying a few times like the real service (which retries ~24 h). */
  async deliverWebhook(payload: unknown): Promise<void> {
    if (!this.webhook) return;
    const raw = JSON.stringify(payload);
    const signature = `sha256=${createHmac("sha256", this.webhook.secret).update(raw).digest("hex")}`;
    const copies = this.switches.duplicateWebhooks ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      for (let attempt = 0; attempt < 4; attempt++) {
        try {
          const res = await fetch(this.webhook.url, {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-Wassenger-Signature": signature, "User-Agent": "Wassenger-Webhook/sandbox" },
            body: raw,
            signal: AbortSignal.timeout(5_000),
          });
          this.webhookDeliveries++;
          if (res.ok) break;
        } catch {
          // retried below
        }
        await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
      }
    }
  }

  /** Test and human helpers, mounted at /wassenger. */
  tools(): Router {
    const r = express.Router();
    r.use(express.json());
    r.get("/inbox.json", (req, res) => {
      const phone = typeof req.query.phone === "string" ? req.query.phone.replace(/ /g, "+") : undefined;
      res.json({
        messages: this.messages
          .filter((m) => !phone || m.phone === phone)
          .slice()
          .reverse(),
      });
    });
    r.get("/inbox", (req, res) => {
      const phone = typeof req.query.phone === "string" ? req.query.phone.trim().replace(/^ /, "+") : "";
      const rows = this.messages
        .filter((m) => !phone || m.phone === phone)
        .slice()
        .reverse()
        .map(
          (m) =>
            `<tr><td>${esc(m.phone)}</td><td><span class="bubble" data-testid="message">${esc(
              m.message ??
                `[template ${(m.template as { name?: string })?.name}] ${JSON.stringify((m.template as { components?: unknown })?.components ?? [])}`,
            )}</span></td><td class="muted">${esc(m.status)}<br>${esc(new Date(m.createdAt).toLocaleString())}</td></tr>`,
        )
        .join("");
      res.type("html").send(
        page(
          "WhatsApp inbox",
          `<h1>WhatsApp inbox</h1><p class="muted">Messages NetShop sent through the Wassenger sandbox. This page refreshes itself.</p>
<form method="get"><label>Phone <input name="phone" value="${esc(phone)}" placeholder="+60123456789"></label> <button>Filter</button></form><br>
<table><thead><tr><th>To</th><th>Message</th><th>Status</th></tr></thead><tbody>${rows || `<tr><td colspan="3" class="muted">No messages yet.</td></tr>`}</tbody></table>`,
          { refreshSeconds: 5 },
        ),
      );
    });
    // A person replies to the business number (e.g. STOP): delivered as Wassenger's message:in:new webhook.
    r.post("/reply", async (req, res) => {
      const b = req.body ?? {};
      if (typeof b.phone !== "string" || !/^\+\d{8,15}$/.test(b.phone) || typeof b.message !== "string") {
        return res.status(400).json({ message: "phone (E.164) and message are required" });
      }
      const id = randomBytes(12).toString("hex");
      await this.deliverWebhook({
        id: randomBytes(12).toString("hex"),
        event: "message:in:new",
        data: { id, type: "text", flow: "inbound", fromNumber: b.phone, body: b.message, chat: { id: `${b.phone.slice(1)}@c.us` } },
      });
      res.status(202).json({ id });
    });
    r.get("/_control", (_req, res) =>
      res.json({ switches: this.switches, webhook: this.webhook ? { url: this.webhook.url } : null, messages: this.messages.length }),
    );
    r.post("/_control", (req, res) => {
      const b = req.body ?? {};
      if (b.reset) this.reset();
      if (typeof b.rateLimitNext === "number") this.switches.rateLimitNext = b.rateLimitNext;
      if (typeof b.loseResponses === "number") this.switches.loseResponses = b.loseResponses;
      if (typeof b.templateRequired === "boolean") this.switches.templateRequired = b.templateRequired;
      if (typeof b.duplicateWebhooks === "boolean") this.switches.duplicateWebhooks = b.duplicateWebhooks;
      if (Array.isArray(b.notOnWhatsApp)) this.switches.notOnWhatsApp = b.notOnWhatsApp.map(String);
      if (typeof b.webhookUrl === "string" && typeof b.webhookSecret === "string")
        this.webhook = { url: b.webhookUrl, secret: b.webhookSecret };
      res.json({ switches: this.switches });
    });
    return r;
  }
}
