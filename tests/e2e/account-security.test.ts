import { randomBytes } from "node:crypto";

import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";

import { baseUrl, hydrated, journeyBrowser, patient, screenshot, uniquePhone } from "../helpers/browser";

const chrome = journeyBrowser();
let owner: Page;
const { errors } = chrome;

beforeAll(async () => {
  owner = await chrome.newPage();
});

const shot = (page: Page, name: string) => screenshot(page, name);

async function signUp(page: Page, person: { name: string; email: string; phone: string; password: string }) {
  await hydrated(page);
  await page.getByLabel("Your name").fill(person.name);
  await page.getByLabel("Company or business name").fill("Kedai Ujian");
  if (!(await page.getByLabel("Email").inputValue())) await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("WhatsApp number").fill(person.phone);
  await page.getByLabel("Password").fill(person.password);
  await page.getByLabel("I am 18 or older.").check();
  await page.getByLabel(/I accept the/).check();
  await page.getByRole("button", { name: "Create account" }).click();
}

/** Reads the newest sign-in code to `phone` the way a person would: on the sandbox's WhatsApp inbox page. */
async function codeFromInbox(phone: string): Promise<string> {
  const inbox = patient(await chrome.browser.newPage());
  await inbox.goto(`${process.env.SANDBOX_URL}/wassenger/inbox?phone=${encodeURIComponent(phone)}`);
  const newest = (await inbox.getByTestId("message").first().textContent()) ?? "";
  await shot(inbox, "whatsapp-inbox-code");
  await inbox.close();
  const code = newest.match(/sign-in code is (\d{6})/)?.[1];
  if (!code) throw new Error(`no sign-in code in the inbox: ${newest}`);
  return code;
}

describe("account security in a browser", () => {
  const id = randomBytes(3).toString("hex");
  const ownerPerson = { name: "Aminah Yusof", email: `owner-${id}@example.com`, phone: uniquePhone(), password: "teh tarik kurang manis" };
  const staffPerson = { name: "Kumar Raj", email: `staff-${id}@example.com`, phone: uniquePhone(), password: "roti canai banjir kuah" };

  it("logs in with the WhatsApp code read from the sandbox inbox", async () => {
    await owner.goto(`${baseUrl()}/signup`);
    await signUp(owner, { ...ownerPerson, phone: ownerPerson.phone.local });
    await owner.waitForURL("**/admin/shops/new");
    await hydrated(owner);
    await owner.getByLabel("Shop name").fill(`Kedai Aminah ${id}`);
    await owner.getByRole("button", { name: "Create shop" }).click();
    await owner.waitForURL(/\/admin$/);
    await owner.getByRole("button", { name: "Log out" }).click();
    await owner.waitForURL("**/login");

    await hydrated(owner);
    await owner.getByLabel("Email").fill(ownerPerson.email);
    await owner.getByLabel("Password").fill(ownerPerson.password);
    await owner.getByRole("button", { name: "Log in" }).click();
    await owner.waitForURL("**/login/verify");
    expect(await owner.getByTestId("masked-phone").textContent()).toMatch(/^\+60 [•\s]+\d{4}$/);
    await shot(owner, "login-code");
    await hydrated(owner);
    await owner.getByLabel("Code", { exact: true }).fill("000000");
    await owner.getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => owner.locator('[data-field-error="code"]').textContent()).toMatch(/That code is not right. 4 tries left/);
    await owner.getByLabel("Code", { exact: true }).fill(await codeFromInbox(ownerPerson.phone.e164));
    await owner.getByRole("button", { name: "Continue" }).click();
    await owner.waitForURL(/\/admin$/);
    await expect.poll(() => owner.getByRole("heading", { level: 1 }).textContent()).toBe("Welcome, Aminah");
  });

  it("invites a staff member by email with Orders only; they join from the emailed link and cannot open settings", async () => {
    await owner.getByRole("link", { name: "Staff" }).click();
    await owner.waitForURL("**/admin/staff");
    await hydrated(owner);
    await owner.getByLabel("Email address or WhatsApp number").fill(staffPerson.email);
    await owner.getByLabel("Orders").check();
    await owner.getByRole("button", { name: "Send invitation" }).click();
    await expect.poll(() => owner.getByTestId("notice").textContent()).toBe("Invitation sent.");
    await shot(owner, "staff-invited");

    const context = await chrome.browser.newContext();
    const staff = patient(await context.newPage());
    staff.on("pageerror", (e) => errors.push(e.message));
    await staff.goto(`${process.env.SANDBOX_URL}/mail?to=${encodeURIComponent(staffPerson.email)}`);
    expect(await staff.getByTestId("email-subject").first().textContent()).toContain("invited you to");
    await staff.getByTestId("email-link").first().click();
    await staff.waitForURL(/\/invite\?token=/);
    await staff.getByRole("link", { name: "Create your NetShop account" }).click();
    await staff.waitForURL(/\/signup\?/);
    expect(await staff.getByLabel("Email").inputValue()).toBe(staffPerson.email);
    await signUp(staff, { ...staffPerson, phone: staffPerson.phone.local });
    await staff.waitForURL(/\/invite\?token=/);
    await staff.getByRole("button", { name: /Accept and open/ }).click();
    await staff.waitForURL(/\/admin$/);

    const nav = await staff.getByRole("navigation", { name: "Admin" }).textContent();
    expect(nav).toContain("Orders");
    expect(nav).not.toContain("Settings");
    expect(nav).not.toContain("Staff");
    const denied = await staff.goto(`${baseUrl()}/admin/settings`);
    expect(denied?.status()).toBe(403);
    expect(await staff.getByRole("heading", { level: 1 }).textContent()).toBe("Not allowed");
    expect(await staff.getByTestId("admin-error").textContent()).toContain("does not include Settings");
    await shot(staff, "staff-settings-denied");
    await context.close();

    // The owner can open settings, and sees the new member.
    const allowed = await owner.goto(`${baseUrl()}/admin/settings`);
    expect(allowed?.status()).toBe(200);
    expect(await owner.getByTestId("settings-heading").textContent()).toBe("Shop settings");
    await owner.goto(`${baseUrl()}/admin/staff`);
    expect(await owner.getByTestId("members").textContent()).toContain("Staff: Orders");
  });

  it("ran without script errors (CSP included)", () => {
    expect(errors.filter((e) => !/responded with a status of 4\d\d/.test(e))).toEqual([]);
  });
});
