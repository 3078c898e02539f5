/** Real Chromium (Debian's package) driven by playwright-core; never a downloaded browser. */
import fs from "node:fs";
import path from "node:path";

import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

import { closeRedis } from "~/lib/redis.server";
import { closeDatabase } from "~db/client";

import { until } from "./async";

const CANDIDATES = ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"];

export async function launchBrowser(): Promise<Browser> {
  const executablePath = CANDIDATES.find((p) => fs.existsSync(p));
  if (!executablePath) throw new Error("Chromium is not installed: run `apt-get install -y chromium fonts-liberation`");
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

const DESKTOP = { width: 1280, height: 900 };

/**
 * The browser fixture every journey shares: one Chromium per test file, launched before the
 * file's own `beforeAll` (call this first) and closed after its `afterAll`, together with the
 * file's Redis and database connections. `newPage()` opens a page in a context of its own (own
 * cookies), 1280×900 unless told otherwise, and collects its page errors — and console errors,
 * unless `consoleErrors` is false or a filter says otherwise — in `errors`, which a journey
 * expects to stay empty.
 */
export function journeyBrowser(options: { consoleErrors?: false | ((text: string) => boolean) } = {}) {
  let browser: Browser | undefined;
  const errors: string[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await closeRedis();
    await closeDatabase();
  });
  const consoleError = options.consoleErrors ?? (() => true);
  return {
    errors,
    get browser(): Browser {
      if (!browser) throw new Error("the journey's browser starts in beforeAll");
      return browser;
    },
    /** Collects a page's errors in `errors` (for a page opened some other way, e.g. a popup). */
    watch(page: Page): Page {
      patient(page);
      page.on("pageerror", (e) => errors.push(e.message));
      if (consoleError) page.on("console", (m) => m.type() === "error" && consoleError(m.text()) && errors.push(m.text()));
      return page;
    },
    async newPage(contextOptions: BrowserContextOptions = {}): Promise<Page> {
      const context = await this.browser.newContext({ viewport: DESKTOP, ...contextOptions });
      return this.watch(await context.newPage());
    },
  };
}

/**
 * Playwright's 30 s default for an action or a wait guards a hang, not speed: on a machine whose
 * load is far above its cores a navigation can take longer, so every page gets the suite's backstop.
 */
export function patient(page: Page): Page {
  page.setDefaultTimeout(110_000);
  page.setDefaultNavigationTimeout(110_000);
  return page;
}

/**
 * Waits until the page is ready for clicks: Remix has hydrated it, so clicks reach React handlers,
 * or, for a page served as plain HTML without the Remix client (storefront pages: app/root.tsx),
 * it has loaded.
 */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const w = window as unknown as { __remixContext?: unknown; __remixRouter?: { state: { initialized: boolean } } };
    if (w.__remixRouter?.state.initialized) return true;
    return document.readyState === "complete" && w.__remixContext === undefined;
  });
}

export function baseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error("E2E_BASE_URL is not set: run end-to-end tests through `npm test`");
  return url;
}

export { uniquePhone } from "./phones";

/**
 * Logs a merchant in through the real form and the WhatsApp code read from the sandbox inbox,
 * ending on /admin. (The code can reach the inbox after our send timed out on a loaded machine:
 * the page then says ?unsent=1, and the code still works.)
 */
export async function logInInBrowser(page: Page, user: { email: string; password: string; phone: string }): Promise<void> {
  const { whatsAppCode } = await import("./auth");
  await page.goto(`${baseUrl()}/login`);
  await hydrated(page);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/login\/verify/);
  await hydrated(page);
  const code = await until(async () => {
    const latest = await whatsAppCode(user.phone).catch(() => "");
    return /^\d{6}$/.test(latest) && latest;
  });
  await page.getByLabel("Code", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(/\/admin$/);
}

/** A full-page screenshot named `name`, in E2E_SCREENSHOT_DIR (or the run's temp dir) to look at. */
export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({
    path: path.join(process.env.E2E_SCREENSHOT_DIR ?? process.env.TEST_TMP_DIR ?? "/tmp", `${name}.png`),
    fullPage: true,
  });
}

/**
 * Submits a plain HTML form from the current page (with its CSRF token when it has one), as a
 * browser without JavaScript would post it.
 */
export async function submitPlainForm(page: Page, action: string, fields: Record<string, string>): Promise<void> {
  await page.evaluate(
    ({ action, fields }) => {
      const csrf = (document.querySelector('input[name="_csrf"]') as HTMLInputElement | null)?.value ?? "";
      const form = document.createElement("form");
      form.method = "post";
      form.action = action;
      for (const [name, value] of Object.entries({ _csrf: csrf, ...fields })) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    },
    { action, fields },
  );
}
