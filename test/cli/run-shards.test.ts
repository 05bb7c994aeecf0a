/**
 * `--shard I/N` then `evalgate merge`: shards partition the cells, the merged journal equals
 * an unsharded run's, merges of different configs are refused (exit 2), a missing shard is
 * named (exit 3), and `evalgate report` rebuilds the merged summary identically.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cleanEnv,
  duplicateIds,
  outcomesById,
  readManifest,
  readRecords,
  runInProcess,
  STACK_FRAME,
  type TempDir,
  tempDir,
  writeRunConfig,
  writeText,
} from "./run-test-support.js";

const SUITE = `  sharded:
    features: [code_generations, generate_commit_message]
    models: [mistral-7b-vllm, codestral-22b-vllm]
    limit: 6
`;
const PROFILE = `defaults: { latency_ms: 1, jitter_ms: 1 }
models:
  mistral-7b-vllm: { quality: 0.6 }
  codestral-22b-vllm: { quality: 0.85 }
`;

let temp: TempDir;
let base: string[];
const ids = (dir: string) => new Set(readRecords(temp.path(dir)).map((r) => r.cellId));

async function run(argv: string[], env = cleanEnv()) {
  const r = await runInProcess(argv, temp.dir, env);
  expect(r.err).not.toMatch(STACK_FRAME);
  return r;
}

beforeAll(async () => {
  temp = await tempDir();
  const entry = await writeRunConfig(temp.dir, { suites: SUITE });
  const profile = await writeText(temp.path("profile.yaml"), PROFILE);
  base = ["run", "--config", entry, "--simulate-profile", profile, "--no-cache", "--quiet"];
  expect((await run([...base, "--out", "full"])).code).toBe(0);
  for (const i of [1, 2, 3]) {
    expect((await run([...base, "--shard", `${i}/3`, "--out", `s${i}`])).code).toBe(0);
  }
}, 60_000);
afterAll(async () => {
  await temp?.cleanup();
});

describe("evalgate run --shard and merge", () => {
  it("shards partition the cells of the unsharded run", async () => {
    const full = ids("full");
    expect(full.size).toBe(24);
    const shards = [ids("s1"), ids("s2"), ids("s3")];
    for (const shard of shards) expect(shard.size).toBeGreaterThan(0);
    const union = shards.flatMap((s) => [...s]);
    expect(union).toHaveLength(full.size); // disjoint
    expect(new Set(union)).toEqual(full);
    expect((await readManifest(temp.path("s2"))).shard).toBe("2/3");
  });

  it("takes the shard from CI_NODE_INDEX/CI_NODE_TOTAL with --shard ci, and only then", async () => {
    const env = cleanEnv({ CI_NODE_INDEX: "2", CI_NODE_TOTAL: "3" });
    expect((await run([...base, "--shard", "ci", "--out", "ci2"], env)).code).toBe(0);
    expect(ids("ci2")).toEqual(ids("s2"));
    expect((await readManifest(temp.path("ci2"))).shard).toBe("2/3");
    // Without --shard the variables are not read: the whole run, no shard.
    expect((await run([...base, "--out", "noshard"], env)).code).toBe(0);
    expect(ids("noshard")).toEqual(ids("full"));
    const missing = await run([...base, "--shard", "ci", "--out", "ci-missing"], cleanEnv({}));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("--shard ci needs CI_NODE_INDEX and CI_NODE_TOTAL");
  });

  it("merges the shards into the unsharded run's journal, and report rebuilds it identically", async () => {
    const merged = await run(["merge", "s1", "s2", "s3", "--out", "m"]);
    expect(merged.code, merged.err).toBe(0);
    expect(merged.out).toMatch(/^code_generations\s+mistral-7b-vllm/m);
    const records = readRecords(temp.path("m"));
    expect(duplicateIds(records)).toEqual([]);
    expect(outcomesById(records)).toEqual(outcomesById(readRecords(temp.path("full"))));
    const manifest = await readManifest(temp.path("m"));
    expect(manifest.complete).toBe(true);
    expect(manifest.planned).toBe(24);
    expect(manifest.mergedFrom).toHaveLength(3);
    const fullSummary = (await readManifest(temp.path("full"))).summary;
    expect(manifest.summary.matrix.map((e: { passRate: number }) => e.passRate)).toEqual(
      fullSummary.matrix.map((e: { passRate: number }) => e.passRate),
    );

    const summary = readFileSync(temp.path("m", "summary.md"), "utf8");
    const report = await run(["report", "m"]);
    expect(report.code).toBe(0);
    expect(readFileSync(temp.path("m", "summary.md"), "utf8")).toBe(summary);
    expect(report.out.split("\n\n")[0]).toBe(merged.out.split("\n\n")[0]); // same table
  });

  it("refuses to merge shards of different configs (exit 2)", async () => {
    expect((await run([...base, "--limit", "5", "--shard", "1/3", "--out", "other1"])).code).toBe(
      0,
    );
    const r = await run(["merge", "other1", "s2", "s3", "--out", "mixed"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /s2 was run with config \S+ but \S*other1 with \S+; shards can only be merged/,
    );
  });

  it("names a missing shard (exit 3)", async () => {
    const r = await run(["merge", "s1", "s3", "--out", "partial"]);
    expect(r.code).toBe(3);
    expect(r.err).toContain("shard(s) 2/3 are missing");
    expect((await readManifest(temp.path("partial"))).complete).toBe(false);
  });
});
