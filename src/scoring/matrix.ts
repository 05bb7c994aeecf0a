import type { AdaptiveStop, CellRecord, ModelPrices } from "../core/types.js";
import { type RepeatStability, StabilityTally } from "./example-stability.js";
import { CoincidenceTally, type JudgeAgreement } from "./krippendorff-alpha.js";
import { type ExampleTally, type IntervalMethod, passRateInterval } from "./pass-rate-interval.js";
import { type RepeatReducer, reduceRepeats } from "./repeat-reducers.js";
import {
  DEFAULT_MIN_COVERAGE,
  DEFAULT_MIN_SCORED,
  type Verdict,
  type VerdictPolicyName,
  verdictFor,
} from "./verdict.js";
import { type Interval, wilsonInterval } from "./wilson-interval.js";

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
  /**
   * Repeats per example. 1 keeps no per-example state (a 100k-example run stays small);
   * unknown (run folders from before repeats were recorded) keeps it, as before.
   */
  repeats?: number;
  /** How an example's repeats reduce to its outcome (default `mean`). */
  reduce?: RepeatReducer;
  /** The judge's name, or `jury(a,b,c)`. */
  judge?: string;
  /** Judges of the model's own family (self-preference risk), or null. */
  selfPreferenceRisk?: { family: string; judges: string[] } | null;
  /** Whether the pair's judge was checked against human labels; not `passed` makes a gated pair insufficient. */
  calibration?: CalibrationStatus;
}

/** The judge against human labels, as a run found it (`calibration:` on the evaluator). */
export interface CalibrationStatus {
  /** passed: κ ≥ min; below: κ < min; missing: required but not configured; failed: could not be computed. */
  status: "passed" | "below" | "missing" | "failed";
  /** Quadratic-weighted Cohen's κ, judge vs humans, pooled over raters. */
  quadraticKappa: number | null;
  minAgreement: number | null;
  labels: string | null;
  /** What it means for the verdict, in a sentence. */
  reason: string;
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
  /** Repeats per example (null for run folders that did not record it). */
  repeats: number | null;
  /** The repeat reducer behind `passRate` and `interval` (repeat-reducers.ts). */
  reduce: RepeatReducer;
  /**
   * Sum of the examples' reduced outcomes, the numerator of `passRate` under a reducer other
   * than `mean`; null with `mean` or one repeat, where `passed` / `scored` is the rate.
   */
  examplesPassed: number | null;
  /** How much repeats agree; null with one repeat. */
  stability: RepeatStability | null;
  /** Examples whose repeats straddle pass/fail, ascending ([] with one repeat). */
  flakyExamples: string[];
  /** Cells an adaptive run decided not to send (`skipped` records); not missing, not errors. */
  skipped: number;
  /** When and why an adaptive run stopped this pair; null when it ran every example. */
  adaptiveStop: AdaptiveStop | null;
  /** The judge's name, or `jury(a,b,c)`, when the plan says. */
  judge?: string;
  /** Agreement between jurors; null when one judge graded. */
  judgeAgreement: JudgeAgreement | null;
  selfPreferenceRisk: { family: string; judges: string[] } | null;
  /** Set when the evaluator is calibrated or the suite requires it. */
  calibration: CalibrationStatus | null;
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
  /**
   * Per example, its scored repeats' scores (reducers, clustered interval, stability);
   * undefined with one repeat, where every scored cell is its own example.
   */
  examples: Map<string, number[]> | undefined;
  skipped: number;
  adaptiveStop: AdaptiveStop | null;
  inputTokens: number;
  outputTokens: number;
  latencies: number[];
  reasons: Map<string, number>;
  /** Jurors' scores per cell, folded into a 4×4-sized coincidence matrix. */
  jurors: CoincidenceTally | undefined;
  judges: Set<string>;
}

function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

interface ReducedRate {
  passRate: number | null;
  interval: { interval: Interval; method: IntervalMethod; effectiveN: number } | null;
  examplesPassed: number | null;
  stability: RepeatStability | null;
  flakyExamples: string[];
}

/**
 * The pair's rate and interval under its reducer, both counted in examples: `mean` keeps
 * the cell rate with the clustered interval; the others give one outcome per example and
 * Wilson's interval on the examples (see repeat-reducers.ts).
 */
