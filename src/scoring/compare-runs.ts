/**
 * A model-migration review: two runs of the same examples (a baseline and a candidate, which
 * usually differ in the model) paired cell by cell on (feature, example, repeat), so the
 * change in pass rate gets the paired interval and McNemar test of `pairedDifference`
 * instead of two independent intervals that overlap and say nothing.
 */
import { UserError } from "../core/errors.js";
import type { CellRecord, ModelPrices } from "../core/types.js";
import { MatrixAccumulator, type PairPlan } from "./matrix.js";
import { pairedDifference } from "./paired-difference.js";
import type { PairwiseCalls, PairwiseTally } from "./pairwise-tally.js";
import type { Verdict } from "./verdict.js";

/** One run folder, read: where it is, what it planned, and its terminal records. */
export interface ComparedRun {
  dir: string;
  plans: readonly PairPlan[];
  records: readonly CellRecord[];
}

export interface CompareOptions {
  /** The model of the baseline run to compare, when it holds several for a feature. */
  baseModel?: string;
  candModel?: string;
  /** Only these features (default: every feature both runs hold). */
  features?: readonly string[];
  /** Allowed drop in pass rate (0–1) before a regression fails; per feature. Default 0. */
  toleranceFor?: (feature: string) => number;
  confidence?: number;
}

/** One side of an example that changed, as the reviewer reads it. */
export interface ExampleSide {
  score: number | undefined;
  response: string | undefined;
  judgeExplanation: string | undefined;
  judge: string | undefined;
}

export interface ChangedExample {
  exampleId: string;
  repeat: number;
  base: ExampleSide;
  cand: ExampleSide;
}

