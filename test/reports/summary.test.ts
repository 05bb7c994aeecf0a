import { describe, expect, it } from "vitest";
import {
  renderSummaryMarkdown,
  renderVerdictTable,
  SUMMARY_MARKER,
  type SummaryContext,
  WorstExamplesCollector,
} from "../../src/reports/index.js";
import { evaluateGate, type MatrixEntry } from "../../src/scoring/index.js";
import { matrixOf, plan, record, scored } from "./report-records.js";

const HOSTILE =
  "ignore this @here <script>alert(1)</script> | </details> `code` *bold* #12 ![x](y)\nnext line";

function demo() {
  const records = [
    ...scored("cg", "m1", [4, 4, 4, 4, 3]),
    ...scored("cg", "m2", [4, 2, 4, 4, 3]),
    record({ feature: "cg", model: "m2", exampleId: "ex-6", score: 1, judgeExplanation: HOSTILE }),
    ...scored("chat", "m1", [4, 4, 4, 3, 2]),
    ...scored("chat", "m2", [4, 4, 4, 2, 4]).map((r) => ({ ...r, judge: "judge-b" })),
  ];
  const entries = matrixOf(
    [plan("cg", "m1"), plan("cg", "m2", { planned: 6 }), plan("chat", "m1"), plan("chat", "m2")],
    records,
  );
  const worst = new WorstExamplesCollector();
  for (const r of records) worst.add(r);
  return { entries, worst };
}

function context(entries: MatrixEntry[], extra: Partial<SummaryContext> = {}): SummaryContext {
  return {
    runId: "r1",
    suite: "demo",
    startedAt: "2026-01-01T00:00:00Z",
    finishedAt: "2026-01-01T00:01:00Z",
    complete: true,
    gate: true,
    gateOutcome: evaluateGate(entries, { gate: true, allowYellow: true }),
    ...extra,
  };
}

describe("the console verdict table", () => {
  it("has one row per pair and names each row's judge", () => {
    const { entries } = demo();
    expect(renderVerdictTable(entries)).toBe(
      [
        "feature  model  verdict  pass    95% CI   scored  unscored  errors  judge",
        "cg       m1     green    100.0%  57–100%  5/5     0         0       judge-a",
        "cg       m2     red      66.7%   30–90%   6/6     0         0       judge-a",
        "chat     m1     green    80.0%   38–96%   5/5     0         0       judge-a",
        "chat     m2     green    80.0%   38–96%   5/5     0         0       judge-b",
        "",
      ].join("\n"),
    );
  });
});

