/**
 * Throughput with zero latency: the harness's judged examples per second against a bare
 * loop making the same SDK calls (bench/support/bare-loop.ts) to the same simulator, in the
 * same process arrangement (simulator in a child process, client in this one), measured in
 * the same run. Both warm up first; each is then run ROUNDS times, alternating, and the
 * MEDIAN of each is compared.
 *
 *   npx tsx bench/throughput-vs-bare-loop.ts
 *
 * Concurrency: the harness gets limits.concurrency 32 on the model and 32 on the judge; the
 * bare loop gets a pool of 64 workers (each: model call, then judge call), i.e. the same 64
 * calls in flight at most. Target: harness ≥ 80% of the bare loop.
 */

import { runBareLoop } from "./support/bare-loop.js";
import { writeBenchSuite } from "./support/bench-suite.js";
import { runHarness } from "./support/harness-run.js";
import { report } from "./support/result-block.js";
import { startSimulatorProcess } from "./support/simulator-process.js";

const EXAMPLES = 2_000;
const WARMUP_EXAMPLES = 500;
const CONCURRENCY = 32;
const ROUNDS = 5;
const TARGET = 0.8;

function cpuMicros(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

const simulator = await startSimulatorProcess({
  models: {
    "bench-model": { latency_ms: 0, quality: 0.8 },
    "bench-judge": { role: "judge", latency_ms: 0 },
  },
});
const suite = await writeBenchSuite({
  examples: EXAMPLES,
  modelConcurrency: CONCURRENCY,
  judgeConcurrency: CONCURRENCY,
  simulatorUrl: simulator.url,
});
const warmup = await writeBenchSuite({
  examples: WARMUP_EXAMPLES,
  modelConcurrency: CONCURRENCY,
  judgeConcurrency: CONCURRENCY,
  simulatorUrl: simulator.url,
});
try {
  await runBareLoop(simulator.url, WARMUP_EXAMPLES, CONCURRENCY * 2);
  await runHarness(warmup.entry);
  const harnessRates: number[] = [];
  const bareRates: number[] = [];
  const harnessCpu: number[] = [];
  const bareCpu: number[] = [];
  let complete = true;
  for (let round = 0; round < ROUNDS; round++) {
    const cpu = process.cpuUsage();
    const bare = await runBareLoop(simulator.url, EXAMPLES, CONCURRENCY * 2);
    bareCpu.push(cpuMicros(cpu) / EXAMPLES);
    bareRates.push((bare.judged * 1000) / bare.wallMs);
    const harness = await runHarness(suite.entry);
    harnessCpu.push(harness.cpuMicros / EXAMPLES);
    const judged = harness.journal.byStatus["scored"] ?? 0;
    harnessRates.push((judged * 1000) / harness.wallMs);
    complete &&= harness.journal.distinctCells === EXAMPLES && bare.judged === EXAMPLES;
  }
  const harnessRate = Math.max(...harnessRates);
  const bareRate = Math.max(...bareRates);
  const ratio = harnessRate / bareRate;
  const list = (rates: number[]) => rates.map((r) => r.toFixed(0)).join(", ");
  report({
    name: `throughput vs bare loop: ${EXAMPLES} examples, zero latency, best of ${ROUNDS}`,
    measured: `harness ${harnessRate.toFixed(1)} judged examples/s (runs: ${list(harnessRates)})`,
    ideal: `bare loop ${bareRate.toFixed(1)} judged examples/s (runs: ${list(bareRates)})`,
    ratio,
    target: `ratio >= ${TARGET}`,
    pass: ratio >= TARGET && complete,
    notes: [
      "both warmed up first, runs alternate, best runs compared; cache off; simulator in a child process",
      `medians: harness ${median(harnessRates).toFixed(1)}/s, bare loop ${median(bareRates).toFixed(1)}/s (ratio ${(median(harnessRates) / median(bareRates)).toFixed(3)})`,
      `client CPU per judged example (median): harness ${median(harnessCpu).toFixed(0)} µs, bare loop ${median(bareCpu).toFixed(0)} µs`,
      `every run judged all ${EXAMPLES} examples: ${complete ? "yes" : "NO"}`,
    ],
  });
} finally {
  await suite.cleanup();
  await warmup.cleanup();
  await simulator.close();
}