export interface RunSide {
  model: string;
  /** Pass rate over the paired cells (so that cand − base is the reported change). */
  passRate: number | null;
  /** The verdict the run gave this (feature, model) over all of its own cells. */
  verdict: Verdict | null;
  /** USD of the model calls over the paired cells; null without prices in run.json. */
  costUsd: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

export interface FeatureComparison {
  feature: string;
  /** Pairs scored on both sides: the n of the paired statistics. */
  paired: number;
  /** Cells of one run with no cell of the other for the same (example, repeat). */
  baseOnly: number;
  candOnly: number;
  /** Cells present in both runs but not scored in one of them (unscored or error). */
  notScored: number;
  base: RunSide;
  cand: RunSide;
  /** Candidate pass rate minus baseline pass rate, with its paired interval; null when n = 0. */
  change: { difference: number; low: number; high: number; pValue: number } | null;
  /** Allowed drop (0–1) before this feature counts as regressed. */
  tolerance: number;
  /** The interval's upper bound is below −tolerance: the candidate is worse, and surely so. */
  regressed: boolean;
  /** pass→fail */
  regressions: ChangedExample[];
  /** fail→pass */
  improvements: ChangedExample[];
  /** Set by `compare --pairwise`. */
  pairwise?: PairwiseTally;
}

export interface RunComparison {
  baseDir: string;
  candDir: string;
  confidence: number;
  features: FeatureComparison[];
  /** Partial overlap and skipped features, with counts; printed as warnings. */
  warnings: string[];
  /** True when some feature regressed beyond its tolerance. */
  regressed: boolean;
  /** Set by `compare --pairwise`: what its judge calls took (cache, requests, retries). */
  pairwiseCalls?: PairwiseCalls;
}

const SEP = "\u0000";

function cellKey(r: Pick<CellRecord, "exampleId" | "repeat">): string {
  return `${r.exampleId}${SEP}${r.repeat}`;
}

function isPass(r: CellRecord): boolean {
  return r.passed ?? (r.score !== undefined && r.score >= 3);
}

/** feature → model → records, in journal order; a hand-edited duplicate cell counts once. */
function byFeatureAndModel(run: ComparedRun): Map<string, Map<string, CellRecord[]>> {
  const out = new Map<string, Map<string, CellRecord[]>>();
  const seen = new Set<string>();
  for (const r of run.records) {
    if (seen.has(r.cellId)) continue;
    seen.add(r.cellId);
    let models = out.get(r.feature);
    if (!models) {
      models = new Map();
      out.set(r.feature, models);
    }
    const list = models.get(r.model);
    if (list) list.push(r);
    else models.set(r.model, [r]);
  }
  return out;
}

function describeRun(run: ComparedRun, grouped: Map<string, Map<string, CellRecord[]>>): string {
  if (grouped.size === 0) return `${run.dir} holds no records`;
  const parts = [...grouped].map(([feature, models]) => {
    const examples = new Set([...models.values()].flat().map((r) => r.exampleId));
    return `${feature} (${[...models.keys()].join(", ")}; ${examples.size} example(s))`;
  });
  return `${run.dir} holds ${parts.join(", ")}`;
}

function chooseModel(
  side: "base" | "cand",
  run: ComparedRun,
  feature: string,
  models: Map<string, CellRecord[]>,
  wanted: string | undefined,
): string | undefined {
  if (wanted !== undefined) return models.has(wanted) ? wanted : undefined;
  if (models.size === 1) return [...models.keys()][0];
  throw new UserError(
    `${run.dir} holds ${models.size} models for feature ${feature} (${[...models.keys()].join(", ")}); say which to compare with --${side}-model NAME`,
  );
}

function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function costOf(records: readonly CellRecord[], prices: ModelPrices | undefined): number | null {
  if (!prices) return null;
  let usd = 0;
  for (const r of records) {
    if (!r.usage) continue;
    usd +=
      r.usage.inputTokens * prices.inputPerMillion + r.usage.outputTokens * prices.outputPerMillion;
  }
  return usd / 1_000_000;
}

function verdictOf(run: ComparedRun, feature: string, model: string, records: CellRecord[]) {
  const plan = run.plans.find((p) => p.feature === feature && p.model === model);
  if (!plan) return { verdict: null, prices: undefined };
  const accumulator = new MatrixAccumulator([plan]);
  for (const r of records) accumulator.add(r);
  return { verdict: accumulator.entries()[0]!.verdict, prices: plan.prices };
}

function side(
  run: ComparedRun,
  feature: string,
  model: string,
  all: CellRecord[],
  paired: readonly CellRecord[],
): RunSide {
  const { verdict, prices } = verdictOf(run, feature, model, all);
  const latencies = paired
    .map((r) => r.latencyMs)
    .filter((l): l is number => l !== undefined)
    .sort((a, b) => a - b);
  const passes = paired.filter(isPass).length;
  return {
    model,
    passRate: paired.length > 0 ? passes / paired.length : null,
    verdict,
    costUsd: costOf(paired, prices),
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP95Ms: percentile(latencies, 0.95),
  };
}

function exampleSide(r: CellRecord): ExampleSide {
  return {
    score: r.score,
    response: r.response,
    judgeExplanation: r.judgeExplanation,
    judge: r.judge,
  };
}

function compareFeature(
  feature: string,
  base: { run: ComparedRun; model: string; records: CellRecord[] },
  cand: { run: ComparedRun; model: string; records: CellRecord[] },
  tolerance: number,
  confidence: number,
): FeatureComparison {
  const candByKey = new Map(cand.records.map((r) => [cellKey(r), r]));
  const baseKeys = new Set(base.records.map(cellKey));
  const pairs: [CellRecord, CellRecord][] = [];
  let notScored = 0;
  for (const b of base.records) {
    const c = candByKey.get(cellKey(b));
    if (!c) continue;
    if (b.status === "scored" && c.status === "scored") pairs.push([b, c]);
    else notScored++;
  }
  // Sorted so that the vectors, and the lists of changed examples, do not depend on the
  // order the cells finished in.
  pairs.sort((x, y) => cellKey(x[0]).localeCompare(cellKey(y[0])));
  const shared = pairs.length + notScored;
  const candOnly = cand.records.filter((r) => !baseKeys.has(cellKey(r))).length;
  const baseVector = pairs.map(([b]) => (isPass(b) ? 1 : 0) as 0 | 1);
  const candVector = pairs.map(([, c]) => (isPass(c) ? 1 : 0) as 0 | 1);
  // pairedDifference(a, b) is rate(a) − rate(b): candidate first, so a drop is negative.
  const change = pairs.length > 0 ? pairedDifference(candVector, baseVector, { confidence }) : null;
  const changed = (from: boolean) =>
    pairs
      .filter(([b, c]) => isPass(b) === from && isPass(c) !== from)
      .map(([b, c]) => ({
        exampleId: b.exampleId,
        repeat: b.repeat,
        base: exampleSide(b),
        cand: exampleSide(c),
      }));
  return {
    feature,
    paired: pairs.length,
    baseOnly: base.records.length - shared,
    candOnly,
    notScored,
    base: side(
      base.run,
      feature,
      base.model,
      base.records,
      pairs.map(([b]) => b),
    ),
    cand: side(
      cand.run,
      feature,
      cand.model,
      cand.records,
      pairs.map(([, c]) => c),
    ),
    change,
    tolerance,
    regressed: change !== null && change.high < -tolerance,
    regressions: changed(true),
    improvements: changed(false),
  };
}

/**
 * Pairs the two runs feature by feature. Refuses (UserError) runs that share no scored or
 * unscored cell at all, and a feature with several models on one side unless the option
 * names one; partial overlap is compared and reported in `warnings`.
 */
export function compareRuns(
  base: ComparedRun,
  cand: ComparedRun,
  options: CompareOptions = {},
): RunComparison {
  const confidence = options.confidence ?? 0.95;
  const baseGroups = byFeatureAndModel(base);
  const candGroups = byFeatureAndModel(cand);
  const warnings: string[] = [];
  const wanted = options.features ? new Set(options.features) : undefined;
  for (const f of wanted ?? []) {
    if (!baseGroups.has(f) || !candGroups.has(f)) {
      throw new UserError(
        `--features names ${f}, which ${baseGroups.has(f) ? cand.dir : base.dir} does not hold; ${describeRun(baseGroups.has(f) ? cand : base, baseGroups.has(f) ? candGroups : baseGroups)}`,
      );
    }
  }
  const features: FeatureComparison[] = [];
  for (const [feature, baseModels] of baseGroups) {
    if (wanted && !wanted.has(feature)) continue;
    const candModels = candGroups.get(feature);
    if (!candModels) {
      warnings.push(`feature ${feature} is only in ${base.dir}; not compared`);
      continue;
    }
    const baseModel = chooseModel("base", base, feature, baseModels, options.baseModel);
    const candModel = chooseModel("cand", cand, feature, candModels, options.candModel);
    if (baseModel === undefined || candModel === undefined) {
      const missing =
        baseModel === undefined
          ? `${base.dir} has no --base-model ${options.baseModel}`
          : `${cand.dir} has no --cand-model ${options.candModel}`;
      warnings.push(`feature ${feature}: ${missing} for it; not compared`);
      continue;
    }
    const comparison = compareFeature(
      feature,
      { run: base, model: baseModel, records: baseModels.get(baseModel)! },
      { run: cand, model: candModel, records: candModels.get(candModel)! },
      options.toleranceFor?.(feature) ?? 0,
      confidence,
    );
    if (comparison.paired + comparison.notScored === 0) {
      warnings.push(`feature ${feature}: the runs share no example; not compared`);
      continue;
    }
    if (comparison.baseOnly + comparison.candOnly + comparison.notScored > 0) {
      warnings.push(
        `feature ${feature}: ${comparison.paired} pair(s) compared; ${comparison.baseOnly} cell(s) only in ${base.dir}, ${comparison.candOnly} only in ${cand.dir}, ${comparison.notScored} not scored on one side`,
      );
    }
    features.push(comparison);
  }
  if (!wanted) {
    for (const feature of candGroups.keys()) {
      if (!baseGroups.has(feature))
        warnings.push(`feature ${feature} is only in ${cand.dir}; not compared`);
    }
  }
  if (features.length === 0) {
    throw new UserError(
      `the runs share no examples, so there is nothing to pair: ${describeRun(base, baseGroups)}; ${describeRun(cand, candGroups)}. Compare two runs of the same features and datasets (e.g. the same suite with --models changed)`,
    );
  }
  return {
    baseDir: base.dir,
    candDir: cand.dir,
    confidence,
    features,
    warnings,
    regressed: features.some((f) => f.regressed),
  };
}
