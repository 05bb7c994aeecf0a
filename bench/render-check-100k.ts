/**
 * What rendering every planned example before a run's first call costs on a 100,000-example
 * dataset: `loadConfig` + `planSuite` (which reads the dataset once to count and hash it, then
 * streams it again rendering each example with the feature's definition and discarding the
 * prompt), against one bare pass of the dataset reader over the same file. Compiled from src
 * (support/compiled-cli.ts), as users run it.
 *
 *   npx tsx bench/render-check-100k.ts      # EXAMPLES=20000 for a quick look
 *
 * Target: planning ≤ 4 × one dataset read (two reads plus rendering), and it refuses nothing.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Config from "../src/config/index.js";
import type * as Datasets from "../src/datasets/index.js";
import type * as Runner from "../src/runner/index.js";
import { writeBenchSuite } from "./support/bench-suite.js";
import { compileSources } from "./support/compiled-cli.js";
import { report, seconds } from "./support/result-block.js";

const EXAMPLES = Number(process.env["EXAMPLES"] ?? 100_000);
const TARGET = 4;

const build = await compileSources();
const load = (path: string) => import(pathToFileURL(join(build.distDir, path)).href);
const config: typeof Config = await load("config/index.js");
const datasets: typeof Datasets = await load("datasets/index.js");
const runner: typeof Runner = await load("runner/index.js");
// Planning never calls a model: the URL is never dialled.
const suite = await writeBenchSuite({
  examples: EXAMPLES,
  modelConcurrency: 1,
  judgeConcurrency: 1,
  simulatorUrl: "http://127.0.0.1:9",
});
try {
  // Warm the file cache and the JIT once, so neither measurement pays for it alone.
  for await (const _ of datasets.readExamples(suite.dataset, { limit: 1000 })) void _;
  const readStarted = performance.now();
  let read = 0;
  for await (const _ of datasets.readExamples(suite.dataset)) read++;
  const readMs = performance.now() - readStarted;

  const planStarted = performance.now();
  const loaded = await config.loadConfig(suite.entry);
  const plan = await runner.planSuite(
    loaded,
    config.resolveSuite(loaded, undefined),
    {},
    undefined,
  );
  const planMs = performance.now() - planStarted;
  const planned = plan.pairs.reduce((sum, p) => sum + p.planned, 0);
  const ratio = planMs / readMs;
  report({
    name: `render check: ${EXAMPLES.toLocaleString("en")} examples rendered before the first call`,
    measured: `loadConfig + planSuite ${seconds(planMs)} (${((planned * 1000) / planMs).toFixed(0)} examples/s)`,
    ideal: `one dataset read ${seconds(readMs)} (${read.toLocaleString("en")} examples)`,
    ratio,
    target: `ratio ≤ ${TARGET}`,
    pass: ratio <= TARGET && planned === EXAMPLES,
    notes: [`planned cells: ${planned}`],
  });
} finally {
  await suite.cleanup();
  await build.cleanup();
}
