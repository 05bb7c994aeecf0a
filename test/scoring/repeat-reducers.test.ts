import { describe, expect, it } from "vitest";
import type { AdaptiveStop, CellRecord } from "../../src/core/types.js";
import {
  MatrixAccumulator,
  type PairPlan,
  REDUCER_NAMES,
  reduceRepeats,
  wilsonInterval,
} from "../../src/scoring/index.js";

function scored(exampleId: string, repeat: number, score: number): CellRecord {
  return {
    cellId: `f/m/${exampleId}/${repeat}`,
    feature: "f",
    model: "m",
    exampleId,
    repeat,
    status: "scored",
    score,
    finishedAt: "2026-01-01T00:00:00.000Z",
  };
}

function plan(partial: Partial<PairPlan>): PairPlan {
  return {
    feature: "f",
    model: "m",
    planned: 15,
    threshold: 0.8,
    yellowBand: 0.1,
    gated: false,
    minScored: 1,
    ...partial,
  };
}

/** Five examples × 3 repeats: a passes always, b 2 of 3, c 1 of 3, d never, e 3 of 3. */
const SCORES: Record<string, number[]> = {
  a: [4, 4, 3],
  b: [4, 2, 3],
  c: [1, 3, 2],
  d: [1, 2, 1],
  e: [3, 3, 4],
};
function records(): CellRecord[] {
  return Object.entries(SCORES).flatMap(([id, scores]) => scores.map((s, r) => scored(id, r, s)));
}

describe("reduceRepeats", () => {
  it("gives each reducer's exact outcome and score", () => {
    const scores = [4, 2, 3];
    expect(reduceRepeats(scores, "mean")).toEqual({ outcome: 2 / 3, score: 3 });
    expect(reduceRepeats(scores, "median")).toEqual({ outcome: 1, score: 3 });
    expect(reduceRepeats(scores, "majority")).toEqual({ outcome: 1, score: 3 });
    expect(reduceRepeats(scores, "worst")).toEqual({ outcome: 0, score: 2 });
    expect(reduceRepeats(scores, "pass^k")).toEqual({ outcome: 0, score: 2 });
  });
  it("fails ties: a 2.5 median and a 1-of-2 majority", () => {
    expect(reduceRepeats([3, 2], "median")).toEqual({ outcome: 0, score: 2.5 });
    expect(reduceRepeats([3, 2], "majority")).toEqual({ outcome: 0, score: 2.5 });
    expect(reduceRepeats([3, 4], "median")).toEqual({ outcome: 1, score: 3.5 });
  });
  it("pass^k needs every planned repeat scored; worst looks only at the scored ones", () => {
    expect(reduceRepeats([4, 4], "pass^k", 3)).toEqual({ outcome: 0, score: 4 });
    expect(reduceRepeats([4, 4], "worst", 3)).toEqual({ outcome: 1, score: 4 });
    expect(reduceRepeats([4, 4, 3], "pass^k", 3)).toEqual({ outcome: 1, score: 3 });
  });
  it("gives no outcome without a scored repeat", () => {
    for (const r of REDUCER_NAMES) expect(reduceRepeats([], r, 3)).toBeNull();
  });
});

describe("MatrixAccumulator with repeats", () => {
  it("reduces per example, lists flaky examples and measures stability", () => {
    const expected: Record<string, number> = {
      median: 3, // a, b, e
      majority: 3,
      worst: 2, // a, e
      "pass^k": 2,
    };
    for (const [reduce, passing] of Object.entries(expected)) {
      const acc = new MatrixAccumulator([plan({ repeats: 3, reduce: reduce as "median" })]);
      for (const r of records()) acc.add(r);
      const [entry] = acc.entries();
      expect(entry!.reduce).toBe(reduce);
      expect(entry!.examplesPassed).toBe(passing);
      expect(entry!.passRate).toBe(passing / 5);
      expect(entry!.interval).toEqual(wilsonInterval(passing, 5));
      expect(entry!.intervalMethod).toBe("wilson-reduced");
      expect(entry!.effectiveN).toBe(5);
      // Cell-level counts are untouched by the reducer.
      expect([entry!.scored, entry!.passed]).toEqual([15, 9]);
    }
    const acc = new MatrixAccumulator([plan({ repeats: 3 })]);
    for (const r of records()) acc.add(r);
    const [mean] = acc.entries();
    expect(mean!.reduce).toBe("mean");
    expect(mean!.passRate).toBe(9 / 15);
    expect(mean!.intervalMethod).toBe("wilson-clustered");
    expect(mean!.examplesPassed).toBeNull();
    expect(mean!.flakyExamples).toEqual(["b", "c"]);
    expect(mean!.stability).toEqual({
      examples: 5,
      meanAgreement: (1 + 2 / 3 + 2 / 3 + 1 + 1) / 5,
      minAgreement: 2 / 3,
      meanSpread: (1 + 2 + 2 + 1 + 1) / 5,
      maxSpread: 2,
      flaky: 2,
      flakyCounts: {
        b: { scored: 3, passed: 2, spread: 2 },
        c: { scored: 3, passed: 1, spread: 2 },
      },
    });
  });

  it("identical repeats give exactly the one-repeat interval, whatever the reducer", () => {
    const outcomes = [4, 4, 2, 3, 1, 4, 4];
    const one = new MatrixAccumulator([plan({ planned: 7, repeats: 1 })]);
    outcomes.forEach((s, i) => {
      one.add(scored(`x${i}`, 0, s));
    });
    const [single] = one.entries();
    expect(single!.interval).toEqual(wilsonInterval(5, 7));
    expect(single!.stability).toBeNull();
    expect(single!.flakyExamples).toEqual([]);
    for (const reduce of REDUCER_NAMES) {
      const acc = new MatrixAccumulator([plan({ planned: 21, repeats: 3, reduce })]);
      outcomes.forEach((s, i) => {
        for (let r = 0; r < 3; r++) acc.add(scored(`x${i}`, r, s));
      });
      const [entry] = acc.entries();
      expect(entry!.passRate).toBe(5 / 7);
      expect(entry!.interval).toEqual(single!.interval);
      expect(entry!.flakyExamples).toEqual([]);
    }
  });

  it("counts adaptive `skipped` cells apart: not missing, not errors, not against coverage", () => {
    const stop: AdaptiveStop = {
      afterExamples: 6,
      passed: 6,
      examples: 10,
      verdict: "green",
      interval: { low: 0.8, high: 1 },
      confidence: 0.95,
      seed: 1,
    };
    const acc = new MatrixAccumulator([plan({ planned: 10, repeats: 1, minScored: 5 })]);
    for (let i = 0; i < 6; i++) acc.add(scored(`x${i}`, 0, 4));
    for (let i = 6; i < 10; i++) {
      acc.add({
        ...scored(`x${i}`, 0, 0),
        status: "skipped",
        score: undefined,
        reason: "adaptive_stop",
        adaptiveStop: stop,
      });
    }
    const [entry] = acc.entries();
    expect({
      scored: entry!.scored,
      skipped: entry!.skipped,
      missing: entry!.missing,
      errors: entry!.errors,
      unscored: entry!.unscored,
      verdict: entry!.verdict,
      reasons: entry!.reasons,
    }).toEqual({
      scored: 6,
      skipped: 4,
      missing: 0,
      errors: 0,
      unscored: 0,
      verdict: "green",
      reasons: {},
    });
    expect(entry!.adaptiveStop).toEqual(stop);
  });
});
