/**
 * How many calls `run --adaptive` saves, and how often its verdict differs from the full
 * run's.
 *
 *   npx tsx bench/adaptive.ts            # ~1 min on 2 cores
 *   SEEDS=50 npx tsx bench/adaptive.ts   # quicker look
 *
 * Part 1, the simulator's scoring model sampled directly (no HTTP): a simulated model
 * answers close to the reference with probability `quality`, and the judge rates those 3–4
 * and the rest 1–2, so each example passes with probability p. For each true rate p and
 * dataset size N, SEEDS datasets are drawn; each is run in full and adaptively with the very
 * rule `run --adaptive` uses (src/cli/adaptive-rule.ts: seeded order, finite-population
 * confidence sequence at 95%, prior centred on the threshold, the run's window of in-flight
 * examples). Threshold 0.8, yellow band 0.1, as the bundled features. Results are grouped
 * by distance of p from the threshold in bands; the target applies to rates more than one
 * band away (p < 0.7 or p > 0.9): ≥ 40% fewer calls with ≤ 1% flipped verdicts.
 *
 * Part 2, the demo suite through the real CLI on the simulator: `run --simulate` against
 * `run --simulate --adaptive`, counting the calls each made (one model and one judge call per
 * scored cell; `skipped` cells make none) and comparing verdicts pair by pair. The brief's
 * target there is ≥ 25% fewer calls and the same verdicts where the full run is more than one
 * band from the threshold; the script prints what it measures against that target. Seed 1 is
 * `--adaptive`'s default; since the saving depends on the order drawn, the same rule is then
 * replayed on the full run's own outcomes (each pair's examples in the order seed s gives,
 * stopping where the rule settles, plus the examples in flight) for seeds 1–30, and the
 * spread is printed beside it.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adaptiveRuleFor } from "../src/cli/adaptive-rule.js";
import { main } from "../src/cli/evalgate.js";
import type { AdaptiveRule, PlannedPair } from "../src/runner/index.js";
import { type MatrixEntry, seededRandom, verdictRegion } from "../src/scoring/index.js";

// The AWS SDK's Node-version notice is not a result.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const THRESHOLD = 0.8;
const BAND = 0.1;
const SEEDS = Number(process.env.SEEDS ?? 200);
const SIZES = [100, 400];
const RATES = [0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.98];

type BandName = "within 1 band" | "1–2 bands" | "over 2 bands";
function bandOf(p: number): BandName {
  const distance = p >= THRESHOLD ? p - THRESHOLD : THRESHOLD - p;
  if (distance <= BAND + 1e-9) return "within 1 band";
  if (distance <= 2 * BAND + 1e-9) return "1–2 bands";
  return "over 2 bands";
}

const pair = { threshold: THRESHOLD, yellowBand: BAND } as PlannedPair;
interface Tally {
  runs: number;
  calls: number;
  fullCalls: number;
  flips: number;
}
const tallies = new Map<string, Tally>();
function tally(key: string): Tally {
  let t = tallies.get(key);
  if (!t) {
    t = { runs: 0, calls: 0, fullCalls: 0, flips: 0 };
    tallies.set(key, t);
  }
  return t;
}

/**
 * Examples an adaptive run completes on `outcomes` (0/1, in the run's random order): up to
 * the example the rule settles on, plus the rest of the window that may already have been
 * sent (the run's window, src/runner/adaptive-schedule.ts: ⌈N/50⌉ examples past the prefix).
 */
function examplesRun(outcomes: readonly number[], rule: AdaptiveRule): number {
  const size = outcomes.length;
  const window = Math.ceil(size / 50);
  let passed = 0;
  for (let n = 1; n < size; n++) {
    passed += outcomes[n - 1]!;
    if (n >= 5 && rule.settle(pair, passed, n, size)) return Math.min(size, n + window - 1);
  }
  return size;
}

