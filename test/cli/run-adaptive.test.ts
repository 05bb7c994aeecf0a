/**
 * `run --adaptive` and `--repeats`/`--reduce` through the real CLI on the simulator: the
 * adaptive run sends fewer calls, gives the full run's verdict wherever that verdict is more
 * than one band from the threshold, ends every planned cell in exactly one record, resumes
 * to the same result, and identical repeats leave the interval where one repeat puts it.
 */
import { truncateSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MatrixEntry } from "../../src/scoring/index.js";
import { readmeBlocks } from "../support/readme-blocks.js";
import {
  BUNDLED_CONFIG,
  duplicateIds,
  outcomesById,
  readManifest,
  readRecords,
  runInProcess,
  STACK_FRAME,
  type TempDir,
  tempDir,
  zeroLatencyProfile,
} from "./run-test-support.js";

/** The bundled profile, latencies and all. */
const BUNDLED = [
  "run",
  "--config",
  BUNDLED_CONFIG,
  "--simulate",
  "--quiet",
  "--no-cache",
  "--features",
  "generate_commit_message",
];
/** BUNDLED on the zero-latency profile (set in beforeAll). */
const BASE = [...BUNDLED];

let temp: TempDir;
/** The README's two commands, as argv after `evalgate`. */
let readmeAdaptive: string[];
let readmeRepeats: string[];
/**
 * What the README leaves out: the test's config path, no cache, no progress, a temp folder,
 * and (set in beforeAll) the bundled profile without its latencies, which change no answer.
 */
const QUIET = ["--config", BUNDLED_CONFIG, "--quiet", "--no-cache"];
async function run(argv: string[]) {
  const r = await runInProcess(argv, temp.dir);
  expect(r.err).not.toMatch(STACK_FRAME);
  return r;
}
async function matrix(dir: string): Promise<MatrixEntry[]> {
  return (await readManifest(temp.path(dir))).summary.matrix;
}
const sentCells = (entries: MatrixEntry[]) =>
  entries.reduce((s, e) => s + e.scored + e.unscored + e.errors, 0);

beforeAll(async () => {
  temp = await tempDir("evalgate-adaptive-");
  const fast = ["--simulate-profile", await zeroLatencyProfile(temp.path("profile.yaml"))];
  BASE.push(...fast);
  QUIET.push(...fast);
  const [commands] = await readmeBlocks("#### Repeats, reducers and adaptive runs");
  [readmeAdaptive, readmeRepeats] = commands!
    .trim()
    .split("\n")
    .map((line) => line.split(" ").slice(1)) as [string[], string[]];
  const full = await run([...BASE, "--out", temp.path("full")]);
  expect(full.code).toBe(0);
  // The README's adaptive command, as written.
  expect(readmeAdaptive).toEqual([
    "run",
    "--simulate",
    "--features",
    "generate_commit_message",
    "--adaptive",
  ]);
  const adaptive = await run([...readmeAdaptive, ...QUIET, "--out", temp.path("adaptive")]);
  expect(adaptive.code).toBe(0);
}, 120_000);
afterAll(() => temp?.cleanup());

