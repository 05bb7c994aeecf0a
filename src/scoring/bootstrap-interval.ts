/**
 * Percentile bootstrap interval (Efron & Tibshirani 1993, ch. 13), seeded so a report can be
 * rebuilt to the same digits. With `clusters`, whole clusters are resampled (the cluster
 * bootstrap, Cameron, Gelbach & Miller 2008), so repeats of one example move together.
 */
import { seededRandom } from "./seeded-random.js";

export interface BootstrapOptions {
  /** Resamples to draw (e.g. 2000). */
  samples: number;
  seed: number;
  /** e.g. 0.95 for the 2.5th and 97.5th percentiles. */
  confidence: number;
  /** One label per value; resample clusters rather than values. */
  clusters?: readonly (string | number)[];
}

export interface BootstrapResult {
  /** The statistic on the data as given. */
  estimate: number;
  low: number;
  high: number;
}

/** Linear interpolation between order statistics (numpy's default, R's type 7). */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

export function bootstrapInterval(
  values: readonly number[],
  statistic: (sample: readonly number[]) => number,
  options: BootstrapOptions,
): BootstrapResult {
  const { samples, seed, confidence, clusters } = options;
  if (values.length === 0) throw new RangeError("bootstrapInterval: no values");
  if (!Number.isInteger(samples) || samples < 1) {
    throw new RangeError(`bootstrapInterval: samples must be a whole number ≥ 1, got ${samples}`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`bootstrapInterval: confidence must be in (0, 1), got ${confidence}`);
  }
  if (clusters && clusters.length !== values.length) {
    throw new RangeError(
      `bootstrapInterval: ${values.length} values but ${clusters.length} cluster labels`,
    );
  }
  // Each resampling unit is a list of values: one value each, or one cluster's values.
  const groups = new Map<string | number, number[]>();
  values.forEach((value, i) => {
    const key = clusters ? clusters[i]! : i;
    const group = groups.get(key);
    if (group) group.push(value);
    else groups.set(key, [value]);
  });
  const units = [...groups.values()];
  const random = seededRandom(seed);
  const statistics = new Array<number>(samples);
  const resample: number[] = [];
  for (let b = 0; b < samples; b++) {
    resample.length = 0;
    for (let i = 0; i < units.length; i++) {
      const unit = units[Math.floor(random() * units.length)]!;
      for (const value of unit) resample.push(value);
    }
    statistics[b] = statistic(resample);
  }
  statistics.sort((x, y) => x - y);
  const tail = (1 - confidence) / 2;
  return {
    estimate: statistic(values),
    low: quantile(statistics, tail),
    high: quantile(statistics, 1 - tail),
  };
}
