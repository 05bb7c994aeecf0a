/**
 * The progress ETA under rate limits and backoff, on a fake clock: the recent completion
 * rate (waits included) rather than the average since the start, plus the pause a
 * Retry-After imposes now, and never less than the longest backoff a cell still waits.
 */
import { describe, expect, it } from "vitest";
import { EtaEstimator } from "../../src/cli/eta-estimate.js";
import { createProgressDisplay, describeProgress } from "../../src/cli/progress-display.js";
import type { RunProgress } from "../../src/runner/index.js";

function progress(done: number, elapsedMs: number, extra: Partial<RunProgress> = {}): RunProgress {
  return {
    done,
    total: 200,
    skipped: 0,
    inFlight: 4,
    scored: done,
    unscored: 0,
    errors: 0,
    ratePerSecond: elapsedMs > 0 ? (done * 1000) / elapsedMs : 0,
    etaMs: undefined,
    elapsedMs,
    backoff: undefined,
    stopping: false,
    ...extra,
  };
}

describe("ETA", () => {
  it("follows the recent rate once 429s slow the run, where the average since the start did not", () => {
    let now = 0;
    const eta = new EtaEstimator({ now: () => now, windowMs: 30_000 });
    // 100 cells in the first 10 s (10/s) ...
    for (let t = 0; t <= 10_000; t += 1_000) {
      now = t;
      eta.estimate(progress(t / 100, t));
    }
    // ... then 1 cell a second for 40 s under rate limits.
    let estimate: number | undefined;
    for (let t = 11_000; t <= 50_000; t += 1_000) {
      now = t;
      estimate = eta.estimate(progress(100 + (t - 10_000) / 1_000, t));
    }
    // 140 done, 60 left at the recent 1/s: 60 s. The average (140 / 50 s) would say 21 s.
    expect(estimate).toBeCloseTo(60_000, -2);
    expect((60 / (140 / 50)) * 1000).toBeCloseTo(21_429, 0);
  });

  it("adds the endpoint's current Retry-After pause, and waits at least the longest backoff", () => {
    let now = 0;
    const eta = new EtaEstimator({ now: () => now });
    eta.estimate(progress(0, 0));
    now = 10_000;
    expect(eta.estimate(progress(100, 10_000))).toBe(10_000); // 100 left at 10/s
    now = 10_500;
    expect(eta.estimate(progress(105, 10_500, { pausedForMs: 20_000 }))).toBe(9_500 + 20_000);
    now = 11_000;
    const backoff = { waiting: 3, longestWaitMs: 60_000, retries: { rate_limited: 3 } };
    expect(eta.estimate(progress(110, 11_000, { backoff }))).toBe(60_000);
  });

  it("is unknown before anything finished, and 0 when nothing is left", () => {
    let now = 0;
    const eta = new EtaEstimator({ now: () => now });
    expect(eta.estimate(progress(0, 0))).toBeUndefined();
    now = 5_000;
    expect(eta.estimate(progress(200, 5_000))).toBe(0);
  });

  it("the progress line shows the honest ETA and the pause", () => {
    let now = 0;
    const lines: string[] = [];
    const display = createProgressDisplay(
      "lines",
      (t) => lines.push(t),
      10_000,
      () => now,
    );
    display.update(progress(0, 0));
    now = 10_000;
    display.update(progress(100, 10_000, { pausedForMs: 30_000 }));
    expect(lines).toEqual([
      "progress: 100/200 cells (50%) | 10.0/s | ETA 40s | errors 0 | unscored 0 | rate-limited, paused 30s\n",
    ]);
    expect(describeProgress(progress(1, 1000))).toContain("ETA ?");
  });
});
