import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CellRecord } from "../../src/core/types.js";
import {
  JournalWriter,
  journalPathIn,
  mergeRuns,
  newRunId,
  readJournal,
  readRunManifest,
  writeRunManifest,
} from "../../src/runner/index.js";

const root = () => mkdtempSync(join(tmpdir(), "evalgate-merge-"));
const record = (exampleId: string, score = 4): CellRecord => ({
  cellId: `f/m/${exampleId}/0`,
  feature: "f",
  model: "m",
  exampleId,
  repeat: 0,
  status: "scored",
  score,
  passed: score >= 3,
  finishedAt: new Date().toISOString(),
});

async function shardDir(
  base: string,
  name: string,
  hash: string,
  shard: string | undefined,
  records: CellRecord[],
) {
  const dir = join(base, name);
  const writer = await JournalWriter.open(journalPathIn(dir));
  for (const r of records) await writer.append(r);
  await writer.close();
  await writeRunManifest(dir, { schemaVersion: 1, runId: newRunId(), config: { hash }, shard });
  return dir;
}

describe("run manifest", () => {
  it("round-trips, keeps extra fields, and explains a missing or broken file", async () => {
    const dir = root();
    await writeRunManifest(dir, {
      schemaVersion: 1,
      runId: "r1",
      config: { hash: "h", suite: "demo" },
      extra: 1,
    });
    expect(await readRunManifest(dir)).toEqual({
      schemaVersion: 1,
      runId: "r1",
      config: { hash: "h", suite: "demo" },
      extra: 1,
    });
    await expect(readRunManifest(root())).rejects.toThrow(/run\.json.*evalgate run/);
    writeFileSync(
      join(dir, "run.json"),
      JSON.stringify({ schemaVersion: 1, runId: "r", config: {} }),
    );
    await expect(readRunManifest(dir)).rejects.toThrow(/config\.hash/);
    expect(newRunId(new Date("2025-03-04T05:06:07.890Z"))).toMatch(
      /^20250304T050607Z-[0-9a-f]{6}$/,
    );
  });
});

describe("mergeRuns", () => {
  it("merges shard journals into one run folder", async () => {
    const base = root();
    const a = await shardDir(base, "s1", "cfg1", "1/2", [record("e1"), record("e2")]);
    const b = await shardDir(base, "s2", "cfg1", "2/2", [record("e3", 2)]);
    const out = join(base, "merged");
    const result = await mergeRuns([a, b], out);
    expect(result).toMatchObject({
      records: 3,
      duplicates: 0,
      shards: ["1/2", "2/2"],
      missingShards: [],
    });
    const { records } = await readJournal(journalPathIn(out));
    expect(records.map((r) => r.exampleId).sort()).toEqual(["e1", "e2", "e3"]);
    const manifest = await readRunManifest(out);
    expect(manifest.config.hash).toBe("cfg1");
    expect(manifest.shard).toBeUndefined();
    expect(manifest.mergedFrom?.map((m) => m.shard)).toEqual(["1/2", "2/2"]);
  });

  it("refuses shards run with different config hashes", async () => {
    const base = root();
    const a = await shardDir(base, "s1", "cfg1", "1/2", [record("e1")]);
    const b = await shardDir(base, "s2", "cfg2", "2/2", [record("e2")]);
    await expect(mergeRuns([a, b], join(base, "out"))).rejects.toThrow(/config cfg2.*cfg1/);
  });

  it("keeps identical duplicates once and refuses conflicting ones", async () => {
    const base = root();
    const a = await shardDir(base, "s1", "c", "1/3", [record("e1")]);
    const again = await shardDir(base, "s1-retry", "c", "1/3", [record("e1")]);
    const ok = await mergeRuns([a, again], join(base, "out1"));
    expect(ok).toMatchObject({ records: 1, duplicates: 1, missingShards: ["2/3", "3/3"] });

    const conflicting = await shardDir(base, "s1-other", "c", "1/3", [record("e1", 1)]);
    const out = join(base, "out2");
    await expect(mergeRuns([a, conflicting], out)).rejects.toThrow(
      /f\/m\/e1\/0 has a different result/,
    );
    // Nothing half-merged is left behind.
    expect(() => readFileSync(journalPathIn(out))).toThrow();
  });

  it("refuses shards of different totals and merging into a source folder", async () => {
    const base = root();
    const a = await shardDir(base, "s1", "c", "1/2", [record("e1")]);
    const b = await shardDir(base, "s2", "c", "2/3", [record("e2")]);
    await expect(mergeRuns([a, b], join(base, "o"))).rejects.toThrow(/shards of 2/);
    await expect(mergeRuns([a], a)).rejects.toThrow(/new output folder/);
  });
});
