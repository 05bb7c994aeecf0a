import { describe, expect, it } from "vitest";
import type { CellRecord } from "../../src/core/types.js";
import {
  evaluateGate,
  MatrixAccumulator,
  type PairPlan,
  verdictFor,
  wilsonInterval,
} from "../../src/scoring/index.js";

function record(partial: Partial<CellRecord> & Pick<CellRecord, "status">): CellRecord {
  return {
    cellId: "f/m/x/0",
    feature: "f",
    model: "m",
    exampleId: "x",
    repeat: 0,
    finishedAt: "2026-01-01T00:00:00.000Z",
    ...partial,
  };
}

const plan: PairPlan = {
  feature: "f",
  model: "m",
  planned: 10,
  threshold: 0.8,
  yellowBand: 0.1,
  gated: true,
  prices: { inputPerMillion: 2, outputPerMillion: 10 },
};

describe("wilsonInterval", () => {
  it("matches the closed form computed independently", () => {
    const i = wilsonInterval(8, 10);
    expect(i.low).toBeCloseTo(0.49016, 4);
    expect(i.high).toBeCloseTo(0.94332, 4);
    expect(wilsonInterval(25, 25).high).toBe(1);
    expect(wilsonInterval(25, 25).low).toBeCloseTo(0.86681, 4);
    expect(wilsonInterval(0, 5).low).toBe(0);
  });
});

describe("verdictFor", () => {
  const policy = { threshold: 0.8, yellowBand: 0.1, minCoverage: 0.8 };
  it("maps rates to traffic lights at the exact boundaries", () => {
    expect(verdictFor(0.8, 1, policy)).toBe("green");
    expect(verdictFor(0.7999, 1, policy)).toBe("yellow");
    expect(verdictFor(0.7, 1, policy)).toBe("yellow");
    expect(verdictFor(0.6999, 1, policy)).toBe("red");
  });
  it("refuses a verdict when too few cells were scored", () => {
    expect(verdictFor(1, 0.5, policy)).toBe("insufficient");
    expect(verdictFor(null, 1, policy)).toBe("insufficient");
  });
});

describe("MatrixAccumulator", () => {
  it("counts statuses, never counts unscored or errors as passes, and prices tokens", () => {
    const acc = new MatrixAccumulator([plan]);
    for (const [i, score] of [4, 4, 3, 3, 3, 3, 2, 1].entries()) {
      acc.add(
        record({
          exampleId: `x${i}`,
          status: "scored",
          score,
          usage: { inputTokens: 1000, outputTokens: 100 },
          latencyMs: score * 100,
        }),
      );
    }
    acc.add(record({ status: "unscored", reason: "no_score" }));
    acc.add(record({ status: "error", errorClass: "timeout", reason: "timed out" }));
    const [entry] = acc.entries();
    expect(entry).toMatchObject({
      n: 10,
      scored: 8,
      unscored: 1,
      errors: 1,
      missing: 0,
      passed: 6,
      passRate: 0.75,
      verdict: "yellow",
      verdictPolicy: "point",
      minScored: 5,
      scoredExamples: 8,
      intervalMethod: "wilson",
      effectiveN: 8,
      interval: wilsonInterval(6, 8),
      scoreCounts: [1, 1, 4, 2],
      histogram: { "1": 1, "2": 1, "3": 4, "4": 2 },
      inputTokens: 8000,
      outputTokens: 800,
      reasons: { no_score: 1, timeout: 1 },
    });
    expect(entry!.costUsd).toBeCloseTo((8000 * 2 + 800 * 10) / 1e6, 10);
    expect(entry!.latencyP50Ms).toBe(300);
    expect(entry!.latencyP95Ms).toBe(400);
  });

  it("reports missing cells and gives no verdict when coverage is too low", () => {
    const acc = new MatrixAccumulator([plan]);
    acc.add(record({ status: "scored", score: 4 }));
    const [entry] = acc.entries();
    expect(entry!.missing).toBe(9);
    expect(entry!.verdict).toBe("insufficient");
    expect(acc.add(record({ status: "scored", score: 4, model: "other" }))).toBe(false);
  });
});

describe("evaluateGate", () => {
  it("fails a gated suite on red or insufficient, passes yellow when allowed", () => {
    const acc = new MatrixAccumulator([plan]);
    for (let i = 0; i < 10; i++) {
      acc.add(record({ exampleId: `x${i}`, status: "scored", score: i < 7 ? 4 : 1 }));
    }
    const entries = acc.entries();
    expect(entries[0]!.verdict).toBe("yellow");
    expect(evaluateGate(entries, { gate: true, allowYellow: true }).failed).toBe(false);
    expect(evaluateGate(entries, { gate: true, allowYellow: false }).failed).toBe(true);
    expect(evaluateGate(entries, { gate: false, allowYellow: false }).failed).toBe(false);
  });
});