describe("run --adaptive", () => {
  it("sends fewer calls and keeps every verdict more than one band from the threshold", async () => {
    const full = await matrix("full");
    const adaptive = await matrix("adaptive");
    // The simulator is deterministic and the order seeded, so the counts are exact.
    expect(sentCells(full)).toBe(700);
    expect(sentCells(adaptive)).toBe(496);
    for (const f of full) {
      const a = adaptive.find((e) => e.feature === f.feature && e.model === f.model)!;
      if (Math.abs(f.passRate! - f.threshold) > f.yellowBand + 1e-9) {
        expect(`${a.model}: ${a.verdict}`).toBe(`${f.model}: ${f.verdict}`);
      }
      expect(a.missing).toBe(0);
      expect(a.errors).toBe(0);
      if (a.adaptiveStop) {
        // A window of 2 on 100 examples (⌈100/50⌉): the one example past the stop's that
        // may already have been sent is always completed, the rest skipped.
        expect(a.adaptiveStop.afterExamples + 1 + a.skipped).toBe(a.n);
        expect(a.adaptiveStop.verdict).toBe(a.verdict);
        expect(a.adaptiveStop).toMatchObject({ examples: 100, confidence: 0.95, seed: 1 });
      } else {
        expect(a.skipped).toBe(0);
      }
    }
    expect(adaptive.filter((e) => e.adaptiveStop).map((e) => e.model)).toEqual([
      "mixtral-8x7b-vllm",
      "codestral-22b-vllm",
      "claude-3-5-sonnet",
      "claude-3-5-haiku",
      "gpt-4o",
    ]);
  });

  it("ends every planned cell in exactly one terminal record and records the seed", async () => {
    const records = readRecords(temp.path("adaptive"));
    expect(records).toHaveLength(700);
    expect(duplicateIds(records)).toEqual([]);
    const skipped = records.filter((r) => r.status === "skipped");
    expect(skipped).toHaveLength(204);
    expect(new Set(skipped.map((r) => r.reason))).toEqual(new Set(["adaptive_stop"]));
    const manifest = await readManifest(temp.path("adaptive"));
    expect(manifest.invocation.adaptive).toEqual({ seed: 1, confidence: 0.95 });
    expect(manifest.complete).toBe(true);
    expect(manifest.summary.totals.missing).toBe(0);
  });

  it("resumes an interrupted adaptive run to the same records", async () => {
    const dir = temp.path("resumed");
    // With the bundled latencies and jitter, calls finish in another order than in the
    // zero-latency run above; the records must still be the same.
    const first = await run([...BUNDLED, "--adaptive", "--out", dir]);
    expect(first.code).toBe(0);
    // Cut the journal back to its first 60 records, as a kill would have left it.
    const text = await readFile(`${dir}/journal.jsonl`, "utf8");
    const keep = text.split("\n").slice(0, 60).join("\n").length + 1;
    truncateSync(`${dir}/journal.jsonl`, keep);
    const manifest = await readManifest(dir);
    await writeFile(`${dir}/run.json`, JSON.stringify({ ...manifest, complete: false }));
    const resumed = await run(["run", "--resume", dir, "--quiet", "--no-cache"]);
    expect(resumed.code).toBe(0);
    const records = readRecords(dir);
    expect(duplicateIds(records)).toEqual([]);
    expect(outcomesById(records)).toEqual(outcomesById(readRecords(temp.path("adaptive"))));
    const decided = (entries: MatrixEntry[]) =>
      entries.map(({ verdict, passRate, scored, skipped, adaptiveStop }) => ({
        verdict,
        passRate,
        scored,
        skipped,
        adaptiveStop,
      }));
    expect(decided(await matrix("resumed"))).toEqual(decided(await matrix("adaptive")));
  }, 60_000);

  it("refuses what it cannot honour, naming the fix (exit 2)", async () => {
    const repeats = await run([...BASE, "--adaptive", "--repeats", "2", "--out", temp.path("x")]);
    expect(repeats.code).toBe(2);
    expect(repeats.err).toContain("add --reduce majority");
    const seed = await run([...BASE, "--seed", "3", "--out", temp.path("y")]);
    expect(seed.code).toBe(2);
    expect(seed.err).toContain("--seed only apply with --adaptive");
    const shard = await run([...BASE, "--adaptive", "--shard", "1/2", "--out", temp.path("z")]);
    expect(shard.code).toBe(2);
    expect(shard.err).toContain("--adaptive cannot be combined with --shard");
    const reduce = await run([...BASE, "--reduce", "best", "--out", temp.path("w")]);
    expect(reduce.code).toBe(2);
    expect(reduce.err).toContain("--reduce takes one of mean, median, majority, worst, pass^k");
  });
});

describe("--repeats on the simulator at temperature 0", () => {
  it("identical repeats give exactly the one-repeat interval, and no flaky examples", async () => {
    const models = ["--models", "mistral-7b-vllm,gpt-4o"];
    expect((await run([...BASE, ...models, "--out", temp.path("r1")])).code).toBe(0);
    // The README's repeats command, as written.
    expect(readmeRepeats.slice(-6)).toEqual([
      "--models",
      "mistral-7b-vllm,gpt-4o",
      "--repeats",
      "3",
      "--reduce",
      "majority",
    ]);
    expect((await run([...readmeRepeats, ...QUIET, "--out", temp.path("r3")])).code).toBe(0);
    const one = await matrix("r1");
    const three = await matrix("r3");
    expect(three.map((e) => e.interval)).toEqual(one.map((e) => e.interval));
    expect(three.map((e) => e.passRate)).toEqual(one.map((e) => e.passRate));
    expect(three.map((e) => [e.reduce, e.intervalMethod, e.flakyExamples])).toEqual([
      ["majority", "wilson-reduced", []],
      ["majority", "wilson-reduced", []],
    ]);
    expect(three.map((e) => e.stability?.meanAgreement)).toEqual([1, 1]);
    expect(one.map((e) => e.stability)).toEqual([null, null]);
  }, 60_000);
});
