/**
 * The interval of a (feature, model)'s pass rate, honest about repeats.
 *
 * With `--repeats K` the cells of one example are not independent draws: at temperature 0
 * they are often identical, and a Wilson interval on examples × K cells would be √K too
 * narrow (5 examples × 3 repeats narrowed 23–88% to 36–80%). So repeats are clustered by
 * example: the cluster-robust variance of the pass rate (Miller 2024, as in
 * clustered-standard-error.ts) gives a design effect
 *
 *   DEFF = Var_clustered / (p(1 − p)/N),   n_eff = N / DEFF = p(1 − p) / Var_clustered
 *
 * and the interval is Wilson's for the observed rate at the effective sample size n_eff
 * (Korn & Graubard 1998, "Confidence intervals for proportions with small expected number
 * of positive counts estimated from survey data", Survey Methodology 24:193–201). K identical
 * repeats give Var_clustered = p(1 − p)/examples, so n_eff = examples and the interval is
 * exactly the one-repeat interval; repeats that disagree add information and narrow it, up
 * to n_eff = N. At 0% or 100% the variance is 0 and n_eff is the number of examples.
 */
import { type Interval, wilsonInterval, wilsonIntervalForRate } from "./wilson-interval.js";

/**
 * `wilson`: one cell per example. `wilson-clustered`: repeats, Wilson at the effective n.
 * `wilson-reduced`: repeats reduced to one pass/fail per example (`--reduce` other than
 * `mean`), Wilson on the examples.
 */
export type IntervalMethod = "wilson" | "wilson-clustered" | "wilson-reduced";

export interface ExampleTally {
  /** Scored cells of the example. */
  cells: number;
  /** Of which passed. */
  passed: number;
}

export interface PassRateInterval {
  interval: Interval;
  method: IntervalMethod;
  /** The sample size the interval is worth (cells when there are no repeats). */
  effectiveN: number;
}

export function passRateInterval(
  examples: readonly ExampleTally[],
  confidence = 0.95,
): PassRateInterval | null {
  let cells = 0;
  let passed = 0;
  let clustered = false;
  for (const e of examples) {
    cells += e.cells;
    passed += e.passed;
    if (e.cells > 1) clustered = true;
  }
  if (cells === 0) return null;
  if (!clustered) {
    return {
      interval: wilsonInterval(passed, cells, confidence),
      method: "wilson",
      effectiveN: cells,
    };
  }
  const groups = examples.filter((e) => e.cells > 0).length;
  const p = passed / cells;
  let variance = 0;
  for (const e of examples) variance += (e.passed - p * e.cells) ** 2;
  variance /= cells * cells;
  let effectiveN: number;
  if (groups < 2 || p === 0 || p === 1) effectiveN = groups;
  else if (variance <= 0)
    effectiveN = cells; // every example has the same rate: no clustering
  else effectiveN = Math.min(cells, (p * (1 - p)) / variance);
  // Identical repeats give n_eff = examples up to rounding; snap so the interval is the
  // one-repeat interval to the last digit, not to 1e-15.
  const nearest = Math.round(effectiveN);
  if (Math.abs(effectiveN - nearest) < 1e-9 * effectiveN) effectiveN = nearest;
  return {
    interval: wilsonIntervalForRate(p, effectiveN, confidence),
    method: "wilson-clustered",
    effectiveN,
  };
}
