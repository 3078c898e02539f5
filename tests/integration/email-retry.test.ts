import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { emailClient } from "~/integrations/email.server";

/**
 * SMTP has no idempotency key: a worker killed after the server accepted a message and before we
 * recorded it sends it again. Every send of one message carries the same Message-ID (made from our
 * message id), so the recipient's mailbox keeps one copy, as real mailboxes do.
 */
async function sandboxMail<T>(path: string): Promise<T> {
  return (await (await fetch(`${process.env.SANDBOX_URL}/mail${path}`)).json()) as T;
}

describe("email retries", () => {
  it("a message sent twice (a retry after a lost acknowledgement) reaches the mailbox once, under a stable Message-ID", async () => {
    const to = `retry-${randomUUID()}@example.com`;
    const reference = randomUUID();
    const before = (await sandboxMail<{ duplicatesDropped: number }>("/_control")).duplicatesDropped;
    const client = await emailClient();
    const first = await client.send({ to, subject: "Pesanan anda", text: "Terima kasih", reference });
    const again = await client.send({ to, subject: "Pesanan anda", text: "Terima kasih", reference });
    expect(first.messageId).toBe(`<${reference}@netshop.local>`);
    expect(again.messageId).toBe(first.messageId);

    const { messages } = await sandboxMail<{ messages: Array<{ messageId?: string; reference?: string }> }>(
      `/inbox.json?to=${encodeURIComponent(to)}`,
    );
    expect(messages).toEqual([expect.objectContaining({ messageId: first.messageId, reference })]);
    expect((await sandboxMail<{ duplicatesDropped: number }>("/_control")).duplicatesDropped).toBeGreaterThanOrEqual(before + 1);

    // A different message to the same person is a message of its own.
    await client.send({ to, subject: "Pesanan dihantar", text: "Dalam perjalanan", reference: randomUUID() });
    expect((await sandboxMail<{ messages: unknown[] }>(`/inbox.json?to=${encodeURIComponent(to)}`)).messages).toHaveLength(2);
  });
});
