/**
 * report.html at 1,000 examples per cell (3 features × 2 models = 6,000 examples), written
 * through the real journal writer and writeRunReports (test/support/synthetic-run.ts), then
 * opened in headless Chromium (Debian's, through playwright-core):
 *
 * - file size, in bytes per example, against the ideal: the embedded data as raw JSON;
 * - DOMContentLoaded and first contentful paint, against a bare page embedding the same
 *   JSON and parsing it (the least any page showing this data must do);
 * - opening a cell (stats, histogram chart, first 50 example rows), against the bare page
 *   building 50 rows of the same examples with textContent.
 *
 * Each page is loaded RUNS times in a fresh context; medians are compared.
 *
 *   npx tsx bench/html-report.ts             # EXAMPLES=200 for a quick look
 */
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { launchBrowser } from "../test/reports/html-browser.js";
import { writeSyntheticRun } from "../test/support/synthetic-run.js";
import { report } from "./support/result-block.js";

const EXAMPLES = Number(process.env["EXAMPLES"] ?? 1000);
const RUNS = 5;
const FEATURES = ["code_generations", "duo_chat_explain_code", "generate_commit_message"];
const MODELS = ["mistral-7b-vllm", "claude-3-5-sonnet"];
const TARGETS = { size: 1.2, load: 3, open: 10 };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The bare page: the same JSON, parsed; `openCell()` builds 50 rows of the first cell. */
function barePage(json: string): string {
  const script = `var data = JSON.parse(document.getElementById("d").textContent);
window.openCell = function () {
  var ul = document.createElement("ul");
  data.cells[0].examples.slice(0, 50).forEach(function (e) {
    var li = document.createElement("li");
    li.textContent = e.id + " " + e.status + " " + e.score;
    ul.appendChild(li);
  });
  document.body.appendChild(ul);
};
document.body.appendChild(document.createElement("h1")).textContent = data.title;`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>bare</title></head><body>
<script type="application/json" id="d">${json}</script><script>${script}</script></body></html>`;
}

interface Timings {
  domContentLoadedMs: number;
  firstPaintMs: number;
  openCellMs: number;
}

async function measure(page: Page, url: string, open: string): Promise<Timings> {
  await page.goto(url, { waitUntil: "load" });
  // Let the first paint happen, then read the navigation and paint entries.
  await page.evaluate("new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))");
  const load = await page.evaluate<{ dcl: number; fcp: number }>(`(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    return { dcl: nav.domContentLoadedEventEnd, fcp: fcp ? fcp.startTime : NaN };
  })()`);
  // Opening a cell, through to the next frame (layout of what it built included).
  const openCellMs = await page.evaluate<number>(`new Promise((resolve) => {
    const t0 = performance.now();
    ${open};
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
  })`);
  return { domContentLoadedMs: load.dcl, firstPaintMs: load.fcp, openCellMs };
}

const dir = await mkdtemp(join(tmpdir(), "evalgate-bench-html-"));
const browser = await launchBrowser();
try {
  const started = performance.now();
  await writeSyntheticRun(join(dir, "run"), {
    features: FEATURES,
    models: MODELS,
    examplesPerCell: EXAMPLES,
  });
  const writeMs = performance.now() - started;
  const reportFile = join(dir, "run", "report.html");
  const html = readFileSync(reportFile, "utf8");
  const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(
    html,
  )![1]!;
  const rawJson = JSON.stringify(JSON.parse(json));
  const bareFile = join(dir, "bare.html");
  writeFileSync(bareFile, barePage(json));

  const examples = FEATURES.length * MODELS.length * EXAMPLES;
  const htmlBytes = Buffer.byteLength(html);
  const rawBytes = Buffer.byteLength(rawJson);
  const sizeRatio = htmlBytes / rawBytes;

  const ours: Timings[] = [];
  const bare: Timings[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [file, into, open] of [
      [reportFile, ours, 'document.querySelector("button.cell-button").click()'],
      [bareFile, bare, "window.openCell()"],
    ] as const) {
      const context = await browser.newContext();
      const page = await context.newPage();
      into.push(await measure(page, `file://${file}`, open));
      if (
        into === ours &&
        (await page.evaluate<number>("document.querySelectorAll('.examples > li').length")) !== 50
      ) {
        throw new Error("opening a cell did not build 50 example rows");
      }
      await context.close();
    }
  }
  const m = (xs: Timings[], k: keyof Timings) => median(xs.map((x) => x[k]));
  const loadRatio = m(ours, "domContentLoadedMs") / m(bare, "domContentLoadedMs");
  const openRatio = m(ours, "openCellMs") / m(bare, "openCellMs");
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const notes = [
    `${examples.toLocaleString("en")} examples (${FEATURES.length} features × ${MODELS.length} models × ${EXAMPLES}); run folder and reports written in ${ms(writeMs)}`,
    `first contentful paint: ${ms(m(ours, "firstPaintMs"))} vs bare ${ms(m(bare, "firstPaintMs"))}`,
    `medians of ${RUNS} loads each, fresh browser context per load`,
  ];
  report({
    name: `report.html size at ${EXAMPLES} examples per cell`,
    measured: `${(htmlBytes / 1048576).toFixed(2)} MiB (${(htmlBytes / examples).toFixed(0)} bytes per example, chart.js and page included)`,
    ideal: `raw JSON of the embedded data ${(rawBytes / 1048576).toFixed(2)} MiB (${(rawBytes / examples).toFixed(0)} bytes per example)`,
    ratio: sizeRatio,
    target: `ratio ≤ ${TARGETS.size}`,
    pass: sizeRatio <= TARGETS.size,
  });
  report({
    name: "report.html load (DOMContentLoaded) in headless Chromium",
    measured: ms(m(ours, "domContentLoadedMs")),
    ideal: `${ms(m(bare, "domContentLoadedMs"))} (bare page, same JSON embedded and parsed)`,
    ratio: loadRatio,
    target: `ratio ≤ ${TARGETS.load}`,
    pass: loadRatio <= TARGETS.load,
    notes,
  });
  report({
    name: "report.html: open a 1,000-example cell (stats, histogram, first 50 rows)",
    measured: ms(m(ours, "openCellMs")),
    ideal: `${ms(m(bare, "openCellMs"))} (bare page building 50 rows of the same examples)`,
    ratio: openRatio,
    target: `ratio ≤ ${TARGETS.open}`,
    pass: openRatio <= TARGETS.open,
  });
} finally {
  await browser.close();
  await rm(dir, { recursive: true, force: true });
}
