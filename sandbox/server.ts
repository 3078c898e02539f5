/**
 * The provider sandbox: local stand-ins for every external provider, each faithful to its
 * documented contract (shared PROVIDERS.md) including the failure modes, so the real clients
 * in app/integrations are exercised unchanged. Used by the embedded default and by tests.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { AnthropicSandbox } from "./anthropic";
import { page } from "./html";
import { KlingSandbox } from "./kling";
import { OpenAISandbox } from "./openai";
import { WassengerSandbox } from "./wassenger";

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** Where the Wassenger stand-in sends delivery webhooks. */
  wassengerWebhook?: { url: string; secret: string };
}

export interface RunningSandbox {
  url: string;
  wassenger: WassengerSandbox;
  openai: OpenAISandbox;
  anthropic: AnthropicSandbox;
  kling: KlingSandbox;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const wassenger = new WassengerSandbox({ webhook: options.wassengerWebhook });
  const openai = new OpenAISandbox();
  const anthropic = new AnthropicSandbox();
  const kling = new KlingSandbox();
  kling.start();
  const app = express();
  app.disable("x-powered-by");
  app.get("/", (_req, res) => {
    res.type("html").send(
      page(
        "Stand-ins",
        `<h1>Provider stand-ins</h1>
<div class="card"><h2>Wassenger (WhatsApp)</h2><p>API at <code>/wassenger/v1</code>. <a href="/wassenger/inbox">Open the WhatsApp inbox</a> to read what NetShop sent (sign-in codes show here).</p></div>
<div class="card"><h2>OpenAI (product copy)</h2><p>Responses and Chat Completions API at <code>/openai/v1</code>. <a href="/openai">See the copy requests</a> NetShop made, with their languages, outcomes and tokens.</p></div>
<div class="card"><h2>Anthropic (product copy)</h2><p>Messages API at <code>/anthropic/v1/messages</code>. <a href="/anthropic">See the copy requests</a> NetShop made, with their languages, outcomes and tokens.</p></div>
<div class="card"><h2>Kling AI (try-on and video)</h2><p>API at <code>/kling/v1</code>. <a href="/kling">See the tasks</a> NetShop created, their status, callbacks and result images and videos.</p></div>`,
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
  app.use((_req, res) => res.status(404).json({ status: 404, message: "Not found in the sandbox" }));

  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wassenger,
    openai,
    anthropic,
    kling,
    close: () =>
      new Promise<void>((resolve) => {
        kling.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
