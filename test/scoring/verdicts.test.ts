/**
 * Verdicts per (feature, model): the clustered interval with repeats, the minimum number of
 * scored examples, and the `statistical` policy.
 */
import { describe, expect, it } from "vitest";
import type { CellRecord } from "../../src/core/types.js";
import {
  evaluateGate,
  MatrixAccumulator,
  type PairPlan,
  passRateInterval,
  verdictFor,
  wilsonInterval,
} from "../../src/scoring/index.js";

const plan: PairPlan = {
  feature: "f",
  model: "m",
  planned: 0,
  threshold: 0.8,
  yellowBand: 0.1,
  gated: true,
};

/** Journal records for `scores[example][repeat]`. */
function records(scores: number[][]): CellRecord[] {
  return scores.flatMap((repeats, e) =>
    repeats.map((score, r) => ({
      cellId: `f/m/e${e}/${r}`,
      feature: "f",
      model: "m",
      exampleId: `e${e}`,
      repeat: r,
      finishedAt: "2026-01-01T00:00:00.000Z",
      status: "scored" as const,
      score,
    })),
  );
}

function entryFor(scores: number[][], overrides: Partial<PairPlan> = {}, extra: CellRecord[] = []) {
  const planned = scores.reduce((s, r) => s + r.length, 0) + extra.length;
  const acc = new MatrixAccumulator([{ ...plan, planned, ...overrides }]);
  for (const r of [...records(scores), ...extra]) acc.add(r);
  return acc.entries()[0]!;
}

describe("the pass-rate interval with repeats", () => {
  const oneRepeat = [4, 1, 3, 4, 2].map((s) => [s]);

  it("with K identical repeats equals the one-repeat interval exactly", () => {
    const single = entryFor(oneRepeat);
    expect(single.intervalMethod).toBe("wilson");
    expect(single.interval).toEqual(wilsonInterval(3, 5));
    for (const k of [2, 3, 10]) {
      const repeated = entryFor(oneRepeat.map(([s]) => Array.from({ length: k }, () => s!)));
      expect(repeated.passRate).toBe(0.6);
      expect(repeated.intervalMethod).toBe("wilson-clustered");
      expect(repeated.effectiveN).toBe(5);
      expect(repeated.interval).toEqual(single.interval);
    }
  });

  it("was √K too narrow when repeats were counted as independent (the issue's 5 × 3 case)", () => {
    // 5 examples, 3 passing: one repeat gives 23–88%; 15 cells taken as independent 36–80%.
    const naive = wilsonInterval(9, 15);
    const clustered = entryFor(oneRepeat.map(([s]) => [s!, s!, s!])).interval!;
    expect([clustered.low.toFixed(2), clustered.high.toFixed(2)]).toEqual(["0.23", "0.88"]);
    expect([naive.low.toFixed(2), naive.high.toFixed(2)]).toEqual(["0.36", "0.80"]);
  });

  it("narrows towards the cell count when repeats disagree", () => {
    // Every example passes 2 of 4 repeats: no between-example variance beyond the binomial.
    const mixed = entryFor(Array.from({ length: 6 }, () => [4, 1, 4, 1]));
    expect(mixed.effectiveN).toBe(24);
    expect(mixed.interval).toEqual(wilsonInterval(12, 24));
  });

  it("uses the number of examples at 0% and 100%", () => {
    const all = passRateInterval([
      { cells: 3, passed: 3 },
      { cells: 3, passed: 3 },
      { cells: 3, passed: 3 },
      { cells: 3, passed: 3 },
      { cells: 3, passed: 3 },
      { cells: 3, passed: 3 },
    ])!;
    expect(all).toEqual({
      interval: wilsonInterval(6, 6),
      method: "wilson-clustered",
      effectiveN: 6,
    });
    expect(passRateInterval([])).toBeNull();
  });
});

