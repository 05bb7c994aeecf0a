import { describe, expect, it } from "vitest";
import type { CellRecord } from "../../src/core/types.js";
import { renderSummaryMarkdown, renderVerdictTable } from "../../src/reports/index.js";
import { evaluateGate, MatrixAccumulator } from "../../src/scoring/index.js";

function entries() {
  const acc = new MatrixAccumulator([
    {
      feature: "code_generations",
      model: "gpt-4o",
      planned: 4,
      threshold: 0.8,
      yellowBand: 0.1,
      gated: true,
      minScored: 1, // four cells of one example: below the default minimum of 5
    },
    {
      feature: "duo_chat",
      model: "mistral|7b",
      planned: 4,
      threshold: 0.8,
      yellowBand: 0.1,
      gated: true,
      minScored: 1, // four cells of one example: below the default minimum of 5
    },
  ]);
  const base = { exampleId: "e", repeat: 0, finishedAt: "2026-01-01T00:00:00Z" };
  for (const score of [4, 4, 3, 4]) {
    acc.add({
      ...base,
      cellId: "a",
      feature: "code_generations",
      model: "gpt-4o",
      status: "scored",
      score,
    } as CellRecord);
  }
  for (const score of [1, 2, 4, 3]) {
    acc.add({
      ...base,
      cellId: "b",
      feature: "duo_chat",
      model: "mistral|7b",
      status: "scored",
      score,
    } as CellRecord);
  }
  return acc.entries();
}

describe("summary reports", () => {
  it("renders the verdict table with one row per pair", () => {
    const table = renderVerdictTable(entries());
    const lines = table.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^code_generations\s+gpt-4o\s+green\s+100\.0%/);
    expect(lines[2]).toMatch(/^duo_chat\s+mistral\|7b\s+red\s+50\.0%/);
  });

  it("says the gate failed in the Markdown note and escapes table cells", () => {
    const e = entries();
    const md = renderSummaryMarkdown(e, {
      runId: "r1",
      suite: "demo",
      startedAt: "2026-01-01T00:00:00Z",
      finishedAt: "2026-01-01T00:01:00Z",
      complete: true,
      gate: true,
      gateOutcome: evaluateGate(e, { gate: true, allowYellow: true }),
    });
    expect(md).toContain("❌ **Gate failed**: 1 gated");
    expect(md).toContain("| duo_chat | mistral\\|7b | 🔴 red | 50.0% |");
    expect(md).toContain("| code_generations | gpt-4o | 🟢 green | 100.0% |");
  });
});
