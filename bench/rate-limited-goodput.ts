/**
 * Goodput under a server-side rate limit: the simulated model answers 429 with Retry-After
 * (and retry-after-ms) above 50 requests/second (profile `limits.max_rps: 50`, a token bucket
 * with one second of burst). The judge is unlimited, so the number measured is how well the
 * runner's queue, AIMD and retry layer track the model endpoint's limit, not a second limit
 * interfering. The model has 20 ms latency and the client's configured concurrency is 32, so
 * the client could send far more than 50/s and must be held back by the 429s alone.
 *
 *   npx tsx bench/rate-limited-goodput.ts
 *
 * Goodput = successful model calls ÷ wall time of the run (simulator stats). Ideal = the
 * limit, 50/s (the one-second burst at the start is allowed to count: it is what the server
 * grants). Target: goodput ≥ 90% of 50/s, and every cell has exactly one terminal record.
 */
import { writeBenchAnswerKey, writeBenchSuite } from "./support/bench-suite.js";
import { compiledHarness } from "./support/harness-run.js";
import { report, seconds } from "./support/result-block.js";
import { startSimulatorProcess } from "./support/simulator-process.js";

const MAX_RPS = 50;
const EXAMPLES = 1_200;
const TARGET = 0.9;

const harness = await compiledHarness();
const answers = await writeBenchAnswerKey(EXAMPLES);
const simulator = await startSimulatorProcess(
  {
    models: {
      "bench-model": { latency_ms: 20, quality: 0.8, limits: { max_rps: MAX_RPS } },
      "bench-judge": { role: "judge", latency_ms: 20 },
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
try {
  const before = await simulator.stats();
  const run = await harness.run(suite.entry);
  const after = await simulator.stats();
  const outcome = (key: "ok" | "429") =>
    (after.models["bench-model"]?.outcomes[key] ?? 0) -
    (before.models["bench-model"]?.outcomes[key] ?? 0);
  const okCalls = outcome("ok");
  const rejected = outcome("429");
  const goodput = (okCalls * 1000) / run.wallMs;
  const ratio = goodput / MAX_RPS;
  const oneRecordEach = run.journal.records === EXAMPLES && run.journal.distinctCells === EXAMPLES;
  report({
    name: `rate-limited goodput: ${EXAMPLES} cells, model limited to ${MAX_RPS} req/s (429 + Retry-After above it)`,
    measured: `${goodput.toFixed(1)} successful model calls/s (${okCalls} in ${seconds(run.wallMs)})`,
    ideal: `${MAX_RPS} calls/s (the server's limit)`,
    ratio,
    target: `ratio >= ${TARGET} and exactly one terminal record per cell`,
    pass: ratio >= TARGET && oneRecordEach,
    notes: [
      `429s answered: ${rejected} (${(rejected / Math.max(1, okCalls)).toFixed(2)} per success)`,
      `journal: ${run.journal.records} records, ${run.journal.distinctCells} distinct cells of ${EXAMPLES}, ${JSON.stringify(run.journal.byStatus)}`,
      "judge endpoint unlimited; model concurrency 32 (configured), 20 ms latency; simulator in a child process",
    ],
  });
} finally {
  await suite.cleanup();
  await simulator.close();
  await answers.cleanup();
  await harness.cleanup();
}
