/**
 * The acceptance test: kill the process (SIGKILL) at random points during a run,
 * resume, and check the final journal against an uninterrupted run: same cells, no
 * duplicates. Also Ctrl-C (SIGINT): exit 3, the resume command printed, a valid journal.
 */
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  duplicateIds,
  outcomesById,
  readManifest,
  readRecords,
  runInProcess,
  type SpawnedCli,
  STACK_FRAME,
  seededRandom,
  spawnCli,
  type TempDir,
  tempDir,
  writeRunConfig,
  writeText,
} from "./run-test-support.js";

// The judge shares its Bedrock model id with claude-3-5-sonnet, which owns the profile entry
// (docs/simulator.md), so its latency comes from `defaults`.
const QUALITY = `defaults: { latency_ms: LATENCY, jitter_ms: LATENCY }
models:
  mistral-7b-vllm: { quality: 0.6 }
  codestral-22b-vllm: { quality: 0.85 }
`;
/**
 * 100 cells, more than the run keeps in flight (40), so a Ctrl-C leaves work undone; the judge
 * (concurrency 4) at ~150 ms makes a full run take about 4 s.
 */
const SUITE = `  resumable:
    features: [code_generations, generate_commit_message]
    models: [mistral-7b-vllm, codestral-22b-vllm]
    limit: 25
`;

let temp: TempDir;
let entry: string;
let slowProfile: string;
let reference: Map<string, string>;

beforeAll(async () => {
  temp = await tempDir();
  entry = await writeRunConfig(temp.dir, { suites: SUITE });
  slowProfile = await writeText(temp.path("slow.yaml"), QUALITY.replaceAll("LATENCY", "100"));
  const fastProfile = await writeText(temp.path("fast.yaml"), QUALITY.replaceAll("LATENCY", "1"));
  // The uninterrupted run, in-process; latency never changes a simulated answer.
  const r = await runInProcess(
    ["run", "--config", entry, "--simulate-profile", fastProfile, "--no-cache", "--quiet"].concat([
      "--out",
      "reference",
    ]),
    temp.dir,
  );
  expect(r.code).toBe(0);
  const records = readRecords(temp.path("reference"));
  expect(records).toHaveLength(100);
  reference = outcomesById(records);
});
afterAll(async () => {
  await temp?.cleanup();
});

function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((done) => {
    const started = Date.now();
    const tick = () => {
      if (check()) done(true);
      else if (Date.now() - started > timeoutMs) done(false);
      else setTimeout(tick, 20);
    };
    tick();
  });
}

/** Lines of the journal that are complete records; throws if one is not valid JSON. */
function journalLines(out: string): number {
  const file = `${out}/journal.jsonl`;
  if (!existsSync(file)) return 0;
  return readRecords(out).length;
}

describe("evalgate run killed and resumed", () => {
  it("after a Ctrl-C and SIGKILLs at random points, resumes to the same journal as an uninterrupted run", async () => {
    const out = temp.path("killed");
    const fresh = ["run", "--config", entry, "--simulate-profile", slowProfile, "--out", out];
    const start = (): SpawnedCli =>
      existsSync(`${out}/run.json`)
        ? spawnCli(["run", "--resume", out, "--no-cache", "--quiet"], temp.dir)
        : spawnCli([...fresh, "--no-cache", "--quiet"], temp.dir);
    const random = seededRandom(20250101);
    const sizes: number[] = [];

    // Ctrl-C once records are flowing: in-flight cells finish, exit 3, the resume command.
    const interrupted = start();
    const before = journalLines(out);
    expect(await waitFor(() => journalLines(out) > before, 10_000)).toBe(true);
    interrupted.child.kill("SIGINT");
    const t0 = Date.now();
    const { code } = await interrupted.exited;
    const { out: stdout, err } = interrupted.output();
    // In-flight cells take ~1.5 s; the 10 s grace is a cap, not a wait.
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect(code).toBe(3);
    expect(err).toContain("finish it with: evalgate run --resume killed\n");
    expect(err).not.toMatch(STACK_FRAME);
    expect(stdout).toMatch(/^feature\s+model\s+verdict/m); // the table still prints
    const text = readFileSync(`${out}/journal.jsonl`, "utf8");
    expect(text.endsWith("\n")).toBe(true); // a graceful stop leaves no torn line
    const afterInterrupt = readRecords(out);
    expect(afterInterrupt.length).toBeLessThan(100);
    expect(duplicateIds(afterInterrupt)).toEqual([]);
    const manifest = await readManifest(out);
    expect(manifest.complete).toBe(false);

    // Three SIGKILLs at seeded random moments: the first counted from the spawn (it may land
    // before a record is written), the others from the session's first record.
    for (let i = 0; i < 3; i++) {
      const cli = start();
      const before = journalLines(out);
      if (i > 0) expect(await waitFor(() => journalLines(out) > before, 10_000)).toBe(true);
      const delay = Math.floor(random() * (i === 0 ? 900 : 400));
      await new Promise((r) => setTimeout(r, delay));
      cli.child.kill("SIGKILL");
      const { signal } = await cli.exited;
      sizes.push(journalLines(out));
      // A run that finished before the kill would make this attempt meaningless.
      expect(signal, `kill ${i + 1} after ${delay} ms`).toBe("SIGKILL");
    }

    // Resume to completion.
    const last = start();
    const done = await last.exited;
    expect(done.code, last.output().err).toBe(0);
    const records = readRecords(out);
    expect(duplicateIds(records)).toEqual([]);
    expect(outcomesById(records)).toEqual(reference);
    expect(readFileSync(`${out}/journal.jsonl`, "utf8").endsWith("\n")).toBe(true);
    const final = await readManifest(out);
    expect(final.complete).toBe(true);
    expect(final.summary.totals).toMatchObject({ planned: 100, missing: 0, duplicateRecords: 0 });
    // Kills landed at different points: the journal grew between them.
    expect(new Set(sizes).size).toBeGreaterThan(1);
  }, 60_000);
});