function reducedRate(state: PairState): ReducedRate {
  const { plan } = state;
  if (!state.examples) {
    return {
      passRate: state.scored > 0 ? state.passed / state.scored : null,
      interval:
        state.scored > 0
          ? {
              interval: wilsonInterval(state.passed, state.scored),
              method: "wilson",
              effectiveN: state.scored,
            }
          : null,
      examplesPassed: null,
      stability: null,
      flakyExamples: [],
    };
  }
  const reduce = plan.reduce ?? "mean";
  const stability = new StabilityTally();
  const tallies: ExampleTally[] = [];
  let examplesPassed = 0;
  let withOutcome = 0;
  for (const [id, scores] of state.examples) {
    stability.add(id, scores);
    tallies.push({ cells: scores.length, passed: scores.filter((s) => s >= 3).length });
    const reduced = reduceRepeats(scores, reduce, plan.repeats ?? scores.length);
    if (reduced) {
      examplesPassed += reduced.outcome;
      withOutcome++;
    }
  }
  const repeated = plan.repeats === undefined || plan.repeats > 1;
  const common = {
    stability: repeated ? stability.result() : null,
    flakyExamples: repeated ? stability.flakyExamples() : [],
  };
  if (reduce === "mean") {
    return {
      passRate: state.scored > 0 ? state.passed / state.scored : null,
      interval: passRateInterval(tallies),
      examplesPassed: null,
      ...common,
    };
  }
  return {
    passRate: withOutcome > 0 ? examplesPassed / withOutcome : null,
    interval:
      withOutcome > 0
        ? {
            interval: wilsonInterval(examplesPassed, withOutcome),
            method: "wilson-reduced",
            effectiveN: withOutcome,
          }
        : null,
    examplesPassed,
    ...common,
  };
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
        examples: plan.repeats === 1 ? undefined : new Map(),
        skipped: 0,
        adaptiveStop: null,
        inputTokens: 0,
        outputTokens: 0,
        latencies: [],
        reasons: new Map(),
        jurors: undefined,
        judges: new Set(),
      });
    }
  }

  /** Adds one terminal record. Records for pairs outside the plan are ignored (returns false). */
  add(record: CellRecord): boolean {
    const state = this.pairs.get(`${record.feature}\u0000${record.model}`);
    if (!state) return false;
    if (record.status === "skipped") {
      state.skipped++;
      state.adaptiveStop ??= record.adaptiveStop ?? null;
      return true;
    }
    if (record.status === "scored" && record.score !== undefined) {
      state.scored++;
      state.scoreSum += record.score;
      const bucket = Math.min(4, Math.max(1, Math.round(record.score))) - 1;
      state.scoreCounts[bucket as 0 | 1 | 2 | 3]++;
      state.histogram.set(record.score, (state.histogram.get(record.score) ?? 0) + 1);
      const pass = record.score >= 3;
      if (pass) state.passed++;
      const scores = state.examples?.get(record.exampleId);
      if (scores) scores.push(record.score);
      else state.examples?.set(record.exampleId, [record.score]);
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
    // Agreement is between jurors: a record with one judge has nobody to agree with.
    if (record.judges && record.judges.length > 1) {
      state.jurors ??= new CoincidenceTally();
      state.jurors.addUnit(
        record.judges.map((j) => j.score).filter((v): v is number => v !== null),
      );
    }
    if (record.judge !== undefined) state.judges.add(record.judge);
    return true;
  }

  entries(): MatrixEntry[] {
    return [...this.pairs.values()].map((state) => {
      const { plan } = state;
      const byExample = reducedRate(state);
      const passRate = byExample.passRate;
      // Cells an adaptive run decided not to send are out of the plan, not out of coverage.
      const decided = plan.planned - state.skipped;
      const coverage = decided > 0 ? state.scored / decided : 0;
      const sortedLatencies = [...state.latencies].sort((a, b) => a - b);
      const recorded = state.scored + state.unscored + state.errors + state.skipped;
      const prices = plan.prices;
      const rateInterval = byExample.interval;
      const scoredExamples = state.examples?.size ?? state.scored;
      const verdictPolicy = plan.verdictPolicy ?? "point";
      const minScored = plan.minScored ?? DEFAULT_MIN_SCORED;
      const interval = rateInterval?.interval ?? null;
      const verdict = verdictFor(
        passRate,
        coverage,
        {
          threshold: plan.threshold,
          yellowBand: plan.yellowBand,
          minCoverage: plan.minCoverage ?? DEFAULT_MIN_COVERAGE,
          minScored,
          policy: verdictPolicy,
        },
        { scoredExamples, interval },
      );
      // A gate cannot rest on a judge that disagrees with people, or was never checked.
      const uncalibrated =
        plan.gated && plan.calibration !== undefined && plan.calibration.status !== "passed";
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
        scoredExamples,
        verdict: uncalibrated ? "insufficient" : verdict,
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
        repeats: plan.repeats ?? null,
        reduce: plan.reduce ?? "mean",
        examplesPassed: byExample.examplesPassed,
        stability: byExample.stability,
        flakyExamples: byExample.flakyExamples,
        skipped: state.skipped,
        adaptiveStop: state.adaptiveStop,
        ...(plan.judge !== undefined ? { judge: plan.judge } : {}),
        judgeAgreement: state.jurors ? state.jurors.ordinalAgreement() : null,
        selfPreferenceRisk: plan.selfPreferenceRisk ?? null,
        calibration: plan.calibration ?? null,
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
