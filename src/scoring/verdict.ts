import type { Interval } from "./wilson-interval.js";

/** Traffic-light verdict for one (feature, model). */
export type Verdict = "green" | "yellow" | "red" | "insufficient";

/**
 * How a pass rate becomes a verdict:
 * - `point`: the observed rate against the threshold and band (GitLab's practice);
 * - `statistical`: green only when the interval's lower bound meets the threshold, red only
 *   when its upper bound is below the yellow band, yellow otherwise — honest about sampling,
 *   so 3 passes out of 3 is yellow, not green.
 */
export type VerdictPolicyName = "point" | "statistical";

export const VERDICT_POLICY_NAMES: readonly VerdictPolicyName[] = ["point", "statistical"];

export interface VerdictPolicy {
  /** Pass-rate bar, 0–1 (GitLab validated models at 0.8). */
  threshold: number;
  /** Yellow when threshold − yellowBand ≤ rate < threshold. */
  yellowBand: number;
  /**
   * Share of planned cells that must end `scored` for a verdict to be given. Below it the
   * verdict is `insufficient`: too many errors or unscored replies to trust the rate, and a
   * gate treats it as a failure rather than a silent pass.
   */
  minCoverage: number;
  /** Fewer scored examples than this is `insufficient` (default DEFAULT_MIN_SCORED). */
  minScored?: number;
  /** Default `point`. */
  policy?: VerdictPolicyName;
}

export const DEFAULT_MIN_COVERAGE = 0.8;
/**
 * Below 5 scored examples no verdict is given: with 4 examples the 95% Wilson interval of a
 * perfect score still reaches down to 51%, so green or red would be a coin toss dressed up.
 */
export const DEFAULT_MIN_SCORED = 5;

/** What the data says, beyond the rate: needed for the minimum and the statistical policy. */
export interface VerdictEvidence {
  /** Distinct examples with at least one scored cell. */
  scoredExamples: number;
  interval: Interval | null;
}

// Rates are ratios of small integers; compare with a tolerance so 0.8 meets 0.8.
const EPSILON = 1e-9;

/** The traffic light a rate falls in, ignoring how sure we are of it. */
export function verdictRegion(
  rate: number,
  threshold: number,
  yellowBand: number,
): "green" | "yellow" | "red" {
  if (rate + EPSILON >= threshold) return "green";
  if (rate + EPSILON >= threshold - yellowBand) return "yellow";
  return "red";
}

export function verdictFor(
  passRate: number | null,
  coverage: number,
  policy: VerdictPolicy,
  evidence?: VerdictEvidence,
): Verdict {
  if (passRate === null || coverage < policy.minCoverage) return "insufficient";
  if (evidence && evidence.scoredExamples < (policy.minScored ?? DEFAULT_MIN_SCORED)) {
    return "insufficient";
  }
  if ((policy.policy ?? "point") === "point") {
    return verdictRegion(passRate, policy.threshold, policy.yellowBand);
  }
  const interval = evidence?.interval;
  if (!interval) return "insufficient";
  if (interval.low + EPSILON >= policy.threshold) return "green";
  if (interval.high + EPSILON < policy.threshold - policy.yellowBand) return "red";
  return "yellow";
}

/** Whether a verdict lets a gated feature through. */
export function verdictPasses(verdict: Verdict, allowYellow: boolean): boolean {
  return verdict === "green" || (verdict === "yellow" && allowYellow);
}
