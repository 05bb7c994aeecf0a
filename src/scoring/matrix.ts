import type { CellRecord, ModelPrices } from "../core/types.js";
import { type ExampleTally, type IntervalMethod, passRateInterval } from "./pass-rate-interval.js";
import {
  DEFAULT_MIN_COVERAGE,
  DEFAULT_MIN_SCORED,
  type Verdict,
  type VerdictPolicyName,
  verdictFor,
} from "./verdict.js";
import type { Interval } from "./wilson-interval.js";

/** What the plan says about one (feature, model) pair before any record exists. */
export interface PairPlan {
  feature: string;
  model: string;
  /** Cells planned for this pair (examples × repeats). */
  planned: number;
  threshold: number;
  yellowBand: number;
  minCoverage?: number;
  /** Fewer scored examples than this is `insufficient` (default DEFAULT_MIN_SCORED). */
  minScored?: number;
  /** How the rate becomes a verdict (default `point`). */
  verdictPolicy?: VerdictPolicyName;
  /** Whether this feature gates the run. */
  gated: boolean;
  prices?: ModelPrices | undefined;
  /** The judge the plan chose, shown when no record names one (nothing judged yet). */
  judge?: string;
}

/** One cell of the feature × model compatibility matrix, as written to run.json. */
export interface MatrixEntry {
  feature: string;
  model: string;
  n: number;
  scored: number;
  unscored: number;
  errors: number;
  /** Cells with no terminal record yet (interrupted or still to run). */
  missing: number;
  passed: number;
  /** passed / scored; null when nothing was scored. */
  passRate: number | null;
  /** 95% interval of the pass rate (clustered by example when there are repeats). */
  interval: Interval | null;
  /** How `interval` was computed; null when nothing was scored. */
  intervalMethod: IntervalMethod | null;
  /** The sample size the interval is worth: scored cells, or fewer when repeats agree. */
  effectiveN: number | null;
  /** Distinct examples with at least one scored cell. */
  scoredExamples: number;
  verdict: Verdict;
  verdictPolicy: VerdictPolicyName;
  minScored: number;
  threshold: number;
  yellowBand: number;
  gated: boolean;
  meanScore: number | null;
  /** How many responses got each score, index 0 = score 1 (fractional scores rounded). */
  scoreCounts: [number, number, number, number];
  /** Scored cells per exact score ("1", "2.5", "4", …), in ascending order of score. */
  histogram: Record<string, number>;
  inputTokens: number;
  outputTokens: number;
  /** USD for the model calls (judge calls excluded), when the catalog has prices. */
  costUsd: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Most common reasons for unscored and error cells, with counts. */
  reasons: Record<string, number>;
  /** Distinct judges (or checks) named by the records, sorted (journal order varies); else the plan's. */
  judges: string[];
}

interface PairState {
  plan: PairPlan;
  scored: number;
  unscored: number;
  errors: number;
  passed: number;
  scoreSum: number;
  scoreCounts: [number, number, number, number];
  histogram: Map<number, number>;
  /** Per example: scored cells and passes, for the clustered interval and minScored. */
  examples: Map<string, ExampleTally>;
  inputTokens: number;
  outputTokens: number;
  latencies: number[];
  reasons: Map<string, number>;
  judges: Set<string>;
}

function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

/**
 * Folds journal records into the matrix one at a time, so a 100k-cell journal is never held
 * in memory (only latencies, one number per cell, are kept for percentiles, and two counts
 * per example for the clustered interval).
 */
export class MatrixAccumulator {
  private readonly pairs = new Map<string, PairState>();

  constructor(plans: Iterable<PairPlan>) {
    for (const plan of plans) {
      this.pairs.set(`${plan.feature}\u0000${plan.model}`, {
        plan,
        scored: 0,
        unscored: 0,
        errors: 0,
        passed: 0,
        scoreSum: 0,
        scoreCounts: [0, 0, 0, 0],
        histogram: new Map(),
        examples: new Map(),
        inputTokens: 0,
        outputTokens: 0,
        latencies: [],
        reasons: new Map(),
        judges: new Set(),
      });
    }
  }

