import { describe, expect, it } from "vitest";

import { hashPassword, passwordProblem, verifyPassword } from "~/domain/accounts/passwords.server";

import { bcryptAtConfiguredCost } from "../helpers/auth";

describe("passwords", () => {
  it("refuses short, over-long, common and email-based passwords with a reason", () => {
    expect(passwordProblem("short")).toMatch(/at least 12/);
    expect(passwordProblem("a".repeat(73))).toMatch(/at most 72/);
    expect(passwordProblem("password1234")).toMatch(/too common/);
    expect(passwordProblem("zzzzzzzzzzzzzz")).toMatch(/too common/);
    expect(passwordProblem("aina.rahman-2026!", { email: "aina.rahman@example.com" })).toMatch(/email/);
    expect(passwordProblem("correct horse battery staple")).toBeUndefined();
  });

  it("stores bcrypt hashes that verify only the right password", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(bcryptAtConfiguredCost());
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", hash)).toBe(false);
    expect(await verifyPassword("anything", undefined)).toBe(false);
  });
});
