/**
 * Wilson score interval for a binomial proportion. Chosen over the normal approximation
 * because evaluation sets are small (25–200 examples) and pass rates sit near 0.8–1.0, where
 * the normal interval overshoots 1 and collapses to zero width at 100%.
 */
export interface Interval {
  low: number;
  high: number;
}

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

export function wilsonInterval(successes: number, trials: number, z = Z95): Interval {
  if (trials <= 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  // At 0% and 100% the bounds are exactly 0 and 1; floating point would give 1e-17 off.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === trials ? 1 : Math.min(1, centre + half),
  };
}