  /** Adds one terminal record. Records for pairs outside the plan are ignored (returns false). */
  add(record: CellRecord): boolean {
    const state = this.pairs.get(`${record.feature}\u0000${record.model}`);
    if (!state) return false;
    if (record.status === "scored" && record.score !== undefined) {
      state.scored++;
      state.scoreSum += record.score;
      const bucket = Math.min(4, Math.max(1, Math.round(record.score))) - 1;
      state.scoreCounts[bucket as 0 | 1 | 2 | 3]++;
      state.histogram.set(record.score, (state.histogram.get(record.score) ?? 0) + 1);
      const pass = record.score >= 3;
      if (pass) state.passed++;
      const tally = state.examples.get(record.exampleId);
      if (tally) {
        tally.cells++;
        if (pass) tally.passed++;
      } else {
        state.examples.set(record.exampleId, { cells: 1, passed: pass ? 1 : 0 });
      }
    } else if (record.status === "error") {
      state.errors++;
    } else {
      state.unscored++;
    }
    if (record.status !== "scored") {
      const reason = record.errorClass ?? record.reason ?? record.status;
      state.reasons.set(reason, (state.reasons.get(reason) ?? 0) + 1);
    }
    if (record.usage) {
      state.inputTokens += record.usage.inputTokens;
      state.outputTokens += record.usage.outputTokens;
    }
    if (record.latencyMs !== undefined) state.latencies.push(record.latencyMs);
    if (record.judge !== undefined) state.judges.add(record.judge);
    return true;
  }

  entries(): MatrixEntry[] {
    return [...this.pairs.values()].map((state) => {
      const { plan } = state;
      const passRate = state.scored > 0 ? state.passed / state.scored : null;
      const coverage = plan.planned > 0 ? state.scored / plan.planned : 0;
      const sortedLatencies = [...state.latencies].sort((a, b) => a - b);
      const recorded = state.scored + state.unscored + state.errors;
      const prices = plan.prices;
      const rateInterval = passRateInterval([...state.examples.values()]);
      const verdictPolicy = plan.verdictPolicy ?? "point";
      const minScored = plan.minScored ?? DEFAULT_MIN_SCORED;
      const interval = rateInterval?.interval ?? null;
      return {
        feature: plan.feature,
        model: plan.model,
        n: plan.planned,
        scored: state.scored,
        unscored: state.unscored,
        errors: state.errors,
        missing: Math.max(0, plan.planned - recorded),
        passed: state.passed,
        passRate,
        interval,
        intervalMethod: rateInterval?.method ?? null,
        effectiveN: rateInterval?.effectiveN ?? null,
        scoredExamples: state.examples.size,
        verdict: verdictFor(
          passRate,
          coverage,
          {
            threshold: plan.threshold,
            yellowBand: plan.yellowBand,
            minCoverage: plan.minCoverage ?? DEFAULT_MIN_COVERAGE,
            minScored,
            policy: verdictPolicy,
          },
          { scoredExamples: state.examples.size, interval },
        ),
        verdictPolicy,
        minScored,
        threshold: plan.threshold,
        yellowBand: plan.yellowBand,
        gated: plan.gated,
        meanScore: state.scored > 0 ? state.scoreSum / state.scored : null,
        scoreCounts: state.scoreCounts,
        histogram: Object.fromEntries(
          [...state.histogram.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([k, v]) => [String(k), v]),
        ),
        inputTokens: state.inputTokens,
        outputTokens: state.outputTokens,
        costUsd: prices
          ? (state.inputTokens * prices.inputPerMillion +
              state.outputTokens * prices.outputPerMillion) /
            1_000_000
          : null,
        latencyP50Ms: percentile(sortedLatencies, 0.5),
        latencyP95Ms: percentile(sortedLatencies, 0.95),
        reasons: Object.fromEntries([...state.reasons.entries()].sort((a, b) => b[1] - a[1])),
        judges:
          state.judges.size > 0
            ? [...state.judges].sort()
            : plan.judge !== undefined
              ? [plan.judge]
              : [],
      };
    });
  }
}
