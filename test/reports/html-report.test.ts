/**
 * report.html in a real headless Chromium (Debian's, through playwright-core): the page of a
 * simulated run renders, its charts draw, it logs no errors and breaks no CSP rule; the
 * drill-down filters and search work when used; a dataset and responses full of injection
 * payloads execute nothing, fetch nothing and add no element; a 1,000-examples-per-cell
 * report builds example rows 50 at a time.
 */
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CONFIG_DIR,
  cleanEnv,
  ROOT,
  readRecords,
  runInProcess,
  STACK_FRAME,
  type TempDir,
  tempDir,
  writeText,
} from "../cli/run-test-support.js";
import { writeSyntheticRun } from "../support/synthetic-run.js";
import { launchBrowser, noBrowser, type OpenedReport, openReport } from "./html-browser.js";

/** Each tries to run script (setting window.__pwned or opening a dialog), load something, or restyle the page. */
const PAYLOADS = [
  "<script>window.__pwned = 1</script>",
  '</script><script>window.__pwned = 2; alert("script")</script>',
  '<img src=x onerror="window.__pwned = 3">',
  '<a href="javascript:window.__pwned = 4">click me</a>',
  '<svg onload="window.__pwned = 5"><script>alert(5)</script></svg>',
  "<style>body { display: none } * { color: expression(alert(6)) }</style>",
  '<iframe src="javascript:alert(7)"></iframe><img src="http://127.0.0.1:9/x.png">',
  "<!--<script>window.__pwned = 8</script>-->\u2028\u2029",
  '"><body onload="window.__pwned = 9">',
];

const FEATURES = `features:
  - id: payloads
    title: Payloads
    release_state: ga
    prompt_id: chat/explain_code
    compatible_families: [mistral, codestral]
    dataset: DATASET
    evaluator: explanation_quality
    threshold: 0.8
    yellow_band: 0.1
  - id: code_generations
    title: Code generation
    release_state: ga
    prompt_id: code_suggestions/generations
    compatible_families: [mistral, codestral]
    dataset: ${CONFIG_DIR}/../datasets/code_generations.jsonl
    evaluator: code_correctness
    threshold: 0.8
    yellow_band: 0.1
`;
const MODELS = ["mistral-7b-vllm", "codestral-22b-vllm"];

let temp: TempDir;
let browser: Browser;
const opened: OpenedReport[] = [];

async function open(file: string): Promise<OpenedReport> {
  const report = await openReport(browser, file);
  opened.push(report);
  return report;
}
const evaluate = <T>(page: Page, script: string) => page.evaluate<T>(script);
const rows = (page: Page) =>
  evaluate<number>(page, "document.querySelectorAll('.examples > li').length");

beforeAll(async () => {
  temp = await tempDir("evalgate-html-");
  const dataset = PAYLOADS.map((p, i) =>
    JSON.stringify({
      id: i === 2 ? `payload-${i}-<img src=x onerror=alert(1)>` : `payload-${i}`,
      inputs: { file_name: `${p}.py`, language: p, selected_text: `x = 1  # ${p}`, question: p },
      outputs: { output: `The code sets x. ${p} It is an assignment.` },
    }),
  ).join("\n");
  const datasetFile = await writeText(temp.path("payloads.jsonl"), `${dataset}\n`);
  const features = await writeText(
    temp.path("features.yaml"),
    FEATURES.replace("DATASET", datasetFile),
  );
  const entry = await writeText(
    temp.path("evalgate.yaml"),
    `models: ${CONFIG_DIR}/models.yaml
features: ${features}
definitions: ${CONFIG_DIR}/prompts
evaluators: ${ROOT}/evaluators
judge: claude-3-5-sonnet-judge
default_suite: html
suites:
  html:
    features: [payloads, code_generations]
    models: [${MODELS.join(", ")}]
    limit: 12
`,
  );
  const profile = await writeText(
    temp.path("profile.yaml"),
    "defaults: { latency_ms: 1, jitter_ms: 1 }\n",
  );
  const argv = ["run", "--config", entry, "--simulate-profile", profile, "--no-cache", "--quiet"];
  const run = await runInProcess([...argv, "--out", "run"], temp.dir, cleanEnv());
  expect(run.err).not.toMatch(STACK_FRAME);
  expect(run.code).toBe(0);
  await writeSyntheticRun(temp.path("big"), {
    features: ["explain"],
    models: ["small-model", "large-model"],
    examplesPerCell: 1000,
  });
  if (!noBrowser) browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  for (const r of opened) await r.close();
  await browser?.close();
  await temp?.cleanup();
});

