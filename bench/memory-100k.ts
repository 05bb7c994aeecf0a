/**
 * Peak memory of a 100,000-example run (one model call + one judge call each, zero latency):
 * the real CLI (`evalgate run --no-cache --quiet`, reports included), compiled from src into a
 * temp folder and run with plain node in a process of its own, which reports its RSS
 * high-water mark (process.resourceUsage().maxRSS, checked against /proc/self/status VmHWM)
 * as it exits (bench/support/report-peak-rss.mjs). The simulator runs in another process.
 * Inputs are small on purpose (a one-line snippet and a one-line reference per example): the
 * benchmark is about what the runner holds per cell, not about the size of the dataset file.
 *
 *   npx tsx bench/memory-100k.ts            # EXAMPLES=20000 npx tsx bench/memory-100k.ts for a quick look
 *
 * Target: peak RSS < 250 MB, and the journal holds exactly 100,000 records (one per cell).
 * Takes about 4–6 minutes on a 2-core machine.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { journalPathIn } from "../src/runner/index.js";
import { writeBenchAnswerKey, writeBenchSuite } from "./support/bench-suite.js";
import { compileCli } from "./support/compiled-cli.js";
import { summariseJournal } from "./support/harness-run.js";
import { report, seconds } from "./support/result-block.js";
import { startSimulatorProcess } from "./support/simulator-process.js";

const EXAMPLES = Number(process.env["EXAMPLES"] ?? 100_000);
const LIMIT_MB = 250;

const cli = await compileCli();
const answers = await writeBenchAnswerKey(EXAMPLES);
const simulator = await startSimulatorProcess(
  {
    models: {
      "bench-model": { latency_ms: 0, quality: 0.8 },
      "bench-judge": { role: "judge", latency_ms: 0 },
    },
  },
  answers.key,
);
const suite = await writeBenchSuite({
  examples: EXAMPLES,
  modelConcurrency: 32,
  judgeConcurrency: 32,
  simulatorUrl: simulator.url,
});
const outDir = await mkdtemp(join(tmpdir(), "evalgate-bench-mem-"));
try {
  const child = await cli.run([
    "run",
    "--config",
    suite.entry,
    "--out",
    join(outDir, "run"),
    "--no-cache",
    "--quiet",
  ]);
  const journal = await summariseJournal(journalPathIn(join(outDir, "run")));
  const peakMb = child.maxRssKb / 1024;
  const complete = journal.records === EXAMPLES && journal.distinctCells === EXAMPLES;
  report({
    name: `memory: ${EXAMPLES.toLocaleString("en")} examples (model + judge), zero latency, evalgate run in a child process`,
    measured: `peak RSS ${peakMb.toFixed(1)} MB (maxRSS; VmHWM ${((child.vmHwmKb ?? 0) / 1024).toFixed(1)} MB)`,
    ideal: `< ${LIMIT_MB} MB`,
    ratio: peakMb / LIMIT_MB,
    target: `ratio < 1 and ${EXAMPLES.toLocaleString("en")} journal records, one per cell`,
    pass: peakMb < LIMIT_MB && complete && child.exitCode === 0,
    notes: [
      `journal: ${journal.records} records, ${journal.distinctCells} distinct cells, ${JSON.stringify(journal.byStatus)}`,
      `run took ${seconds(child.wallMs)} (${((EXAMPLES * 1000) / child.wallMs).toFixed(0)} examples/s, plan + run + reports); exit code ${child.exitCode}`,
      ...(child.exitCode === 0 ? [] : [`stderr: ${child.stderr}`]),
    ],
  });
} finally {
  await rm(outDir, { recursive: true, force: true });
  await suite.cleanup();
  await simulator.close();
  await answers.cleanup();
  await cli.cleanup();
}
