/**
 * Standard error of a mean whose observations come in clusters (repeats of one example,
 * questions sharing a passage), as Miller (2024), "Adding Error Bars to Evals" (arXiv
 * 2411.00640, §2.2) recommends: the cluster-robust (sandwich) estimator
 *
 *   SE² = (1/n²) Σ_c ( Σ_{i∈c} (s_i − s̄) )²
 *
 * which is the naive SE² of the CLT plus the within-cluster cross terms. With one observation
 * per cluster it is √(Σ(s_i − s̄)²)/n, the plug-in (population-variance) SE. statsmodels'
 * OLS on a constant with `cov_type="cluster"` multiplies SE² by G/(G−1) (G clusters); pass
 * `finiteClusterCorrection: true` to get that.
 */

export interface ClusteredStandardErrorOptions {
  /** Multiply the variance by G/(G − 1), as Stata and statsmodels do by default. */
  finiteClusterCorrection?: boolean;
}

export function clusteredStandardError(
  values: readonly number[],
  clusters: readonly (string | number)[],
  options: ClusteredStandardErrorOptions = {},
): number {
  if (values.length !== clusters.length) {
    throw new RangeError(
      `clusteredStandardError: ${values.length} values but ${clusters.length} cluster labels`,
    );
  }
  const n = values.length;
  if (n === 0) throw new RangeError("clusteredStandardError: no values");
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const residualSums = new Map<string | number, number>();
  values.forEach((value, i) => {
    const cluster = clusters[i]!;
    residualSums.set(cluster, (residualSums.get(cluster) ?? 0) + (value - mean));
  });
  let variance = 0;
  for (const sum of residualSums.values()) variance += sum * sum;
  variance /= n * n;
  const g = residualSums.size;
  if (options.finiteClusterCorrection) {
    if (g < 2) throw new RangeError("clusteredStandardError: the correction needs two clusters");
    variance *= g / (g - 1);
  }
  return Math.sqrt(variance);
}
