/**
 * What identifies a run: the resolved configuration (secrets-free: the catalog holds env var
 * names, never values) whose hash `--resume`, shards and `merge` compare. Everything that
 * decides a result is in it; what only aggregates or positions is left out, and keys added
 * later are left out at their defaults, so earlier runs keep their hash.
 */
import type { FeatureSettings } from "../catalog/index.js";
import type { Suite } from "../config/index.js";
import { contentHash } from "../core/hashing.js";
import type { CatalogModel } from "../core/types.js";
import type { Evaluator } from "../judges/index.js";
import type { JudgePanel } from "./judge-panel.js";
import type { PlannedPair } from "./suite-plan.js";

/** What in an evaluator changes its scores (the file path and positions do not). */
function evaluatorHash(e: Evaluator): string {
  // The original format keeps its original identity, so runs made before criteria still resume.
  if (e.judgePrompt !== undefined && e.output === "text" && e.temperature === undefined) {
    return contentHash([e.scale, e.judgePrompt]);
  }
  // Calibration and judge policy decide whether a run may proceed or count, not its scores.
  const {
    file: _file,
    positionOf: _positionOf,
    calibration: _calibration,
    judgePolicy: _judgePolicy,
    ...scoring
  } = e;
  return contentHash(scoring);
}

export interface RunIdentityInput {
  suite: Suite;
  features: readonly FeatureSettings[];
  models: readonly CatalogModel[];
  limit: number | undefined;
  repeats: number;
  /** Every judge and juror of the run. */
  judgeModels: readonly CatalogModel[];
  judgeOf: ReadonlyMap<string, CatalogModel>;
  /** Only when an evaluator names its own judges. */
  panels: ReadonlyMap<string, JudgePanel> | undefined;
  evaluators: ReadonlyMap<string, Evaluator>;
  pairs: readonly PlannedPair[];
  /** Per feature, the hash of its planned examples. */
  datasetHash: Record<string, string>;
}

export function resolvedConfigOf(input: RunIdentityInput): Record<string, unknown> {
  const { suite, features, models, limit, repeats, judgeModels, judgeOf, panels } = input;
  const { evaluators, pairs, datasetHash } = input;
  return {
    // The policy keys are left out at their defaults, so earlier runs keep their hash.
    suite: {
      ...suite,
      position: undefined,
      // The reducer only aggregates (no call depends on it), so it stays out of the hash.
      reduce: undefined,
      judgePolicy: suite.judgePolicy === "any" ? undefined : suite.judgePolicy,
      requireCalibration: suite.requireCalibration || undefined,
    },
    selection: {
      features: features.map((f) => f.id),
      models: models.map((m) => m.name),
      limit,
      repeats,
    },
    models: [...models, ...judgeModels.filter((j) => !models.includes(j))],
    // No absolute paths: CI jobs of one pipeline check out in different folders
    // (/builds/<runner>/<n>/…), and their shards must still merge.
    features: features.map((f) => ({
      ...f,
      position: undefined,
      dataset: undefined,
      compatibilitySource: f.compatibilitySource && { key: f.compatibilitySource.key },
    })),
    judges: Object.fromEntries([...judgeOf].map(([m, j]) => [m, j.name])),
    // Only when an evaluator names its own judges, so earlier runs keep their hash.
    panels: panels
      ? Object.fromEntries([...panels].map(([k, p]) => [k, p.members.map((m) => m.name)]))
      : undefined,
    evaluators: Object.fromEntries([...evaluators].map(([name, e]) => [name, evaluatorHash(e)])),
    prompts: pairs.map((p) => ({
      feature: p.feature,
      model: p.model,
      file: p.resolved.file,
      version: p.resolved.version,
      definition: contentHash(p.resolved.definition),
    })),
    datasets: datasetHash,
  };
}
