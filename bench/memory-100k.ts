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
 * Then `evalgate report DIR` rebuilds every report from that 100,000-record journal in a
 * process of its own, measured the same way. Both print which report files they wrote and
 * which of the fields reports need (inputs, reference, response, judges, the rendered
 * prompt's hash) the records carry, so the run measured is the one with everything in it.
 *
 * Target: peak RSS < 250 MB for the run and for the report rebuild, and the journal holds
 * exactly 100,000 records (one per cell). Takes about 5–7 minutes on a 2-core machine.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { journalPathIn } from "../src/runner/index.js";
import { writeBenchAnswerKey, writeBenchSuite } from "./support/bench-suite.js";
import { compileCli } from "./support/compiled-cli.js";
import { summariseJournal } from "./support/harness-run.js";
import { report, seconds } from "./support/result-block.js";
import { startSimulatorProcess } from "./support/simulator-process.js";

const EXAMPLES = Number(process.env["EXAMPLES"] ?? 100_000);
const LIMIT_MB = 250;
/** Report files a run folder should hold (some arrive with the report formats of issue 10). */
const REPORT_FILES = [
  "run.json",
  "summary.md",
  "report.html",
  "junit.xml",
  "metrics.txt",
  "gl-code-quality-report.json",
];
/** Record fields the reports need; which exact names carry them depends on the record format. */
const RECORD_FIELDS = ["inputs", "reference", "response", "judges", "promptHash", "messagesHash"];

async function firstRecordFields(file: string): Promise<string[]> {
  const lines = createInterface({ input: createReadStream(file, "utf8") });
  for await (const line of lines) {
    lines.close();
    return Object.keys(JSON.parse(line) as object);
  }
  return [];
}

async function folderListing(dir: string): Promise<string> {
  const names = (await readdir(dir)).sort();
  const sizes = await Promise.all(names.map(async (n) => (await stat(join(dir, n))).size));
  return names.map((n, i) => `${n} ${(sizes[i]! / 1048576).toFixed(1)} MB`).join(", ");
}

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
  const runDir = join(outDir, "run");
  const journal = await summariseJournal(journalPathIn(runDir));
  const peakMb = child.maxRssKb / 1024;
  const complete = journal.records === EXAMPLES && journal.distinctCells === EXAMPLES;
  const fields = await firstRecordFields(journalPathIn(runDir));
  const present = new Set(await readdir(runDir));
  const recordNote = `record fields reports need: ${RECORD_FIELDS.map((f) => `${f} ${fields.includes(f) ? "yes" : "no"}`).join(", ")} (all: ${fields.join(", ")})`;
  const filesNote = `run folder: ${await folderListing(runDir)}; missing report files: ${REPORT_FILES.filter((f) => !present.has(f)).join(", ") || "none"}`;
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
      recordNote,
      filesNote,
      ...(child.exitCode === 0 ? [] : [`stderr: ${child.stderr}`]),
    ],
  });
  // Rebuilding every report from the 100k-record journal alone, in a process of its own.
  const rebuilt = await cli.run(["report", runDir]);
  const reportPeakMb = rebuilt.maxRssKb / 1024;
  report({
    name: `memory: evalgate report over the ${EXAMPLES.toLocaleString("en")}-record journal, in a child process`,
    measured: `peak RSS ${reportPeakMb.toFixed(1)} MB (maxRSS; VmHWM ${((rebuilt.vmHwmKb ?? 0) / 1024).toFixed(1)} MB)`,
    ideal: `< ${LIMIT_MB} MB`,
    ratio: reportPeakMb / LIMIT_MB,
    target: "ratio < 1",
    pass: reportPeakMb < LIMIT_MB && rebuilt.exitCode === 0,
    notes: [
      `took ${seconds(rebuilt.wallMs)}; exit code ${rebuilt.exitCode}`,
      `run folder after: ${await folderListing(runDir)}`,
      ...(rebuilt.exitCode === 0 ? [] : [`stderr: ${rebuilt.stderr}`]),
    ],
  });
} finally {
  await rm(outDir, { recursive: true, force: true });
  await suite.cleanup();
  await simulator.close();
  await answers.cleanup();
  await cli.cleanup();
}
