/**
 * An anytime-valid confidence sequence for a pass rate, for stopping early.
 *
 * A Wilson interval promises 95% coverage at one n fixed in advance; looking after every
 * example and stopping when it clears a threshold breaks that promise (the chance of ever
 * being wrong grows towards 1). A confidence sequence keeps it at every n at once:
 *
 *   P(∃ n ≥ 1 : p ∉ CS_n) ≤ 1 − confidence
 *
 * for results that are Bernoulli(p) given the past, however and whenever one stops.
 *
 * Construction: Robbins' conjugate mixture (Robbins 1970, "Statistical methods related to the
 * law of the iterated logarithm", Ann. Math. Statist. 41:1397–1409; Howard, Ramdas, McAuliffe
 * & Sekhon 2021, "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann.
 * Statist. 49:1055–1080, §3). For each candidate p, the Beta(a, b)-mixture likelihood ratio
 *
 *   M_n(p) = B(a + S, b + n − S) / B(a, b) / (p^S (1 − p)^(n − S))
 *
 * is a nonnegative martingale with M_0 = 1 when p is the true rate, so by Ville's inequality
 * it ever reaches 1/α with probability at most α. CS_n = {p : M_n(p) < 1/α}, an interval
 * because log M_n is convex in p. Its width at n examples is about √(2 log(√n/α) / n)/2 —
 * wider than Wilson's at a fixed n, the price of being allowed to look at every n.
 */
import type { Interval } from "./wilson-interval.js";

/** log Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~1e-15 relative). */
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 0.000009984369578019572, 1.5056327351493116e-7,
];
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

const DEFAULT_PRIOR = { a: 0.5, b: 0.5 };

export interface ConfidenceSequenceOptions {
  /** 1 − α: the chance that the sequence covers the true rate at every n simultaneously. */
  confidence: number;
  /**
   * The mixing prior Beta(a, b). Default Beta(1/2, 1/2) (Jeffreys), which spreads the
   * boundary's power evenly over rates; a larger a + b tightens the sequence around
   * n ≈ a + b at the cost of other n.
   */
  prior?: { a: number; b: number };
}

function logMixture(successes: number, n: number, prior: { a: number; b: number }): number {
  return logBeta(prior.a + successes, prior.b + n - successes) - logBeta(prior.a, prior.b);
}

function logLikelihood(successes: number, n: number, p: number): number {
  const failures = n - successes;
  return (
    (successes > 0 ? successes * Math.log(p) : 0) + (failures > 0 ? failures * Math.log1p(-p) : 0)
  );
}

/**
 * log M_n(p), the log mixture martingale at candidate rate p. Exported so tests can check the
 * guarantee on the martingale itself.
 */
export function mixtureLogMartingale(
  successes: number,
  n: number,
  p: number,
  prior: { a: number; b: number } = DEFAULT_PRIOR,
): number {
  return logMixture(successes, n, prior) - logLikelihood(successes, n, p);
}

/** The bound between `inside` (M < 1/α) and `outside` (M ≥ 1/α), by bisection. */
function boundary(inside: number, outside: number, isOutside: (p: number) => boolean): number {
  let lo = inside;
  let hi = outside;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (isOutside(mid)) hi = mid;
    else lo = mid;
  }
  // Return the side that is certainly inside, so the reported interval never undercovers.
  return lo;
}

/**
 * The confidence sequence's interval after `successes` passes in `n` results. Valid at every
 * n simultaneously (see the file comment); callers that keep the history may intersect the
 * intervals over time and keep the guarantee.
 */
export function confidenceSequence(
  successes: number,
  n: number,
  options: ConfidenceSequenceOptions,
): Interval {
  const { confidence } = options;
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidenceSequence: confidence must be in (0, 1), got ${confidence}`);
  }
  if (
    !Number.isInteger(n) ||
    n < 0 ||
    !Number.isInteger(successes) ||
    successes < 0 ||
    successes > n
  ) {
    throw new RangeError(
      `confidenceSequence: need whole numbers 0 ≤ successes ≤ n, got ${successes} of ${n}`,
    );
  }
  if (n === 0) return { low: 0, high: 1 };
  const mixture = logMixture(successes, n, options.prior ?? DEFAULT_PRIOR);
  const limit = Math.log(1 / (1 - confidence));
  const isOutside = (p: number) => mixture - logLikelihood(successes, n, p) >= limit;
  // The maximum-likelihood rate maximises the likelihood, so M there is ≤ 1: always inside.
  const centre = successes / n;
  const low = successes === 0 || !isOutside(0) ? 0 : boundary(centre, 0, isOutside);
  const high = successes === n || !isOutside(1) ? 1 : boundary(centre, 1, isOutside);
  return { low, high };
}
