import { describe, expect, it } from "vitest";
import {
  finitePopulationCounts,
  fullRunVerdictSettled,
  seededRandom,
  seededShuffle,
  verdictRegion,
} from "../../src/scoring/index.js";

describe("finitePopulationCounts", () => {
  it("is exact once every example is in, and never leaves the arithmetically possible counts", () => {
    expect(finitePopulationCounts(17, 20, 20, { confidence: 0.95 })).toEqual({ low: 17, high: 17 });
    for (const [s, n, N] of [
      [3, 5, 30],
      [10, 12, 30],
      [0, 8, 50],
      [40, 40, 100],
    ] as const) {
      const { low, high } = finitePopulationCounts(s, n, N, { confidence: 0.9 });
      expect(low).toBeGreaterThanOrEqual(s);
      expect(high).toBeLessThanOrEqual(s + N - n);
      expect(low).toBeLessThanOrEqual(high);
    }
    // Before any example nothing is known.
    expect(finitePopulationCounts(0, 0, 30, { confidence: 0.95 })).toEqual({ low: 0, high: 30 });
  });

  it("holds the true count at every n at once in at least 1 − α of random orders", () => {
    const N = 60;
    const K = 45;
    const list = Array.from({ length: N }, (_, i) => (i < K ? 1 : 0));
    const runs = 1000;
    let missed = 0;
    for (let run = 0; run < runs; run++) {
      const order = seededShuffle(list, run + 1);
      let s = 0;
      for (let n = 1; n <= N; n++) {
        s += order[n - 1]!;
        const { low, high } = finitePopulationCounts(s, n, N, { confidence: 0.9 });
        if (K < low || K > high) {
          missed++;
          break;
        }
      }
    }
    // Ville's bound is 10%; the sequence is conservative, so far fewer miss.
    expect(missed / runs).toBeLessThan(0.1);
  });

  it("rejects impossible counts", () => {
    expect(() => finitePopulationCounts(5, 4, 10, { confidence: 0.95 })).toThrow(RangeError);
    expect(() => finitePopulationCounts(1, 4, 3, { confidence: 0.95 })).toThrow(RangeError);
    expect(() => finitePopulationCounts(1, 4, 10, { confidence: 1 })).toThrow(RangeError);
  });
});

describe("fullRunVerdictSettled", () => {
  const options = { threshold: 0.8, yellowBand: 0.1, confidence: 0.95 };
  it("settles at least as soon as 'whatever the rest scores' does", () => {
    // 24 passes of 24 of a 30-example run: even 6 failures leave 80%, so green is certain.
    const settled = fullRunVerdictSettled(24, 24, 30, options);
    expect(settled.settled).toBe(true);
    expect(settled.verdict).toBe("green");
    expect(settled.interval.low).toBeGreaterThanOrEqual(0.8);
    // 10 of 20 on a 1000-example run: far from settled.
    expect(fullRunVerdictSettled(10, 20, 1000, options).settled).toBe(false);
  });

  it("settles only where the observed rate is in the settled region (the matrix's verdict)", () => {
    const prior = { a: 8, b: 2 };
    let settled = 0;
    for (const N of [29, 100]) {
      for (let n = 5; n < N; n++) {
        for (let s = 0; s <= n; s++) {
          const result = fullRunVerdictSettled(s, n, N, { ...options, prior });
          if (!result.settled) continue;
          settled++;
          expect(`${s}/${n} of ${N}: ${verdictRegion(s / n, 0.8, 0.1)}`).toBe(
            `${s}/${n} of ${N}: ${result.verdict}`,
          );
        }
      }
    }
    expect(settled).toBeGreaterThan(1000);
  });

  it("flips a far-from-threshold verdict in well under α of monitored runs", () => {
    const random = seededRandom(7);
    const N = 200;
    let flips = 0;
    let stopped = 0;
    for (let run = 0; run < 300; run++) {
      const list = Array.from({ length: N }, () => (random() < 0.95 ? 1 : 0));
      const full = verdictRegion(list.reduce((a: number, b) => a + b, 0) / N, 0.8, 0.1);
      const order = seededShuffle(list, run);
      let s = 0;
      for (let n = 1; n < N; n++) {
        s += order[n - 1]!;
        const result = fullRunVerdictSettled(s, n, N, options);
        if (result.settled) {
          stopped++;
          if (result.verdict !== full) flips++;
          break;
        }
      }
    }
    expect(flips).toBe(0);
    expect(stopped).toBe(300);
  });
});
