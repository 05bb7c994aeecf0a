/**
 * `evalgate compare` on hand-written run folders: exact paired statistics (checked against
 * pairedDifference on the same vectors), the changed examples, cost and latency, tolerance,
 * refusals (disjoint runs, ambiguous models) and warnings for partial overlap.
 */
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { pairedDifference } from "../../src/scoring/index.js";
import { runInProcess, STACK_FRAME, type TempDir, tempDir } from "../cli/run-test-support.js";
import { cellsFromVector, writeRunFolder } from "./compare-folders.js";

let temp: TempDir;
afterEach(async () => {
  await temp?.cleanup();
});

// 30 examples: 24 pass on the baseline, 14 on the candidate; 12 regress, 2 improve.
const BASE: (0 | 1)[] = [...Array(24).fill(1), ...Array(6).fill(0)];
const CAND: (0 | 1)[] = BASE.map((b, i) => {
  if (i < 12) return 0; // regressed
  if (i >= 24 && i < 26) return 1; // improved
  return b;
}) as (0 | 1)[];

async function compare(argv: string[]) {
  const result = await runInProcess(["compare", ...argv], temp.dir);
  expect(result.err).not.toMatch(STACK_FRAME);
  expect(result.err).not.toContain("internal error");
  return result;
}

async function readJson(path: string) {
  return JSON.parse(await readFile(path, "utf8"));
}

async function writePair(base: (0 | 1)[] = BASE, cand: (0 | 1)[] = CAND) {
  await writeRunFolder(temp.path("base"), [
    { feature: "explain", model: "old-model", cells: cellsFromVector(base), pricePerMillion: 1 },
  ]);
  await writeRunFolder(temp.path("cand"), [
    { feature: "explain", model: "new-model", cells: cellsFromVector(cand), pricePerMillion: 2 },
  ]);
}

