/**
 * Early stopping that targets the full run's own verdict (`run --adaptive`).
 *
 * The question an adaptive run must answer is not "where is the model's true pass rate?"
 * but "would running the rest of this dataset change the verdict?". Examples are run in a
 * seeded random order, so after n of the dataset's N examples the results so far are a
 * uniformly random draw *without replacement* from a fixed list with some unknown number K
 * of passes; the full run's rate is K/N. No assumption about the dataset is needed: the
 * randomness is the order, which evalgate itself chose.
 *
 * Construction: the prior-posterior ratio martingale for sampling without replacement
 * (Waudby-Smith & Ramdas 2020, "Confidence sequences for sampling without replacement",
 * NeurIPS 33, §3), the finite-population twin of the Beta-mixture in
 * confidence-sequence.ts. With a beta-binomial prior π₀ over K and the probability of the
 * observed sequence given K,  L_n(K) = C(K, S)·C(N − K, n − S) / C(N, n),
 *
 *   M_n(K) = Σ_j π₀(j) L_n(j) / L_n(K)
 *
 * is, at the true K, a nonnegative martingale with M_0 = 1 (a mixture likelihood over the
 * true one). By Ville's inequality it ever reaches 1/α with probability at most α, so
 *
 *   P(∃ n ≤ N : K ∉ { K' : M_n(K') < 1/α }) ≤ α
 *
 * — the set covers the full run's pass count at every n at once, however often one looks.
 * It shrinks to the observed count as n → N (the finite-population correction the with-
 * replacement sequence lacks), and it always lies inside the counts still arithmetically
 * possible, so it settles at least as soon as "whatever the rest scores".
 */
import { logBeta, logGamma } from "./confidence-sequence.js";
import { verdictRegion } from "./verdict.js";
import type { Interval } from "./wilson-interval.js";

export interface FinitePopulationOptions {
  /** 1 − α: the chance that the sequence holds the full run's rate at every n at once. */
  confidence: number;
  /** Beta(a, b) of the beta-binomial prior over the pass count. Default Beta(1, 1). */
  prior?: { a: number; b: number };
}

function check(successes: number, n: number, population: number, confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(
      `finitePopulationSequence: confidence must be in (0, 1), got ${confidence}`,
    );
  }
  const whole = [successes, n, population].every((x) => Number.isInteger(x) && x >= 0);
  if (!whole || successes > n || n > population) {
    throw new RangeError(
      `finitePopulationSequence: need whole numbers 0 ≤ successes ≤ n ≤ population, got ${successes}, ${n}, ${population}`,
    );
  }
}

let priorCache: { key: string; logPrior: Float64Array; logFactorial: Float64Array } | undefined;

/** log π₀(K) for K = 0..N and log k! for k = 0..N, kept for the last (N, a, b) asked. */
function tables(population: number, a: number, b: number) {
  const key = `${population}/${a}/${b}`;
  if (priorCache?.key === key) return priorCache;
  const logFactorial = new Float64Array(population + 1);
  for (let k = 1; k <= population; k++) logFactorial[k] = logFactorial[k - 1]! + Math.log(k);
  const logPrior = new Float64Array(population + 1);
  const base = logBeta(a, b);
  for (let k = 0; k <= population; k++) {
    const choose = logFactorial[population]! - logFactorial[k]! - logFactorial[population - k]!;
    logPrior[k] =
      choose + logGamma(k + a) + logGamma(population - k + b) - logGamma(population + a + b) - base;
  }
  priorCache = { key, logPrior, logFactorial };
  return priorCache;
}

/**
 * The pass counts K (of the full run's N) the sequence still holds after `successes` passes
 * in the first `n` examples of a random order, as the lowest and highest.
 */
export function finitePopulationCounts(
  successes: number,
  n: number,
  population: number,
  options: FinitePopulationOptions,
): { low: number; high: number } {
  check(successes, n, population, options.confidence);
  const failures = n - successes;
  const first = successes;
  const last = population - failures;
  if (n === 0 || first === last) return { low: first, high: last };
  const { a, b } = options.prior ?? { a: 1, b: 1 };
  const { logPrior, logFactorial } = tables(population, a, b);
  const logChoose = (m: number, k: number) =>
    logFactorial[m]! - logFactorial[k]! - logFactorial[m - k]!;
  const logLikelihood = new Float64Array(last - first + 1);
  let max = Number.NEGATIVE_INFINITY;
  for (let k = first; k <= last; k++) {
    const value = logChoose(k, successes) + logChoose(population - k, failures);
    logLikelihood[k - first] = value;
    max = Math.max(max, logPrior[k]! + value);
  }
  let sum = 0;
  for (let k = first; k <= last; k++)
    sum += Math.exp(logPrior[k]! + logLikelihood[k - first]! - max);
  const logMixture = max + Math.log(sum);
  const limit = Math.log(1 / (1 - options.confidence));
  let low = -1;
  let high = -1;
  for (let k = first; k <= last; k++) {
    if (logMixture - logLikelihood[k - first]! < limit) {
      if (low < 0) low = k;
      high = k;
    }
  }
  // The most likely K has M ≤ 1 < 1/α, so the set is never empty.
  return { low, high };
}

export interface FullRunSettlement {
  settled: boolean;
  /** The full run's verdict region, once every count the sequence holds lies in one. */
  verdict: "green" | "yellow" | "red" | null;
  /** The full run's pass rate: the range the sequence still holds. */
  interval: Interval;
}

/**
 * Whether the full run's point verdict is settled after `successes` passes in the first
 * `n` of `population` examples (random order): every full-run rate the sequence still
 * holds falls in one verdict region. Wrong — the full run would have given another
 * verdict — with probability at most 1 − confidence, even though it is asked after every
 * example.
 */
export function fullRunVerdictSettled(
  successes: number,
  n: number,
  population: number,
  options: FinitePopulationOptions & { threshold: number; yellowBand: number },
): FullRunSettlement {
  const counts = finitePopulationCounts(successes, n, population, options);
  const interval =
    population > 0
      ? { low: counts.low / population, high: counts.high / population }
      : { low: 0, high: 1 };
  const { threshold, yellowBand } = options;
  const low = verdictRegion(interval.low, threshold, yellowBand);
  const high = verdictRegion(interval.high, threshold, yellowBand);
  // Regions are intervals of the rate, so equal ends mean every rate between is there too.
  if (population > 0 && low === high) return { settled: true, verdict: low, interval };
  return { settled: false, verdict: null, interval };
}