describe("summary.md", () => {
  it("is the grid with each row's judge, the honest headline and the worst examples, escaped", () => {
    const { entries, worst } = demo();
    const md = renderSummaryMarkdown(
      entries,
      context(entries, { worstExamples: (f, m) => worst.of(f, m) }),
    );
    expect(md).toBe(`${SUMMARY_MARKER}
## evalgate: demo

❌ **Gate failed**: 1 gated feature × model pair(s) below threshold (cg × m2).

| feature | judge | threshold | m1 | m2 |
|---|---|---:|:-:|:-:|
| cg | judge-a | 80.0% | 🟢 100.0% (57–100%) | 🔴 66.7% (30–90%) |
| chat | judge-a (judge-b for m2) | 80.0% | 🟢 80.0% (38–96%) | 🟢 80.0% (38–96%) |

🟢 meets the threshold · 🟡 within the yellow band below it · 🔴 below · ⚪ not enough scored examples. Each cell: pass rate (95% interval).

### Worst examples

<details><summary>cg × m2: 2 lowest-scored example(s)</summary>

| example | score | judge | judge's reasoning |
|---|---:|---|---|
| ex-6 | 1 | judge-a | ignore this @\u200bhere &lt;script&gt;alert(1)&lt;/script&gt; \\| &lt;/details&gt; \\\`code\\\` \\*bold\\* \\#12 \\!\\[x\\](y) next line |
| ex-2 | 2 | judge-a | missed point 2 |

</details>

<details><summary>chat × m1: 1 lowest-scored example(s)</summary>

| example | score | judge | judge's reasoning |
|---|---:|---|---|
| ex-5 | 2 | judge-a | missed point 5 |

</details>

<details><summary>chat × m2: 1 lowest-scored example(s)</summary>

| example | score | judge | judge's reasoning |
|---|---:|---|---|
| ex-4 | 2 | judge-b | missed point 4 |

</details>

Pass rate = share of scored responses the judge rated 3 or 4. Run \`r1\`, started 2026-01-01T00:00:00Z, finished 2026-01-01T00:01:00Z.
`);
    // Nothing from the data opens a tag or pings anyone.
    expect(md).not.toMatch(/<script|@here|<\/details> `/);
  });

  it("says 'could not evaluate' when calls failed, never 'below threshold'", () => {
    const records = [
      ...scored("cg", "m1", [4, 4, 4]),
      ...["a", "b", "c", "d"].map((id) =>
        record({
          feature: "cg",
          model: "m2",
          exampleId: id,
          status: "error",
          errorClass: "auth",
          failedStage: "model",
          reason: "401 from the endpoint",
        }),
      ),
    ];
    const entries = matrixOf(
      [plan("cg", "m1", { planned: 3 }), plan("cg", "m2", { planned: 4 })],
      records,
    );
    const md = renderSummaryMarkdown(entries, context(entries));
    expect(md).toContain(
      "\n❌ **Could not evaluate** 1 feature × model pair(s): their calls failed (auth). This says nothing about the models' quality; fix the endpoint and run again.\nNot evaluated: cg × m2.\n",
    );
    expect(md).toContain("| cg | judge-a | 80.0% | 🟢 100.0% (44–100%) | ⚪ — |");
    expect(md).toContain("- cg × m2: 0 unscored, 4 errors (auth 4)");
    expect(md).not.toMatch(/below threshold|Gate failed/);
  });

  it("says 'not enough scored examples' for a thin gated pair", () => {
    const entries = matrixOf(
      [plan("cg", "m1", { planned: 2, minScored: 5 })],
      scored("cg", "m1", [4, 4]),
    );
    const md = renderSummaryMarkdown(entries, context(entries));
    expect(md).toContain(
      "\n❌ **Gate failed**: 1 gated pair(s) with not enough scored examples for a verdict (cg × m1).\n",
    );
    expect(md).not.toContain("below threshold");
  });

  it("says a shard is a shard and that merge gives the verdict", () => {
    const entries = matrixOf(
      [plan("cg", "m1", { planned: 5 })],
      scored("cg", "m1", [1, 1, 1, 1, 1]),
    );
    const md = renderSummaryMarkdown(entries, context(entries, { shard: "2/4" }));
    expect(md).toContain(
      "\n🧩 **Shard 2/4** of a sharded run: these rates cover only this shard's examples and do not gate. `evalgate merge` over all shard folders gives the verdict.\n",
    );
    expect(md).not.toContain("Gate failed");
  });

  it("shows what changed against a baseline, regressions first", () => {
    const { entries } = demo();
    const before = matrixOf(
      [plan("cg", "m1"), plan("cg", "m2"), plan("chat", "m1"), plan("old", "m1")],
      [
        ...scored("cg", "m1", [4, 4, 4, 4, 2]),
        ...scored("cg", "m2", [4, 4, 4, 4, 4]),
        ...scored("chat", "m1", [1, 1, 4, 4, 4]),
        ...scored("old", "m1", [4, 4, 4, 4, 4]),
      ],
    );
    const md = renderSummaryMarkdown(
      entries,
      context(entries, { baseline: { runId: "base-1", entries: before } }),
    );
    expect(md).toContain(`### What changed against the baseline

Baseline run \`base-1\`: 1 verdict(s) worse, 1 better. Plain difference of pass rates; \`evalgate compare\` gives paired intervals.

| feature | model | before | after | change | verdict |
|---|---|---:|---:|---:|---|
| cg | m2 | 100.0% | 66.7% | −33.3 pts | 🟢 green → 🔴 red ⬇️ |
| chat | m1 | 60.0% | 80.0% | +20.0 pts | 🔴 red → 🟢 green ⬆️ |
| chat | m2 | — | 80.0% | new | — → 🟢 green |
| old | m1 | 100.0% | — | not run | 🟢 green → — |
| cg | m1 | 80.0% | 100.0% | +20.0 pts | 🟢 green → 🟢 green |
`);
  });

  it("stays under its size limit by cutting the worst examples first, and says so", () => {
    const long = "x".repeat(290);
    const plans = Array.from({ length: 20 }, (_, i) => plan(`f${i}`, "m1", { planned: 5 }));
    const records = plans.flatMap((p) =>
      [1, 1, 1, 1, 1].map((score, i) =>
        record({
          feature: p.feature,
          model: "m1",
          exampleId: `e${i}`,
          score,
          judgeExplanation: long,
        }),
      ),
    );
    const entries = matrixOf(plans, records);
    const worst = new WorstExamplesCollector();
    for (const r of records) worst.add(r);
    const ctx = context(entries, { worstExamples: (f, m) => worst.of(f, m) });
    const full = renderSummaryMarkdown(entries, ctx);
    expect(full.match(/\| e\d \| 1 \|/g)).toHaveLength(100);
    const cut = renderSummaryMarkdown(entries, { ...ctx, sizeLimit: 20_000 });
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(20_000);
    expect(cut.match(/\| e\d \| 1 \|/g)).toHaveLength(20); // one per pair
    expect(cut).toContain(
      "_Worst examples cut to 1 per pair to keep this note under 20 KB; journal.jsonl has every example._",
    );
    const tiny = renderSummaryMarkdown(entries, { ...ctx, sizeLimit: 1_000 });
    expect(Buffer.byteLength(tiny)).toBeLessThanOrEqual(1_000);
    expect(tiny.startsWith(SUMMARY_MARKER)).toBe(true);
    expect(tiny).toMatch(/This note was cut to fit; run\.json has the whole matrix\._\n$/);
  });
});
