import { describe, expect, it } from "vitest";
import {
  confidenceSequence,
  seededRandom,
  verdictSettled,
  wilsonInterval,
} from "../../src/scoring/index.js";

/** Share of seeded runs in which the interval missed the true rate at some n ≤ horizon. */
function missRate(
  rate: number,
  runs: number,
  horizon: number,
  interval: (successes: number, n: number) => { low: number; high: number },
): number {
  const random = seededRandom(Math.round(rate * 1000));
  let missed = 0;
  for (let run = 0; run < runs; run++) {
    let successes = 0;
    for (let n = 1; n <= horizon; n++) {
      if (random() < rate) successes++;
      const { low, high } = interval(successes, n);
      if (rate < low || rate > high) {
        missed++;
        break;
      }
    }
  }
  return missed / runs;
}

describe("confidenceSequence (anytime-valid, Robbins' beta mixture)", () => {
  const alpha = 0.05;

  it.each([0.5, 0.8, 0.95])(
    "looked at after every result up to n = 200, misses a true rate of %s in under 5% of runs",
    (rate) => {
      const rateOfMisses = missRate(rate, 150, 200, (s, n) =>
        confidenceSequence(s, n, { confidence: 1 - alpha }),
      );
      expect(rateOfMisses).toBeLessThanOrEqual(alpha);
    },
  );

  it("is needed: a Wilson interval monitored the same way misses far more than 5%", () => {
    expect(missRate(0.8, 150, 200, (s, n) => wilsonInterval(s, n, 1 - alpha))).toBeGreaterThan(
      0.15,
    );
  });

  it("contains the observed rate, is wider than Wilson at a fixed n, and narrows with n", () => {
    const at25 = confidenceSequence(20, 25, { confidence: 0.95 });
    const at100 = confidenceSequence(80, 100, { confidence: 0.95 });
    const wilson = wilsonInterval(80, 100);
    expect(at100.low).toBeLessThan(0.8);
    expect(at100.high).toBeGreaterThan(0.8);
    expect(at100.low).toBeLessThan(wilson.low);
    expect(at100.high).toBeGreaterThan(wilson.high);
    expect(at100.high - at100.low).toBeLessThan(at25.high - at25.low);
    // Printed so a change of construction shows: 80/100, Beta(½, ½) mixture, 95%.
    expect([at100.low.toFixed(4), at100.high.toFixed(4)]).toEqual(["0.6484", "0.9090"]);
  });

  it("has exact ends at 0 and n successes and is vacuous before any result", () => {
    expect(confidenceSequence(0, 0, { confidence: 0.95 })).toEqual({ low: 0, high: 1 });
    expect(confidenceSequence(0, 30, { confidence: 0.95 }).low).toBe(0);
    expect(confidenceSequence(30, 30, { confidence: 0.95 }).high).toBe(1);
    expect(() => confidenceSequence(4, 3, { confidence: 0.95 })).toThrow(
      "need whole numbers 0 ≤ successes ≤ n, got 4 of 3",
    );
  });
});

describe("verdictSettled", () => {
  const gate = { threshold: 0.8, yellowBand: 0.1, confidence: 0.95 };

  it("settles green or red only once the sequence leaves the other regions", () => {
    expect(verdictSettled(10, 10, gate)).toMatchObject({ settled: false, verdict: null });
    const green = verdictSettled(60, 60, gate);
    expect(green).toMatchObject({ settled: true, verdict: "green", by: "confidence-sequence" });
    expect(green.interval.low).toBeGreaterThanOrEqual(0.8);
    const red = verdictSettled(5, 30, gate);
    expect(red).toMatchObject({ settled: true, verdict: "red", by: "confidence-sequence" });
    expect(red.interval.high).toBeLessThan(0.7);
    expect(verdictSettled(40, 50, gate).settled).toBe(false);
  });

  it("settles by arithmetic when the remaining examples cannot move the observed rate across", () => {
    // 23 of 25 passed with 2 to go: the full run ends between 23/27 and 25/27, green either way.
    expect(verdictSettled(23, 25, { ...gate, remaining: 2 })).toMatchObject({
      settled: true,
      verdict: "green",
      by: "arithmetic",
    });
    expect(verdictSettled(23, 25, { ...gate, remaining: 5 }).settled).toBe(false);
    expect(() => verdictSettled(1, 2, { ...gate, remaining: -1 })).toThrow(
      "remaining must be a whole number ≥ 0, got -1",
    );
  });

  it("is wrong about the region of a rate far from the boundaries in under 5% of monitored runs", () => {
    // Stop at the first settlement (by the sequence alone) and check the region was right.
    for (const [rate, region] of [
      [0.95, "green"],
      [0.5, "red"],
    ] as const) {
      const random = seededRandom(99);
      let wrong = 0;
      for (let run = 0; run < 200; run++) {
        let successes = 0;
        for (let n = 1; n <= 300; n++) {
          if (random() < rate) successes++;
          const s = verdictSettled(successes, n, gate);
          if (s.settled) {
            if (s.verdict !== region) wrong++;
            break;
          }
        }
      }
      expect(wrong / 200).toBeLessThanOrEqual(0.05);
    }
  });
});