describe("evalgate compare", () => {
  it("gives pairedDifference's exact statistics, the changed examples, cost and latency; exit 1", async () => {
    temp = await tempDir();
    await writePair();
    const r = await compare(["base", "cand", "--out", "cmp"]);
    expect(r.code).toBe(1);
    const json = await readJson(temp.path("cmp", "compare.json"));
    const f = json.features[0];
    expect(f.feature).toBe("explain");
    expect(f.paired).toBe(30);
    expect(f.change).toEqual(pairedDifference(CAND, BASE, { confidence: 0.95 }));
    expect(f.change.difference).toBeCloseTo(14 / 30 - 24 / 30, 12);
    expect(f.base).toMatchObject({ model: "old-model", passRate: 0.8, verdict: "green" });
    expect(f.cand).toMatchObject({ model: "new-model", passRate: 14 / 30, verdict: "red" });
    expect(f.regressed).toBe(true);
    expect(f.regressions.map((e: { exampleId: string }) => e.exampleId)).toEqual(
      Array.from({ length: 12 }, (_, i) => `ex-${String(i).padStart(3, "0")}`),
    );
    expect(f.improvements.map((e: { exampleId: string }) => e.exampleId)).toEqual([
      "ex-024",
      "ex-025",
    ]);
    expect(f.regressions[0]).toEqual({
      exampleId: "ex-000",
      repeat: 0,
      base: {
        score: 4,
        response: "answer of old-model to ex-000",
        judgeExplanation: "judged 4",
        judge: "judge-model",
      },
      cand: {
        score: 1,
        response: "answer of new-model to ex-000",
        judgeExplanation: "judged 1",
        judge: "judge-model",
      },
    });
    // 30 cells × 1500 tokens at $1 and $2 per million.
    expect(f.base.costUsd).toBeCloseTo(0.045, 12);
    expect(f.cand.costUsd).toBeCloseTo(0.09, 12);
    expect(f.base.latencyP50Ms).toBe(100);
    expect(json.warnings).toEqual([]);
    const { low, high, pValue } = f.change;
    const pts = (v: number) => `${v * 100 > 0 ? "+" : ""}${(v * 100).toFixed(1)}`;
    expect(r.out).toContain(
      `explain  old-model 80.0% green  new-model 46.7% red  -33.3 pts  ${pts(low)} to ${pts(high)}  ${pValue < 0.001 ? "<0.001" : pValue.toFixed(3)}  30  REGRESSED`,
    );
    expect(r.out).toContain("regressed: explain (old-model → new-model, 12 example(s) pass→fail)");
    const md = await readFile(temp.path("cmp", "compare.md"), "utf8");
    expect(md).toContain("**Regressed:** explain");
    expect(md).toContain("#### Regressed (pass → fail) (12)");
    expect(md).toContain("#### Improved (fail → pass) (2)");
    expect(md).toContain("…and 2 more in compare.json.");
  });

  it("swapping the runs reports an improvement and exits 0", async () => {
    temp = await tempDir();
    await writePair();
    const r = await compare(["cand", "base", "--out", "cmp"]);
    expect(r.code).toBe(0);
    const f = (await readJson(temp.path("cmp", "compare.json"))).features[0];
    expect(f.change).toEqual(pairedDifference(BASE, CAND, { confidence: 0.95 }));
    expect(f.regressed).toBe(false);
    expect(r.out).toMatch(/explain .* improved$/m);
  });

  it("a drop within --tolerance points does not fail", async () => {
    temp = await tempDir();
    await writePair();
    const high = pairedDifference(CAND, BASE).high;
    const within = String(Math.ceil(-high * 100) + 1);
    const beyond = String(Math.floor(-high * 100) - 1);
    expect((await compare(["base", "cand", "--out", "a", "--tolerance", within])).code).toBe(0);
    expect((await compare(["base", "cand", "--out", "b", "--tolerance", beyond])).code).toBe(1);
    const bad = await compare(["base", "cand", "--out", "c", "--tolerance", "150"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(
      '--tolerance takes percentage points between 0 and 100 (5 allows a 5-point drop), got "150"',
    );
  });

  it("refuses runs that share no examples, naming both folders and what each holds", async () => {
    temp = await tempDir();
    await writeRunFolder(temp.path("base"), [
      { feature: "explain", model: "old-model", cells: cellsFromVector([1, 0]) },
    ]);
    await writeRunFolder(temp.path("cand"), [
      { feature: "chat", model: "new-model", cells: cellsFromVector([1, 1, 0]) },
    ]);
    const r = await compare(["base", "cand", "--out", "cmp"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "the runs share no examples, so there is nothing to pair: base holds explain (old-model; 2 example(s)); cand holds chat (new-model; 3 example(s))",
    );
  });

  it("refuses the same feature with disjoint example ids", async () => {
    temp = await tempDir();
    await writeRunFolder(temp.path("base"), [
      { feature: "explain", model: "m1", cells: [{ exampleId: "a", score: 4 }] },
    ]);
    await writeRunFolder(temp.path("cand"), [
      { feature: "explain", model: "m2", cells: [{ exampleId: "b", score: 4 }] },
    ]);
    const r = await compare(["base", "cand", "--out", "cmp"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("the runs share no examples");
  });

  it("warns with counts when the runs share only some cells, and leaves unscored pairs out", async () => {
    temp = await tempDir();
    const candCells = cellsFromVector(CAND).slice(0, 20);
    candCells[3] = { exampleId: "ex-003", score: null };
    await writeRunFolder(temp.path("base"), [
      { feature: "explain", model: "old-model", cells: cellsFromVector(BASE) },
    ]);
    await writeRunFolder(temp.path("cand"), [
      { feature: "explain", model: "new-model", cells: candCells },
    ]);
    const r = await compare(["base", "cand", "--out", "cmp"]);
    expect(r.err).toContain(
      "evalgate compare: warning: feature explain: 19 pair(s) compared; 10 cell(s) only in base, 0 only in cand, 1 not scored on one side",
    );
    const f = (await readJson(temp.path("cmp", "compare.json"))).features[0];
    const keep = Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 3);
    expect(f.change).toEqual(
      pairedDifference(
        keep.map((i) => CAND[i]!),
        keep.map((i) => BASE[i]!),
      ),
    );
  });

  it("asks for --base-model when a run holds several models for a feature", async () => {
    temp = await tempDir();
    await writeRunFolder(temp.path("base"), [
      { feature: "explain", model: "m1", cells: cellsFromVector(BASE) },
      { feature: "explain", model: "m2", cells: cellsFromVector(CAND) },
    ]);
    await writeRunFolder(temp.path("cand"), [
      { feature: "explain", model: "m3", cells: cellsFromVector(BASE) },
    ]);
    const r = await compare(["base", "cand", "--out", "cmp"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "base holds 2 models for feature explain (m1, m2); say which to compare with --base-model NAME",
    );
    const chosen = await compare(["base", "cand", "--out", "cmp", "--base-model", "m2"]);
    expect(chosen.code).toBe(0);
    const f = (await readJson(temp.path("cmp", "compare.json"))).features[0];
    expect(f.change).toEqual(pairedDifference(BASE, CAND));
  });

  it("exit 2 for a folder that is not a run", async () => {
    temp = await tempDir();
    await writePair();
    const r = await compare(["base", "nowhere", "--out", "cmp"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "nowhere does not exist; name a run folder written by evalgate run --out",
    );
    const one = await compare(["base", "--out", "cmp"]);
    expect(one.code).toBe(2);
    expect(one.err).toContain("name exactly two run folders, BASE and CAND");
  });

  it("keeps hostile responses inside fences in compare.md, so they neither render nor ping", async () => {
    temp = await tempDir();
    const hostile = "```\n<img src=x onerror=alert(1)>\n```\n@admin please look";
    await writeRunFolder(temp.path("base"), [
      {
        feature: "explain",
        model: "m1",
        cells: [{ exampleId: "<b>x</b>@y", score: 4 }, ...cellsFromVector([1, 1, 1, 1])],
      },
    ]);
    await writeRunFolder(temp.path("cand"), [
      {
        feature: "explain",
        model: "m2",
        cells: [
          { exampleId: "<b>x</b>@y", score: 1, response: hostile },
          ...cellsFromVector([1, 1, 1, 1]),
        ],
      },
    ]);
    await compare(["base", "cand", "--out", "cmp"]);
    const md = await readFile(temp.path("cmp", "compare.md"), "utf8");
    expect(md).toContain(`\`\`\`\`text\n${hostile}\n\`\`\`\``);
    expect(md).toContain("<details><summary>&lt;b&gt;x&lt;/b&gt;&#64;y: 4 → 1</summary>");
  });
});
