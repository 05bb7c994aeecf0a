/**
 * compare.html in a real headless Chromium (Debian's, through playwright-core): it renders,
 * logs no console error, fetches nothing, and responses full of injection payloads execute
 * nothing and show up as literal text. In CI a missing browser fails the test.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess, type TempDir, tempDir } from "../cli/run-test-support.js";
import { cellsFromVector, writeRunFolder } from "./compare-folders.js";

const EXECUTABLE = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"].find((p) =>
  existsSync(p),
);
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const PAYLOADS = [
  "<script>window.__pwned = 'script'</script>",
  "</script><script>window.__pwned = 'breakout'</script>",
  "<img src=x onerror=\"window.__pwned = 'img'\">",
  "<svg onload=\"window.__pwned = 'svg'\"><script>window.__pwned = 'svg-script'</script></svg>",
  "<a href=\"javascript:window.__pwned = 'href'\">click</a>",
  "<style>body { background: url(http://127.0.0.1:9/steal) }</style>",
  "<!-- <script>window.__pwned = 'comment'</script> -->",
  '\u2028\u2029 <iframe src="http://127.0.0.1:9/frame"></iframe>',
  '{"__proto__": {"polluted": true}} <link rel=stylesheet href="http://127.0.0.1:9/x.css">',
];

let temp: TempDir;
let browser: Browser | undefined;

beforeAll(async () => {
  temp = await tempDir();
  if (!EXECUTABLE) {
    if (process.env.CI)
      throw new Error(
        "no Chromium at /usr/bin/chromium(-headless-shell); apt-get install -y chromium",
      );
    return;
  }
  browser = await chromium.launch({ executablePath: EXECUTABLE, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  await temp?.cleanup();
});

describe.skipIf(!EXECUTABLE && !process.env.CI)("compare.html in headless Chromium", () => {
  it("renders the table and hostile responses as text; nothing executes or is fetched", async () => {
    const hostileCells = PAYLOADS.map((p, i) => ({
      exampleId: `hostile-${i}<script>window.__pwned='id'</script>`,
      score: 1,
      response: p,
      judgeExplanation: `${p} SCORE: 4`,
    }));
    await writeRunFolder(temp.path("base"), [
      {
        feature: "explain</script>",
        model: "old<img src=x onerror=alert(1)>",
        cells: [
          ...hostileCells.map((c) => ({ ...c, score: 4, response: `fine ${c.exampleId}` })),
          ...cellsFromVector([1, 1, 1]),
        ],
      },
    ]);
    await writeRunFolder(temp.path("cand"), [
      {
        feature: "explain</script>",
        model: "new-model",
        cells: [...hostileCells, ...cellsFromVector([1, 1, 1])],
      },
    ]);
    const r = await runInProcess(["compare", "base", "cand", "--out", "cmp"], temp.dir);
    expect(r.code).toBe(1);
    const file = temp.path("cmp", "compare.html");
    const html = await readFile(file, "utf8");
    expect(html).not.toContain("</script><script>window");
    expect(html).toContain("Content-Security-Policy");

    const page = await browser!.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("dialog", (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on("request", (req) => {
      if (req.url() !== pathToFileURL(file).href) requests.push(req.url());
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector("body[data-rendered=true]");
    // Open every <details> so any markup inside would have been parsed and loaded by now.
    await page.$$eval("details", (all) => {
      for (const d of all) (d as unknown as { open: boolean }).open = true;
    });
    await page.waitForTimeout(200);

    expect(
      await page.evaluate(() => (globalThis as unknown as { __pwned?: string }).__pwned),
    ).toBeUndefined();
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator("img, svg, iframe, a, link, style:not(head style)").count()).toBe(0);
    const pres = await page.locator("pre").allTextContents();
    for (const p of PAYLOADS) {
      expect(pres).toContain(p);
      expect(pres).toContain(`${p} SCORE: 4`);
    }
    const firstRow = await page
      .locator("table")
      .first()
      .locator("tr")
      .nth(1)
      .locator("td")
      .allTextContents();
    expect(firstRow[0]).toBe("explain</script>");
    expect(firstRow[1]).toBe("old<img src=x onerror=alert(1)> 100.0% green");
    expect(firstRow[7]).toBe("REGRESSED");
    expect(await page.locator("details").count()).toBe(PAYLOADS.length);
    await page.close();
  });
});