describe.skipIf(noBrowser)("report.html in headless Chromium", () => {
  it("renders the matrix, draws one chart per feature, logs no error and breaks no CSP rule", async () => {
    const r = await open(temp.path("run", "report.html"));
    const matrix = await evaluate<string[][]>(
      r.page,
      "Array.from(document.querySelectorAll('.matrix tr')).map((tr) => Array.from(tr.children).map((c) => c.textContent))",
    );
    expect(matrix[0]).toEqual(["feature", ...MODELS]);
    expect(matrix.map((row) => row[0])).toEqual(["feature", "payloads", "code_generations"]);
    const run = JSON.parse(readFileSync(temp.path("run", "run.json"), "utf8"));
    const cg = run.summary.matrix.find(
      (e: { feature: string; model: string }) =>
        e.feature === "code_generations" && e.model === MODELS[1],
    );
    expect(matrix[2]![2]).toContain(`${cg.verdict} ${(cg.passRate * 100).toFixed(1)}%`);
    expect(await evaluate<number>(r.page, "Object.keys(Chart.instances).length")).toBe(2);
    const inked = await evaluate<number[]>(
      r.page,
      `Array.from(document.querySelectorAll(".chart-wrap canvas")).map((c) => {
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
        return n;
      })`,
    );
    expect(inked).toHaveLength(2);
    for (const pixels of inked) expect(pixels).toBeGreaterThan(1000);
    await r.page.click(`button[data-cell="code_generations × ${MODELS[0]}"]`);
    expect(await evaluate<number>(r.page, "Object.keys(Chart.instances).length")).toBe(3);
    expect(r.consoleErrors).toEqual([]);
    expect(await r.cspViolations()).toEqual([]);
    expect(r.requests).toEqual([]);
  });

  it("filters the drill-down by verdict and score, searches it, and shows an example's parts", async () => {
    const r = await open(temp.path("run", "report.html"));
    const model = MODELS[0]!;
    await r.page.click(`button[data-cell="code_generations × ${model}"]`);
    const records = readRecords(temp.path("run")).filter(
      (x) => x.feature === "code_generations" && x.model === model,
    );
    expect(await rows(r.page)).toBe(12);
    const countText = () =>
      evaluate<string>(r.page, "document.querySelector('.count').textContent");
    const failing = records.filter((x) => x.status === "scored" && x.score! < 3).length;
    await r.page.selectOption("select[name=verdict]", "fail");
    expect(await rows(r.page)).toBe(failing);
    expect(await countText()).toBe(`${failing} of 12 examples`);
    await r.page.selectOption("select[name=verdict]", "all");
    await r.page.selectOption("select[name=score]", "1");
    expect(await rows(r.page)).toBe(records.filter((x) => x.score === 1).length);
    await r.page.selectOption("select[name=score]", "any");
    // Worst first: the first row has the lowest score.
    const firstScore = await evaluate<string>(
      r.page,
      "document.querySelector('.examples summary').children[1].textContent",
    );
    expect(firstScore).toBe(`score ${Math.min(...records.map((x) => x.score!))}`);

    const target = records[5]!;
    await r.page.fill("input[name=search]", target.exampleId);
    expect(await rows(r.page)).toBe(1);
    await r.page.click(".examples summary");
    await r.page.waitForSelector(".example-body"); // "toggle" fires after the click, as a task
    const texts = await evaluate<string[]>(
      r.page,
      "Array.from(document.querySelectorAll('.example-body pre')).map((p) => p.textContent)",
    );
    expect(texts[0]).toBe(JSON.stringify(target.inputs, null, 2));
    expect(texts).toContain(target.response);
    expect(texts).toContain(target.reference);
    expect(texts).toContain(target.judges![0]!.explanation);
    const prompt = readFileSync(temp.path("run", "prompts.jsonl"), "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l))
      .find((p) => p.hash === target.promptHash);
    for (const m of prompt.messages) expect(texts).toContain(m.content);
    await r.page.fill("input[name=search]", "no example has this text");
    expect(await rows(r.page)).toBe(0);
    expect(r.consoleErrors).toEqual([]);
  });

  it("shows injection payloads as text: nothing runs, loads, or changes the page", async () => {
    const records = readRecords(temp.path("run")).filter((x) => x.feature === "payloads");
    // The payloads reached the responses, not only the inputs.
    expect(records.some((x) => x.response?.includes("<script>window.__pwned = 1</script>"))).toBe(
      true,
    );
    const r = await open(temp.path("run", "report.html"));
    for (const model of MODELS) {
      await r.page.click(`button[data-cell="payloads × ${model}"]`);
      const summaries = await r.page.$$(".examples summary");
      expect(summaries).toHaveLength(PAYLOADS.length);
      for (const s of summaries) await s.click();
      // Polled through evaluate: waitForFunction with a string would need 'unsafe-eval', which the CSP forbids.
      await expect
        .poll(() => evaluate<number>(r.page, "document.querySelectorAll('.example-body').length"))
        .toBe(PAYLOADS.length);
      const shown = await evaluate<string>(
        r.page,
        "document.getElementById('cell-detail').textContent",
      );
      for (const p of PAYLOADS) expect(shown).toContain(p);
      expect(shown).toContain("payload-2-<img src=x onerror=alert(1)>");
    }
    await r.page.waitForTimeout(200); // let any stray onload/onerror fire
    expect(await evaluate<string>(r.page, "typeof window.__pwned")).toBe("undefined");
    expect(r.dialogs).toEqual([]);
    expect(r.requests).toEqual([]);
    expect(r.consoleErrors).toEqual([]);
    expect(await r.cspViolations()).toEqual([]);
    const elements = await evaluate<Record<string, number>>(
      r.page,
      `({ script: document.scripts.length,
          style: document.querySelectorAll("style").length,
          injected: document.querySelectorAll("img, svg, iframe, a, object, embed, link, base, form, body *[onload], body *[onerror]").length,
          bodyShown: getComputedStyle(document.body).display !== "none" })`,
    );
    expect(elements).toEqual({ script: 3, style: 1, injected: 0, bodyShown: true });
  });

  it("builds a 1,000-example cell's rows 50 at a time, and each body only when opened", async () => {
    const r = await open(temp.path("big", "report.html"));
    await r.page.click('button[data-cell="explain × small-model"]');
    expect(await rows(r.page)).toBe(50);
    expect(
      await evaluate<number>(r.page, "document.querySelectorAll('.example-body').length"),
    ).toBe(0);
    await r.page.click("button.more");
    expect(await rows(r.page)).toBe(100);
    const count = await evaluate<string>(r.page, "document.querySelector('.count').textContent");
    expect(count).toBe("1000 of 1000 examples");
    await r.page.selectOption("select[name=error]", "timeout");
    const timeouts = readRecords(temp.path("big")).filter(
      (x) => x.model === "small-model" && x.errorClass === "timeout",
    ).length;
    expect(timeouts).toBeGreaterThan(0);
    expect(await rows(r.page)).toBe(timeouts);
    expect(r.consoleErrors).toEqual([]);
  });
});

describe.skipIf(noBrowser)("report.html themes and printing", () => {
  it("follows prefers-color-scheme, and printing hides the controls", async () => {
    const r = await open(temp.path("big", "report.html"));
    const background = () =>
      evaluate<string>(r.page, "getComputedStyle(document.body).backgroundColor");
    await r.page.emulateMedia({ colorScheme: "light" });
    expect(await background()).toBe("rgb(255, 255, 255)");
    const barColours = () =>
      evaluate<string>(
        r.page,
        "JSON.stringify(Object.values(Chart.instances).map((c) => c.data.datasets[0].backgroundColor))",
      );
    const light = await barColours();
    expect(light).toContain("#1a7f37");
    await r.page.emulateMedia({ colorScheme: "dark" });
    expect(await background()).toBe("rgb(13, 17, 23)");
    // The charts are repainted with the dark theme's colours (the media "change" event is a task).
    await expect
      .poll(barColours)
      .toBe(
        light
          .replaceAll("#1a7f37", "#3fb950")
          .replaceAll("#cf222e", "#f85149")
          .replaceAll("#9a6700", "#d29922"),
      );
    await r.page.click('button[data-cell="explain × large-model"]');
    const filtersShown = () =>
      evaluate<string>(r.page, "getComputedStyle(document.querySelector('.filters')).display");
    expect(await filtersShown()).toBe("flex");
    await r.page.emulateMedia({ media: "print" });
    expect(await filtersShown()).toBe("none");
    expect(await background()).toBe("rgb(255, 255, 255)");
    expect(r.consoleErrors).toEqual([]);
  });
});

describe("browser availability", () => {
  it.runIf(process.env.CI !== undefined)("has Chromium in CI", () => {
    expect(noBrowser).toBe(false);
  });
});
