import { describe, expect, it } from "vitest";
import { bootstrapInterval, seededRandom } from "../../src/scoring/index.js";

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe("bootstrapInterval", () => {
  const values = [1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1];

  it("is reproducible from its seed and moves with it", () => {
    const scores = [3.1, 2.4, 3.9, 1.2, 4.0, 3.3, 2.8, 3.6, 2.2, 3.7, 1.9, 3.0];
    const options = { samples: 500, seed: 42, confidence: 0.95 };
    const first = bootstrapInterval(scores, mean, options);
    expect(bootstrapInterval(scores, mean, options)).toEqual(first);
    const other = bootstrapInterval(scores, mean, { ...options, seed: 43 });
    expect(other.low).not.toBe(first.low);
    expect(other.estimate).toBe(first.estimate);
    expect(first.estimate).toBeCloseTo(2.925, 12);
    expect(first.low).toBeLessThan(2.925);
    expect(first.high).toBeGreaterThan(2.925);
  });

  it("approaches the normal-theory interval for a large sample", () => {
    // 400 values with mean 0.75: SE = √(0.75·0.25/400) ≈ 0.02165, so ≈ 0.7076 to 0.7924.
    const large = Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? 0 : 1));
    const r = bootstrapInterval(large, mean, { samples: 4000, seed: 7, confidence: 0.95 });
    expect(r.low).toBeGreaterThan(0.7);
    expect(r.low).toBeLessThan(0.716);
    expect(r.high).toBeGreaterThan(0.784);
    expect(r.high).toBeLessThan(0.8);
  });

  it("resamples whole clusters: K identical repeats give the one-repeat interval", () => {
    const repeated = values.flatMap((v) => [v, v, v]);
    const clusters = values.flatMap((_, i) => [i, i, i]);
    const options = { samples: 1000, seed: 11, confidence: 0.9 };
    const clustered = bootstrapInterval(repeated, mean, { ...options, clusters });
    const single = bootstrapInterval(values, mean, options);
    expect(clustered.low).toBeCloseTo(single.low, 12);
    expect(clustered.high).toBeCloseTo(single.high, 12);
    // Resampling the 60 cells as if independent understates the spread.
    const naive = bootstrapInterval(repeated, mean, options);
    expect(naive.high - naive.low).toBeLessThan(0.75 * (clustered.high - clustered.low));
  });

  it("refuses bad options", () => {
    expect(() => bootstrapInterval([], mean, { samples: 10, seed: 1, confidence: 0.95 })).toThrow(
      "no values",
    );
    expect(() => bootstrapInterval([1], mean, { samples: 0, seed: 1, confidence: 0.95 })).toThrow(
      "samples must be a whole number ≥ 1, got 0",
    );
    expect(() =>
      bootstrapInterval([1, 2], mean, { samples: 10, seed: 1, confidence: 0.95, clusters: [1] }),
    ).toThrow("2 values but 1 cluster labels");
  });
});

describe("seededRandom", () => {
  it("gives the same uniform stream for a seed, in [0, 1)", () => {
    const a = seededRandom(2024);
    const b = seededRandom(2024);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 2);
  });
});
