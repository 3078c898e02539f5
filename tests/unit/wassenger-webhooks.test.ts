import { describe, expect, it } from "vitest";

import {
  deliveryStatusOf,
  signWassengerBody,
  verifyWassengerSignature,
  WassengerWebhookSchema,
  webhookEventId,
} from "~/integrations/wassenger.server";

describe("Wassenger webhooks", () => {
  const raw = JSON.stringify({ event: "message:out:ack", data: { id: "abc123", ack: "delivered" } });

  it("verifies the HMAC-SHA256 signature of the raw body", () => {
    const signature = signWassengerBody(raw, "secret");
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWassengerSignature(raw, signature, "secret")).toBe(true);
    expect(verifyWassengerSignature(raw, signature, "other")).toBe(false);
    expect(verifyWassengerSignature(raw.replace("delivered", "read"), signature, "secret")).toBe(false);
    expect(verifyWassengerSignature(raw, null, "secret")).toBe(false);
  });

  it("maps events to delivery states and gives each delivery a stable id", () => {
    const hook = WassengerWebhookSchema.parse(JSON.parse(raw));
    expect(deliveryStatusOf(hook)).toBe("delivered");
    expect(webhookEventId(hook)).toBe("message:out:ack:abc123:delivered");
    expect(deliveryStatusOf({ event: "message:out:sent", data: {} })).toBe("sent");
    expect(deliveryStatusOf({ event: "message:out:ack", data: { ack: "read" } })).toBe("read");
    expect(deliveryStatusOf({ event: "message:out:failed", data: {} })).toBe("failed");
    expect(deliveryStatusOf({ event: "message:in:new", data: {} })).toBeUndefined();
  });
});
