/**
 * Latency-bound run: every call takes 200 ms (no jitter), 32 concurrent calls allowed on the
 * model endpoint and 32 on the judge endpoint, 500 examples (one model call + one judge call
 * each). When latency dominates, the harness should keep both endpoints full all the time.
 *
 *   npx tsx bench/latency-bound.ts
 *
 * Ideal = busiest endpoint's calls × latency ÷ its concurrency + one latency (the pipeline
 * filling: the last model answers still need their judge call). Call counts come from the
 * simulator's stats() for this very run. Target: wall time ≤ 1.15 × ideal.
 *
 * One 64-example warm-up run goes first (module loading, JIT, connection set-up are start-up
 * costs, not scheduling), then the suite runs RUNS times and the best run is compared: other
 * processes on a shared machine can only make a run slower.
 */
import { writeBenchAnswerKey, writeBenchSuite } from "./support/bench-suite.js";
import { compiledHarness, type HarnessRun } from "./support/harness-run.js";
import { report, seconds } from "./support/result-block.js";
import { startSimulatorProcess } from "./support/simulator-process.js";

const LATENCY_MS = 200;
const CONCURRENCY = 32;
const EXAMPLES = 500;
const TARGET = 1.15;
const RUNS = 3;

const harness = await compiledHarness();
const answers = await writeBenchAnswerKey(EXAMPLES);
const simulator = await startSimulatorProcess(
  {
    models: {
      "bench-model": { latency_ms: LATENCY_MS, jitter_ms: 0, quality: 0.8 },
      "bench-judge": { role: "judge", latency_ms: LATENCY_MS, jitter_ms: 0 },
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
const warmUp = await writeBenchSuite({
  examples: 64,
  modelConcurrency: CONCURRENCY,
  judgeConcurrency: CONCURRENCY,
  simulatorUrl: simulator.url,
});
try {
  await harness.run(warmUp.entry);
  let best:
    | {
        run: HarnessRun;
        before: Awaited<ReturnType<typeof simulator.stats>>;
        after: Awaited<ReturnType<typeof simulator.stats>>;
      }
    | undefined;
  const walls: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const before = await simulator.stats();
    const run = await harness.run(suite.entry);
    const after = await simulator.stats();
    walls.push(run.wallMs);
    if (!best || run.wallMs < best.run.wallMs) best = { run, before, after };
  }
  const { run, before, after } = best!;
  const calls = (name: string) =>
    (after.models[name]?.requests ?? 0) - (before.models[name]?.requests ?? 0);
  const modelCalls = calls("bench-model");
  const judgeCalls = calls("bench-judge");
  const busiest = Math.max(modelCalls, judgeCalls);
  const idealMs = (busiest * LATENCY_MS) / CONCURRENCY + LATENCY_MS;
  const ratio = run.wallMs / idealMs;
  report({
    name: "latency-bound: 500 examples, 200 ms per call, concurrency 32 + 32",
    measured: `${seconds(run.wallMs)} wall (runSuite), ${run.journal.records} records`,
    ideal: `${seconds(idealMs)} = ${busiest} calls × ${LATENCY_MS} ms ÷ ${CONCURRENCY} + ${LATENCY_MS} ms`,
    ratio,
    target: `ratio <= ${TARGET}`,
    pass: ratio <= TARGET && run.journal.distinctCells === EXAMPLES,
    notes: [
      `simulator calls: model ${modelCalls}, judge ${judgeCalls}; peak concurrency model ${after.models["bench-model"]?.peakConcurrency}, judge ${after.models["bench-judge"]?.peakConcurrency}`,
      `journal: ${JSON.stringify(run.journal.byStatus)}, ${run.journal.distinctCells} distinct cells of ${EXAMPLES}`,
      `planning (not in wall time): ${seconds(run.planMs)}; simulator in a child process`,
      `best of ${RUNS} after a 64-example warm-up; runs: ${walls.map((w) => seconds(w)).join(", ")}`,
    ],
  });
} finally {
  await warmUp.cleanup();
  await suite.cleanup();
  await simulator.close();
  await answers.cleanup();
  await harness.cleanup();
}
