/**
 * How the K repeats of one example (`--repeats K`) become that example's one outcome for the
 * pass rate (`--reduce`, suite key `reduce:`).
 *
 * - `mean` (default): the example counts as the share of its scored repeats that pass, so
 *   the rate is the cell pass rate when every repeat is scored. Its interval is the
 *   clustered one (pass-rate-interval.ts): repeats that disagree add information.
 * - `median`: passes when the median score is ≥ 3 (with K even, the mean of the two middle
 *   scores, so 2 and 3 give 2.5: a fail).
 * - `majority`: passes when more than half of the scored repeats pass (a tie fails).
 * - `worst`: passes when its lowest scored repeat passes.
 * - `pass^k`: passes only when all K planned repeats were scored and passed (τ-bench's
 *   pass^k, Yao et al. 2024): a repeat that errored or went unscored fails the example,
 *   where `worst` only looks at the scored ones.
 *
 * Every reducer but `mean` gives each example one pass/fail outcome, so its interval is
 * Wilson's on the number of examples; that is exactly what the clustered interval gives
 * when repeats agree, so the reducer and the interval always count examples, never cells.
 */

export const REDUCER_NAMES = ["mean", "median", "majority", "worst", "pass^k"] as const;
export type RepeatReducer = (typeof REDUCER_NAMES)[number];

const PASSING_SCORE = 3;

export interface ReducedExample {
  /** 0–1: the example's contribution to the pass rate (0 or 1 except for `mean`). */
  outcome: number;
  /** The example's score under the reducer (mean, median, or lowest), for reading. */
  score: number;
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Reduces the scored repeats of one example. `planned` is K, the repeats the plan sent
 * (only `pass^k` uses it). Returns null when no repeat was scored: the example has no
 * outcome and, like an unscored cell, is never folded into the rate.
 */
export function reduceRepeats(
  scores: readonly number[],
  reducer: RepeatReducer,
  planned: number = scores.length,
): ReducedExample | null {
  if (scores.length === 0) return null;
  const passes = scores.filter((s) => s >= PASSING_SCORE).length;
  const sorted = [...scores].sort((a, b) => a - b);
  const lowest = sorted[0]!;
  switch (reducer) {
    case "mean":
      return {
        outcome: passes / scores.length,
        score: scores.reduce((sum, s) => sum + s, 0) / scores.length,
      };
    case "median": {
      const m = median(sorted);
      return { outcome: m >= PASSING_SCORE ? 1 : 0, score: m };
    }
    case "majority":
      return { outcome: passes * 2 > scores.length ? 1 : 0, score: median(sorted) };
    case "worst":
      return { outcome: lowest >= PASSING_SCORE ? 1 : 0, score: lowest };
    case "pass^k":
      return {
        outcome: scores.length >= planned && passes === scores.length ? 1 : 0,
        score: lowest,
      };
  }
}
