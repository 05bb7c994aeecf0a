/**
 * Opening report.html in Debian's headless Chromium through playwright-core, recording what
 * the page did: console errors, CSP violations, dialogs, requests beyond the file itself.
 * Without a browser the browser tests skip locally and fail in CI (`CI` set).
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

export const BROWSER_CANDIDATES = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"];

export function browserExecutable(): string | undefined {
  return BROWSER_CANDIDATES.find((file) => existsSync(file));
}

/** Skip without a browser, except in CI where its absence is a failure. */
export const noBrowser = browserExecutable() === undefined && process.env.CI === undefined;

export async function launchBrowser(): Promise<Browser> {
  const executablePath = browserExecutable();
  if (executablePath === undefined) {
    throw new Error(
      `no Chromium at ${BROWSER_CANDIDATES.join(" or ")}; install it: apt-get install -y chromium`,
    );
  }
  return chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export interface OpenedReport {
  page: Page;
  consoleErrors: string[];
  dialogs: string[];
  /** Every request other than the report file itself. */
  requests: string[];
  /** CSP violations the page reported (securitypolicyviolation events). */
  cspViolations(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Opens `file`, with a `window.__pwned` trap set before any page script runs: a payload
 * that executes would set it or call alert().
 */
export async function openReport(browser: Browser, file: string): Promise<OpenedReport> {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const dialogs: string[] = [];
  const requests: string[] = [];
  const url = pathToFileURL(file).href;
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (err) => consoleErrors.push(`pageerror: ${err.message}`));
  page.on("dialog", (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on("request", (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  // Strings, not functions: the tests are compiled without the DOM library.
  await page.addInitScript({
    content: `window.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (e) => {
        window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
      });`,
  });
  await page.goto(url, { waitUntil: "load" });
  return {
    page,
    consoleErrors,
    dialogs,
    requests,
    cspViolations: () => page.evaluate<string[]>("window.__cspViolations"),
    close: () => context.close(),
  };
}
