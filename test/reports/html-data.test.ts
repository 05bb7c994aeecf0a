/**
 * The data report.html embeds, from run folders written through the real journal writer:
 * worst examples first and at most the cap per cell, flaky examples counted, only the
 * prompts the embedded examples name, old journals (before inputs/judges/prompt hashes)
 * still reported, and `evalgate report DIR` rebuilding report.html byte for byte.
 */
import { readFileSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CellRecord } from "../../src/core/types.js";
import { type ReportData, ReportDataCollector } from "../../src/reports/html/index.js";
import { writeRunReports } from "../../src/reports/index.js";
import {
  JournalWriter,
  journalPathIn,
  PromptStore,
  promptsPathIn,
  RUN_MANIFEST_SCHEMA_VERSION,
  readRunManifest,
  writeRunManifest,
} from "../../src/runner/index.js";
import { MatrixAccumulator } from "../../src/scoring/index.js";
import { runInProcess, type TempDir, tempDir } from "../cli/run-test-support.js";
import { writeSyntheticRun } from "../support/synthetic-run.js";

let temp: TempDir;

function embeddedData(file: string): ReportData {
  const html = readFileSync(file, "utf8");
  const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(
    html,
  )![1]!;
  return JSON.parse(json) as ReportData;
}

const record = (exampleId: string, repeat: number, fields: Partial<CellRecord>): CellRecord => ({
  cellId: `f/m/${exampleId}/${repeat}`,
  feature: "f",
  model: "m",
  exampleId,
  repeat,
  status: "scored",
  finishedAt: "2026-01-01T00:00:00Z",
  ...fields,
});

async function writeRun(dir: string, records: CellRecord[], prompts?: (s: PromptStore) => void) {
  await writeRunManifest(dir, {
    schemaVersion: RUN_MANIFEST_SCHEMA_VERSION,
    runId: "r-old",
    config: { hash: "h" },
    suite: "old",
    pairs: [
      {
        feature: "f",
        model: "m",
        planned: records.length,
        threshold: 0.8,
        yellowBand: 0.1,
        gated: false,
      },
    ],
  });
  if (prompts) {
    const store = await PromptStore.open(promptsPathIn(dir));
    prompts(store);
    store.close();
  }
  const journal = await JournalWriter.open(journalPathIn(dir));
  await Promise.all(records.map((r) => journal.append(r)));
  await journal.close();
}

beforeAll(async () => {
  temp = await tempDir("evalgate-html-data-");
});
afterAll(async () => {
  await temp?.cleanup();
});

describe("report.html data", () => {
  it("reports a journal written before records carried inputs, judges and prompt hashes", async () => {
    const dir = temp.path("old");
    await mkdir(dir, { recursive: true });
    await writeRun(dir, [
      record("a", 0, {
        score: 4,
        passed: true,
        judge: "j",
        judgeExplanation: "fine",
        response: "ok",
      }),
      record("b", 0, { status: "unscored", reason: "judge refused", judge: "j" }),
      record("c", 0, { status: "error", errorClass: "timeout", reason: "timed out" }),
    ]);
    await writeRunReports(dir);
    const data = embeddedData(temp.path("old", "report.html"));
    expect(data.cells).toHaveLength(1);
    const examples = data.cells[0]!.examples;
    expect(examples.map((e) => [e.id, e.status])).toEqual([
      ["c", "error"],
      ["b", "unscored"],
      ["a", "scored"],
    ]);
    expect(examples[2]!.judges).toEqual([{ name: "j", score: 4, explanation: "fine" }]);
    expect(examples[1]!.judges).toEqual([{ name: "j", score: null, explanation: "" }]);
    expect(examples[0]!.judges).toEqual([]);
    expect(examples[2]!.inputs).toBeUndefined();
    expect(data.prompts).toEqual({});
  });

  it("keeps the worst examples up to the cap, counts flaky ones, and embeds only their prompts", async () => {
    const dir = temp.path("cap");
    await mkdir(dir, { recursive: true });
    const records: CellRecord[] = [];
    const hashes: string[] = [];
    await writeRun(dir, [], (store) => {
      for (let i = 0; i < 10; i++) hashes.push(store.store([{ role: "user", content: `q${i}` }]));
    });
    for (let i = 0; i < 10; i++) {
      // Example e0 passes once and fails once: flaky. Scores rise with i.
      const score = i === 0 ? 1 : 1 + (i % 4);
      records.push(record(`e${i}`, 0, { score, passed: score >= 3, promptHash: hashes[i]! }));
    }
    records.push(record("e0", 1, { score: 4, passed: true, promptHash: hashes[0]! }));
    const manifest = await readRunManifest(dir);
    const collector = new ReportDataCollector({ maxExamplesPerCell: 3 });
    const acc = new MatrixAccumulator([
      { feature: "f", model: "m", planned: 11, threshold: 0.8, yellowBand: 0.1, gated: false },
    ]);
    for (const r of records) {
      collector.add(r);
      acc.add(r);
    }
    const data = await collector.finish(dir, manifest, acc.entries());
    const cell = data.cells[0]!;
    expect(cell.recorded).toBe(11);
    expect(cell.flaky).toBe(1);
    expect(cell.examples.map((e) => `${e.id}:${e.score}:${e.flaky}`)).toEqual([
      "e0:1:true",
      "e4:1:false",
      "e8:1:false",
    ]);
    expect(Object.keys(data.prompts).sort()).toEqual([hashes[0], hashes[4], hashes[8]].sort());
    expect(data.prompts[hashes[4]!]).toEqual([{ role: "user", content: "q4" }]);
  });

  it("evalgate report DIR rebuilds report.html byte for byte", async () => {
    const dir = temp.path("synthetic");
    await writeSyntheticRun(dir, { features: ["f"], models: ["a", "b"], examplesPerCell: 20 });
    const before = readFileSync(temp.path("synthetic", "report.html"), "utf8");
    rmSync(temp.path("synthetic", "report.html"));
    const r = await runInProcess(["report", dir], temp.dir);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(temp.path("synthetic", "report.html"), "utf8")).toBe(before);
    const data = embeddedData(temp.path("synthetic", "report.html"));
    expect(data.cells.map((c) => [c.feature, c.model, c.examples.length])).toEqual([
      ["f", "a", 20],
      ["f", "b", 20],
    ]);
  });
});
