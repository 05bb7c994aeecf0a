/** Traffic-light verdict for one (feature, model). */
export type Verdict = "green" | "yellow" | "red" | "insufficient";

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
}

export const DEFAULT_MIN_COVERAGE = 0.8;

export function verdictFor(
  passRate: number | null,
  coverage: number,
  policy: VerdictPolicy,
): Verdict {
  if (passRate === null || coverage < policy.minCoverage) return "insufficient";
  // Rates are ratios of small integers; compare with a tolerance so 0.8 meets 0.8.
  const epsilon = 1e-9;
  if (passRate + epsilon >= policy.threshold) return "green";
  if (passRate + epsilon >= policy.threshold - policy.yellowBand) return "yellow";
  return "red";
}

/** Whether a verdict lets a gated feature through. */
export function verdictPasses(verdict: Verdict, allowYellow: boolean): boolean {
  return verdict === "green" || (verdict === "yellow" && allowYellow);
}
