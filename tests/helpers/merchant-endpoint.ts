/**
 * A merchant's callback endpoint for provider tests: records every server callback exactly as it
 * arrived (raw body and headers), and answers with the statuses a test lines up (200 otherwise),
 * so gateway retries can be exercised. Also reads a hosted payment page's form the way a
 * browser without JavaScript would.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

import { until } from "./async";

export interface ReceivedCallback {
  path: string;
  body: string;
  headers: Record<string, string>;
}

export async function startMerchantEndpoint() {
  const received: ReceivedCallback[] = [];
  const answers: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      received.push({ path: req.url ?? "", body: Buffer.concat(chunks).toString("utf8"), headers });
      res.statusCode = answers.shift() ?? 200;
      res.end(res.statusCode === 200 ? "OK" : "try again");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    received,
    /** The next callbacks get these statuses, in order. */
    answerNext: (...statuses: number[]) => answers.push(...statuses),
    /** Waits until `count` callbacks to `path` have arrived. */
    async waitFor(count: number, path = "/", ms = 110_000): Promise<ReceivedCallback[]> {
      const mine = () => received.filter((r) => r.path.startsWith(path));
      return until(async () => mine().length >= count && mine(), ms).catch(() => {
        throw new Error(`expected ${count} callbacks to ${path}, got ${mine().length}`);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Opens a hosted payment page and submits its form with one of its buttons (Pay / Fail /
 * Pending), like a browser without JavaScript. Returns the page's answer (a redirect, unfollowed).
 */
export async function choose(paymentUrl: string, outcome: "paid" | "failed" | "pending"): Promise<{ page: string; response: Response }> {
  const page = await (await fetch(paymentUrl)).text();
  const form = /<form method="post" action="([^"]+)"/.exec(page);
  if (!form) throw new Error(`no payment form on ${paymentUrl}`);
  if (!page.includes(`name="outcome" value="${outcome}"`)) throw new Error(`no ${outcome} button on ${paymentUrl}`);
  const action = new URL(form[1].replace(/&amp;/g, "&"), paymentUrl);
  const response = await fetch(action, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ outcome }).toString(),
    redirect: "manual",
  });
  return { page, response };
}
