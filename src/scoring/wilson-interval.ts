/**
 * Wilson score interval for a binomial proportion. Chosen over the normal approximation
 * because evaluation sets are small (25–200 examples) and pass rates sit near 0.8–1.0, where
 * the normal interval overshoots 1 and collapses to zero width at 100%.
 */
import { twoSidedZ } from "./normal-quantile.js";

export interface Interval {
  low: number;
  high: number;
}

/**
 * Two-sided Wilson interval for `successes` out of `n` at `confidence`; n ≤ 0 gives the
 * vacuous [0, 1].
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  if (successes < 0 || successes > n) {
    throw new RangeError(
      `wilsonInterval: successes must be between 0 and n (${n}), got ${successes}`,
    );
  }
  return wilsonIntervalForRate(successes / n, n, confidence);
}

/** Wilson's interval for an observed rate at a (possibly fractional, effective) sample size. */
export function wilsonIntervalForRate(p: number, n: number, confidence = 0.95): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const z = twoSidedZ(confidence);
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At 0% and 100% the bounds are exactly 0 and 1; floating point would give 1e-17 off.
  return {
    low: p === 0 ? 0 : Math.max(0, centre - half),
    high: p === 1 ? 1 : Math.min(1, centre + half),
  };
}
