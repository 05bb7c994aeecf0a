/**
 * Throughput with zero latency: the harness's judged examples per second against a bare
 * loop making the same SDK calls (bench/support/bare-loop.ts) to the same simulator, in the
 * same process arrangement (simulator in a child process, client in this one), measured in
 * the same run. The harness is `src` compiled by tsc, as users run it (support/harness-run.ts).
 * Both warm up first with a full-size run; each is then run ROUNDS times, alternating.
 *
 * What is compared: the client's CPU time per judged example (process.cpuUsage of the
 * harness process against this process's for the bare loop), median of the rounds. The
 * client's CPU is what limits both sides here, and unlike wall time on a shared machine
 * (which swung 2–3× between runs and made a "best of 5" pass by luck) it is stable within
 * about 10%. The median throughput ratio of the interleaved rounds is printed beside it.
 *
 *   npx tsx bench/throughput-vs-bare-loop.ts
 *
 * Concurrency: the harness gets limits.concurrency 32 on the model and 32 on the judge; the
 * bare loop gets a pool of 64 workers (each: model call, then judge call), i.e. the same 64
 * calls in flight at most. Target: harness CPU per judged example ≤ 1.15× the bare loop's.
 *
 * The harness sends the calls that got a slot in one event-loop turn together
 * (src/runner/send-batch.ts), which saves the plain loop's per-send wakeups and can put it
 * below the plain loop. A third side, the bare loop batching its sends the same way, is run
 * in each round too and its ratio printed: that one is the harness's own per-call work.
 */

import { runBareLoop } from "./support/bare-loop.js";
import { writeBenchAnswerKey, writeBenchSuite } from "./support/bench-suite.js";
import { compiledHarness } from "./support/harness-run.js";
import { report } from "./support/result-block.js";
import { startSimulatorProcess } from "./support/simulator-process.js";

const EXAMPLES = 2_000;
const WARMUP_EXAMPLES = 2_000;
const CONCURRENCY = 32;
const ROUNDS = 7;
const TARGET = 1.15;

function cpuMicros(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

const harness = await compiledHarness();
const answers = await writeBenchAnswerKey(Math.max(EXAMPLES, WARMUP_EXAMPLES));
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
  await harness.run(warmup.entry);
  await runBareLoop(simulator.url, WARMUP_EXAMPLES, CONCURRENCY * 2, { batchSends: true });
  const harnessRates: number[] = [];
  const bareRates: number[] = [];
  const harnessCpu: number[] = [];
  const bareCpu: number[] = [];
  const batchedCpu: number[] = [];
  const simulatorCpu = { harness: [] as number[], bare: [] as number[] };
  let complete = true;
  for (let round = 0; round < ROUNDS; round++) {
    const cpu = process.cpuUsage();
    let simulatorBefore = simulator.cpuMicros();
    const bare = await runBareLoop(simulator.url, EXAMPLES, CONCURRENCY * 2);
    bareCpu.push(cpuMicros(cpu) / EXAMPLES);
    simulatorCpu.bare.push((simulator.cpuMicros() - simulatorBefore) / EXAMPLES);
    bareRates.push((bare.judged * 1000) / bare.wallMs);
    const batchedStart = process.cpuUsage();
    const batched = await runBareLoop(simulator.url, EXAMPLES, CONCURRENCY * 2, {
      batchSends: true,
    });
    batchedCpu.push(cpuMicros(batchedStart) / EXAMPLES);
    simulatorBefore = simulator.cpuMicros();
    const run = await harness.run(suite.entry);
    harnessCpu.push(run.cpuMicros / EXAMPLES);
    simulatorCpu.harness.push((simulator.cpuMicros() - simulatorBefore) / EXAMPLES);
    const judged = run.journal.byStatus["scored"] ?? 0;
    harnessRates.push((judged * 1000) / run.wallMs);
    complete &&=
      run.journal.distinctCells === EXAMPLES &&
      bare.judged === EXAMPLES &&
      batched.judged === EXAMPLES;
  }
  const harnessCpuMedian = median(harnessCpu);
  const bareCpuMedian = median(bareCpu);
  const ratio = harnessCpuMedian / bareCpuMedian;
  const batchedCpuMedian = median(batchedCpu);
  const list = (values: number[]) => values.map((r) => r.toFixed(0)).join(", ");
  report({
    name: `client CPU per judged example vs bare loop: ${EXAMPLES} examples, zero latency, median of ${ROUNDS} interleaved rounds`,
    measured: `harness ${harnessCpuMedian.toFixed(0)} µs per judged example (rounds: ${list(harnessCpu)})`,
    ideal: `bare loop ${bareCpuMedian.toFixed(0)} µs per judged example (rounds: ${list(bareCpu)})`,
    ratio,
    target: `ratio <= ${TARGET}`,
    pass: ratio <= TARGET && complete,
    notes: [
      `both warmed up first (${WARMUP_EXAMPLES} examples each), rounds alternate harness and bare loop; cache off; simulator in a child process; harness compiled by tsc`,
      `throughput, median of the rounds: harness ${median(harnessRates).toFixed(1)}/s (${list(harnessRates)}), bare loop ${median(bareRates).toFixed(1)}/s (${list(bareRates)}); ratio ${(median(harnessRates) / median(bareRates)).toFixed(3)}`,
      `against a bare loop that also batches its sends per event-loop turn (as the harness's endpoint queues do): ${batchedCpuMedian.toFixed(0)} µs per judged example (rounds: ${list(batchedCpu)}); ratio ${(harnessCpuMedian / batchedCpuMedian).toFixed(3)} — the harness's own per-call work`,
      `simulator CPU per judged example (median): during harness runs ${median(simulatorCpu.harness).toFixed(0)} µs, during bare runs ${median(simulatorCpu.bare).toFixed(0)} µs`,
      `every run judged all ${EXAMPLES} examples: ${complete ? "yes" : "NO"}`,
    ],
  });
} finally {
  await suite.cleanup();
  await warmup.cleanup();
  await simulator.close();
  await answers.cleanup();
  await harness.cleanup();
}