describe("verdicts", () => {
  it("are insufficient below min_scored examples, however many repeats", () => {
    const four = entryFor([
      [4, 4, 4],
      [4, 4, 4],
      [4, 4, 4],
      [4, 4, 4],
    ]);
    expect(four).toMatchObject({
      scored: 12,
      scoredExamples: 4,
      minScored: 5,
      verdict: "insufficient",
    });
    expect(entryFor([[4], [4], [4], [4]], { minScored: 4 }).verdict).toBe("green");
    const gate = evaluateGate([four], { gate: true, allowYellow: true });
    expect(gate.failures.map((f) => f.verdict)).toEqual(["insufficient"]);
  });

  it("under the statistical policy need the interval, not just the rate, to clear the bar", () => {
    const perfect = Array.from({ length: 10 }, () => [4]);
    expect(entryFor(perfect).verdict).toBe("green");
    // 10 of 10: the Wilson interval's lower bound is 72%, below the 80% bar.
    const statistical = entryFor(perfect, { verdictPolicy: "statistical" });
    expect(statistical).toMatchObject({ verdictPolicy: "statistical", verdict: "yellow" });
    expect(statistical.interval!.low).toBeLessThan(0.8);
    // 30 of 30: lower bound 88.6% ≥ 80%.
    expect(
      entryFor(
        Array.from({ length: 30 }, () => [4]),
        { verdictPolicy: "statistical" },
      ).verdict,
    ).toBe("green");
    // 2 of 10 is red on the point: upper bound 51% < 70% is red statistically too.
    const low = [4, 4, 1, 1, 1, 1, 1, 1, 1, 1].map((s) => [s]);
    expect(entryFor(low, { verdictPolicy: "statistical" }).verdict).toBe("red");
    // 6 of 10 is red on the point, but the interval (31–83%) reaches the band: yellow.
    const middling = [4, 4, 4, 4, 4, 4, 1, 1, 1, 1].map((s) => [s]);
    expect(entryFor(middling).verdict).toBe("red");
    expect(entryFor(middling, { verdictPolicy: "statistical" }).verdict).toBe("yellow");
  });

  it("show unscored and errored cells beside the rate and never fold them into it", () => {
    const extra: CellRecord[] = [
      {
        ...records([[1]])[0]!,
        cellId: "u",
        exampleId: "u",
        status: "unscored",
        reason: "no_score",
        score: undefined,
      },
      {
        ...records([[1]])[0]!,
        cellId: "x",
        exampleId: "x",
        status: "error",
        errorClass: "timeout",
        score: undefined,
      },
    ];
    const e = entryFor(
      Array.from({ length: 8 }, () => [4]),
      {},
      extra,
    );
    expect(e).toMatchObject({
      scored: 8,
      unscored: 1,
      errors: 1,
      passRate: 1,
      scoredExamples: 8,
      reasons: { no_score: 1, timeout: 1 },
      verdict: "green",
    });
    expect(e.interval).toEqual(wilsonInterval(8, 8));
  });

  it("keep the histogram of exact scores, fractional ones included", () => {
    const e = entryFor([[4], [2.5], [3], [2.5], [1]]);
    expect(e.histogram).toEqual({ "1": 1, "2.5": 2, "3": 1, "4": 1 });
    expect(e.meanScore).toBeCloseTo(13 / 5, 12);
  });

  it("verdictFor without evidence keeps the point rule (callers that only have a rate)", () => {
    const policy = { threshold: 0.8, yellowBand: 0.1, minCoverage: 0.8 };
    expect(verdictFor(0.85, 1, policy)).toBe("green");
    expect(verdictFor(0.85, 1, { ...policy, policy: "statistical" })).toBe("insufficient");
    expect(
      verdictFor(
        0.85,
        1,
        { ...policy, policy: "statistical" },
        {
          scoredExamples: 100,
          interval: { low: 0.81, high: 0.9 },
        },
      ),
    ).toBe("green");
  });
});