const started = Date.now();
for (const size of SIZES) {
  for (const rate of RATES) {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const random = seededRandom(seed * 7919 + Math.round(rate * 1000) + size * 13);
      const outcomes = Array.from({ length: size }, () => (random() < rate ? 1 : 0));
      const rule = adaptiveRuleFor({ seed, confidence: 0.95, reduce: "mean" });
      const order = rule.order(
        outcomes.map((o, i) => ({
          id: `e${i}`,
          inputs: {},
          reference: String(o),
          source: { file: "", line: i },
        })),
        "bench",
      );
      const fullRate = outcomes.reduce((s: number, o) => s + o, 0) / size;
      // Examples already in flight when the stop came still finish and count.
      const ran = examplesRun(
        order.map((e) => Number(e.reference)),
        rule,
      );
      let ranPassed = 0;
      for (let i = 0; i < ran; i++) ranPassed += Number(order[i]!.reference);
      const flipped =
        verdictRegion(ranPassed / ran, THRESHOLD, BAND) !==
        verdictRegion(fullRate, THRESHOLD, BAND);
      for (const key of [`${size}|${bandOf(rate)}`, `${size}|p=${rate}`]) {
        const t = tally(key);
        t.runs++;
        t.calls += ran * 2;
        t.fullCalls += size * 2;
        if (flipped) t.flips++;
      }
    }
  }
}
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
process.stdout.write(
  `Part 1: simulator scoring model, ${SEEDS} seeds per rate, threshold ${THRESHOLD}, band ${BAND}, 95% (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
);
let pass = true;
for (const size of SIZES) {
  process.stdout.write(
    `\n  N = ${size} examples per pair\n  ${"rates".padEnd(16)}${"calls saved".padStart(12)}${"flipped".padStart(10)}\n`,
  );
  for (const rate of RATES) {
    const t = tallies.get(`${size}|p=${rate}`)!;
    process.stdout.write(
      `  ${`p=${rate}`.padEnd(16)}${pct(1 - t.calls / t.fullCalls).padStart(12)}${pct(t.flips / t.runs).padStart(10)}\n`,
    );
  }
  for (const band of ["within 1 band", "1–2 bands", "over 2 bands"] as BandName[]) {
    const t = tallies.get(`${size}|${band}`)!;
    const saved = 1 - t.calls / t.fullCalls;
    const flips = t.flips / t.runs;
    process.stdout.write(
      `  ${band.padEnd(16)}${pct(saved).padStart(12)}${pct(flips).padStart(10)}\n`,
    );
  }
  // The target: rates more than one band away from the threshold, together.
  const far = ["1–2 bands", "over 2 bands"].map((b) => tallies.get(`${size}|${b}`)!);
  const farSaved =
    1 - far.reduce((s, t) => s + t.calls, 0) / far.reduce((s, t) => s + t.fullCalls, 0);
  const farFlips = far.reduce((s, t) => s + t.flips, 0) / far.reduce((s, t) => s + t.runs, 0);
  const ok = farSaved >= 0.4 && farFlips <= 0.01;
  if (!ok) pass = false;
  process.stdout.write(
    `  more than one band away: ${pct(farSaved)} fewer calls, ${pct(farFlips)} flipped; target ≥ 40% and ≤ 1%: ${ok ? "PASS" : "FAIL"}\n`,
  );
}

// Part 2: the demo suite through the CLI.
const root = join(import.meta.dirname, "..");
const out = await mkdtemp(join(tmpdir(), "evalgate-bench-adaptive-"));
async function demo(extra: string[]): Promise<{ matrix: MatrixEntry[]; dir: string }> {
  const dir = join(out, extra.length > 0 ? "adaptive" : "full");
  const io = {
    out: () => {},
    err: () => {},
    isTTY: false,
    cwd: root,
    env: { PATH: process.env.PATH, AWS_EC2_METADATA_DISABLED: "true" },
  };
  const code = await main(
    ["run", "--simulate", "--quiet", "--no-cache", "--out", dir, ...extra],
    io,
  );
  if (code !== 0) throw new Error(`evalgate run ${extra.join(" ")} exited ${code}`);
  const manifest = JSON.parse(await readFile(join(dir, "run.json"), "utf8"));
  return { matrix: manifest.summary.matrix as MatrixEntry[], dir };
}

/** The share of calls the rule saves with `seed`, replayed on a full run's outcomes. */
function replaySaved(outcomes: Map<string, Map<string, number>>, seed: number): number {
  const rule = adaptiveRuleFor({ seed, confidence: 0.95, reduce: "mean" });
  let total = 0;
  let used = 0;
  for (const [key, byExample] of outcomes) {
    const [feature] = key.split("\u0000");
    const examples = [...byExample.keys()]
      .sort()
      .map((id, line) => ({ id, inputs: {}, reference: undefined, source: { file: "", line } }));
    const order = rule.order(examples, feature!);
    const size = order.length;
    const ran = examplesRun(
      order.map((e) => byExample.get(e.id)!),
      rule,
    );
    total += size;
    used += ran;
  }
  return 1 - used / total;
}
try {
  const { matrix: full, dir: fullDir } = await demo([]);
  const { matrix: adaptive } = await demo(["--adaptive"]);
  const calls = (entries: MatrixEntry[]) =>
    entries.reduce((s, e) => s + 2 * (e.scored + e.unscored + e.errors), 0);
  const saved = 1 - calls(adaptive) / calls(full);
  let farPairs = 0;
  let farSame = 0;
  let allSame = 0;
  for (const f of full) {
    const a = adaptive.find((e) => e.feature === f.feature && e.model === f.model)!;
    if (a.verdict === f.verdict) allSame++;
    if (f.passRate !== null && Math.abs(f.passRate - f.threshold) > f.yellowBand + 1e-9) {
      farPairs++;
      if (a.verdict === f.verdict) farSame++;
    }
  }
  const outcomes = new Map<string, Map<string, number>>();
  for (const line of (await readFile(join(fullDir, "journal.jsonl"), "utf8")).split("\n")) {
    if (!line) continue;
    const r = JSON.parse(line) as {
      status: string;
      feature: string;
      model: string;
      exampleId: string;
      score?: number;
    };
    if (r.status !== "scored" || r.score === undefined) continue;
    const key = `${r.feature}\u0000${r.model}`;
    if (!outcomes.has(key)) outcomes.set(key, new Map());
    outcomes.get(key)!.set(r.exampleId, r.score >= 3 ? 1 : 0);
  }
  const spread = Array.from({ length: 30 }, (_, i) => replaySaved(outcomes, i + 1)).sort(
    (x, y) => x - y,
  );
  const ok = saved >= 0.25 && farSame === farPairs;
  if (!ok) pass = false;
  process.stdout.write(
    `\nPart 2: demo suite through evalgate run --simulate (seed 1, 95%)\n  calls: full ${calls(full)}, adaptive ${calls(adaptive)} → ${pct(saved)} fewer\n  same verdict: ${allSame}/${full.length} pairs; ${farSame}/${farPairs} of those more than one band from the threshold\n  replayed on the full run's outcomes, seeds 1–30: ${pct(spread[0]!)} to ${pct(spread[29]!)} fewer (median ${pct(spread[15]!)})\n  target ≥ 25% fewer calls and every far pair the same: ${ok ? "PASS" : "FAIL"}\n`,
  );
} finally {
  await rm(out, { recursive: true, force: true });
}
process.exitCode = pass ? 0 : 1;
