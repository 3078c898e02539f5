/**
 * The provider sandbox: local stand-ins for every external provider, each faithful to its
 * documented contract (shared PROVIDERS.md) including the failure modes, so the real clients
 * in app/integrations are exercised unchanged. Used by the embedded default and by tests.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

import express from "express";

import { AnthropicSandbox } from "./anthropic";
import { AutoCountSandbox } from "./autocount";
import { BillplzSandbox } from "./billplz";
import { page } from "./html";
import { KlingSandbox } from "./kling";
import { MailSandbox } from "./mail";
import { OpenAISandbox } from "./openai";
import { PaySellerSandbox } from "./payseller";
import { WassengerSandbox } from "./wassenger";

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** Where the Wassenger stand-in sends delivery webhooks. */
  wassengerWebhook?: { url: string; secret: string };
  /** Delays between a payment gateway's callback retries (the real ones wait minutes to a day). */
  callbackRetryDelaysMs?: number[];
  /** AutoCount's rate limit (real: about 100 a minute). */
  autocountRequestsPerMinute?: number;
}

/** A request a provider stand-in received, as its router parsed it (tests check what data left NetShop). */
export interface ReceivedRequest {
  provider: string;
  method: string;
  path: string;
  body: unknown;
  at: string;
}

export interface RunningSandbox {
  url: string;
  /** The last requests each provider's API received (newest last, at most 1,000). */
  received: ReceivedRequest[];
  wassenger: WassengerSandbox;
  openai: OpenAISandbox;
  anthropic: AnthropicSandbox;
  kling: KlingSandbox;
  billplz: BillplzSandbox;
  payseller: PaySellerSandbox;
  autocount: AutoCountSandbox;
  mail: MailSandbox;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? "127.0.0.1";
  const wassenger = new WassengerSandbox({ webhook: options.wassengerWebhook });
  const openai = new OpenAISandbox();
  const anthropic = new AnthropicSandbox();
  const kling = new KlingSandbox();
  kling.start();
  const billplz = new BillplzSandbox({ retryDelaysMs: options.callbackRetryDelaysMs });
  const payseller = new PaySellerSandbox({ retryDelaysMs: options.callbackRetryDelaysMs });
  const autocount = new AutoCountSandbox({ requestsPerMinute: options.autocountRequestsPerMinute });
  const mail = new MailSandbox();
  await mail.start(host);
  const app = express();
  app.disable("x-powered-by");
  // What each provider API received, recorded once its own router has parsed the body.
  const received: ReceivedRequest[] = [];
  app.use((req, res, next) => {
    const api = /^\/(wassenger\/v1|openai\/v1|anthropic\/v1|kling\/v1|billplz\/api|payseller\/v1|autocount\/api)\//.exec(req.path);
    if (api && req.method !== "GET") {
      res.on("finish", () => {
        received.push({
          provider: api[1].split("/")[0],
          method: req.method,
          path: req.originalUrl.split("?")[0],
          body: req.body,
          at: new Date().toISOString(),
        });
        if (received.length > 1000) received.shift();
      });
    }
    next();
  });
  app.get("/_received.json", (req, res) => {
    const provider = typeof req.query.provider === "string" ? req.query.provider : undefined;
    res.json({ requests: received.filter((r) => !provider || r.provider === provider) });
  });
  app.get("/", (_req, res) => {
    res.type("html").send(
      page(
        "Stand-ins",
        `<h1>Provider stand-ins</h1>
<div class="card"><h2>Wassenger (WhatsApp)</h2><p>API at <code>/wassenger/v1</code>. <a href="/wassenger/inbox">Open the WhatsApp inbox</a> to read what NetShop sent (sign-in codes show here).</p></div>
<div class="card"><h2>OpenAI (product copy)</h2><p>Responses and Chat Completions API at <code>/openai/v1</code>. <a href="/openai">See the copy requests</a> NetShop made, with their languages, outcomes and tokens.</p></div>
<div class="card"><h2>Anthropic (product copy)</h2><p>Messages API at <code>/anthropic/v1/messages</code>. <a href="/anthropic">See the copy requests</a> NetShop made, with their languages, outcomes and tokens.</p></div>
<div class="card"><h2>Kling AI (try-on and video)</h2><p>API at <code>/kling/v1</code>. <a href="/kling">See the tasks</a> NetShop created, their status, callbacks and result images and videos.</p></div>
<div class="card"><h2>Billplz (payments)</h2><p>API at <code>/billplz/api/v3</code>. <a href="/billplz">Bills and the callbacks sent</a>; each bill's hosted page has Pay / Fail / Pending.</p></div>
<div class="card"><h2>PaySeller (payments)</h2><p>API at <code>/payseller/v1</code> (NetShop's assumed contract). <a href="/payseller">Payments and the callbacks sent</a>; each payment's hosted page has Pay / Fail / Pending.</p></div>
<div class="card"><h2>AutoCount Cloud Accounting</h2><p>API at <code>/autocount/api/{accountBookId}</code>. <a href="/autocount/ledger">Open the ledger</a> to see the invoices, receipts and credit notes NetShop booked.</p></div>
<div class="card"><h2>Email (SMTP)</h2><p>SMTP on port <code>${mail.port}</code>. <a href="/mail">Open the mailbox</a> to read what NetShop emailed (password-reset links and invitations show here).</p></div>`,
      ),
    );
  });
  app.use("/wassenger/v1", wassenger.api());
  app.use("/wassenger", wassenger.tools());
  app.use("/openai/v1", openai.api());
  app.use("/openai", openai.tools());
  app.use("/anthropic/v1", anthropic.api());
  app.use("/anthropic", anthropic.tools());
  app.use("/kling/v1", kling.api());
  app.use("/kling", kling.tools());
  app.use("/billplz/api", billplz.api());
  app.use("/billplz", billplz.tools());
  app.use("/payseller/v1", payseller.api());
  app.use("/payseller", payseller.tools());
  app.use("/autocount/api", autocount.api());
  app.use("/autocount", autocount.tools());
  app.use("/mail", mail.tools(host));
  app.use((_req, res) => res.status(404).json({ status: 404, message: "Not found in the sandbox" }));

  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    wassenger,
    openai,
    anthropic,
    kling,
    billplz,
    payseller,
    autocount,
    mail,
    close: async () => {
      await new Promise<void>((resolve) => {
        kling.stop();
        billplz.stop();
        payseller.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await mail.stop();
    },
  };
}
