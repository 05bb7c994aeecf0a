/**
 * From a loaded config and a suite to everything a run needs before its first call: which
 * features and models, the prompt definition each pair resolves to, each feature's examples
 * (sharded), each model's judge, and the config hash that identifies the run. Every problem
 * is found here, together, before anything is sent.
 */
import { createHash } from "node:crypto";
import { buildCatalog, type Catalog, type FeatureSettings } from "../catalog/index.js";
import { didYouMean, type LoadedConfig, type Suite } from "../config/index.js";
import { UserError, UserErrors } from "../core/errors.js";
import { contentHash } from "../core/hashing.js";
import type { CatalogModel, Example } from "../core/types.js";
import { readExamples } from "../datasets/index.js";
import { type Evaluator, evaluatorFromYaml } from "../judges/index.js";
import {
  loadPromptRegistry,
  type PromptRegistry,
  type ResolvedDefinition,
} from "../prompts/index.js";
import { type JudgePanel, judgePanelFor } from "./judge-panel.js";
import { checkRenders } from "./render-check.js";
import { resolvedConfigOf } from "./run-identity.js";
import { isInShard, type Shard } from "./shard-cells.js";

/** What the user narrowed the suite to on the command line. */
export interface RunSelection {
  features?: string[];
  models?: string[];
  limit?: number;
  repeats?: number;
  reduce?: Suite["reduce"];
}

export interface PlannedPair {
  feature: string;
  model: string;
  /** Cells planned for this pair in this run (this shard's examples × repeats). */
  planned: number;
  threshold: number;
  yellowBand: number;
  gated: boolean;
  verdictPolicy: Suite["verdictPolicy"];
  minScored: number;
  /** Repeats per example and how they reduce to one outcome (run.json keeps both). */
  repeats: number;
  reduce: Suite["reduce"];
  prices: CatalogModel["prices"];
  /** The judge's name, or `jury(a,b,c)`. */
  judge: string;
  /** A jury's members and how their scores combine. */
  jury?: { members: string[]; aggregation: "median" | "mean" | "majority" };
  /** Judges of the model's own family: they may favour its answers. */
  selfPreferenceRisk: { family: string; judges: string[] } | null;
  /** Set by the run command before the run (judge vs human labels, scoring's CalibrationStatus). */
  calibration?: unknown;
  resolved: ResolvedDefinition;
}

export function pairKey(feature: string, model: string): string {
  return `${feature}\u0000${model}`;
}

function pairJudging(panel: JudgePanel, model: CatalogModel) {
  return {
    judge: panel.name,
    ...(panel.aggregation
      ? { jury: { members: panel.members.map((m) => m.name), aggregation: panel.aggregation } }
      : {}),
    selfPreferenceRisk:
      panel.sameFamily.length > 0 ? { family: model.family, judges: panel.sameFamily } : null,
  };
}

/**
 * A feature's examples for this run (limit and shard applied). Only the count is kept from
 * planning; `read()` streams the file again when cells are planned, so a 100,000-example
 * dataset is never held in memory.
 */
export interface PlannedDataset {
  file: string;
  /** Examples this run plans for the feature (this shard's, within the limit). */
  count: number;
  /** Planning found every example id unique (cells need not check again). */
  idsChecked: boolean;
  read(): AsyncIterable<Example>;
}

export interface SuitePlan {
  suite: Suite;
  catalog: Catalog;
  registry: PromptRegistry;
  features: FeatureSettings[];
  models: CatalogModel[];
  /** Judge model per model under test (never the model itself unless the suite says so). */
  judgeOf: Map<string, CatalogModel>;
  /** Who grades each (feature, model), keyed by pairKey: the evaluator's judge or jury, else judgeOf. */
  panels: Map<string, JudgePanel>;
  evaluators: Map<string, Evaluator>;
  datasets: Map<string, PlannedDataset>;
  pairs: PlannedPair[];
  repeats: number;
  limit: number | undefined;
  /** Hash of everything that decides results; shards of one run share it. */
  configHash: string;
  /** The resolved config, secrets-free (the catalog holds env var names, never values). */
  resolvedConfig: Record<string, unknown>;
}

async function* inShard(
  examples: AsyncIterable<Example>,
  shard: Shard | undefined,
): AsyncGenerator<Example> {
  for await (const example of examples) {
    if (!shard || isInShard(example.id, shard)) yield example;
  }
}

function pick<T>(
  kind: string,
  requested: readonly string[],
  known: ReadonlyMap<string, T>,
  problems: UserError[],
): T[] {
  const found: T[] = [];
  for (const name of requested) {
    const item = known.get(name);
    if (item) found.push(item);
    else
      problems.push(
        new UserError(
          `unknown ${kind} "${name}"${didYouMean(name, [...known.keys()])}; known: ${[...known.keys()].join(", ")}`,
        ),
      );
  }
  return found;
}

/**
 * The judge for `model`: the suite's judge, unless that is the same underlying model (same
 * identifier) and the suite did not name it explicitly — then the first other `role: judge`
 * model in the catalog, so no model grades its own answers by accident.
 */
function chooseJudge(
  model: CatalogModel,
  judge: CatalogModel,
  explicit: boolean,
  catalog: Catalog,
): CatalogModel | undefined {
  if (explicit || judge.identifier !== model.identifier) return judge;
  for (const candidate of catalog.models.values()) {
    if (catalog.roleOf(candidate.name) === "judge" && candidate.identifier !== model.identifier) {
      return candidate;
    }
  }
  return undefined;
}

export async function planSuite(
  config: LoadedConfig,
  suite: Suite,
  selection: RunSelection,
  shard: Shard | undefined,
): Promise<SuitePlan> {
  const catalog = buildCatalog(config);
  const problems: UserError[] = [];
  const features = pick(
    "feature",
    selection.features ?? suite.features,
    catalog.features,
    problems,
  );
  const models = pick("model", selection.models ?? suite.models, catalog.models, problems);
  const judgeModel = catalog.models.get(suite.judge);
  if (!judgeModel)
    problems.push(new UserError(`unknown judge model "${suite.judge}"`, suite.position));
  if (problems.length > 0) throw new UserErrors(problems);

  const explicitJudge = config.entry.value.suites[suite.name]?.judge !== undefined;
  const judgeOf = new Map<string, CatalogModel>();
  for (const model of models) {
    const judge = chooseJudge(model, judgeModel!, explicitJudge, catalog);
    if (judge) judgeOf.set(model.name, judge);
    else
      problems.push(
        new UserError(
          `model "${model.name}" would judge its own answers (the judge "${suite.judge}" is the same model); add another model with role: judge to the catalog, or set judge: ${suite.judge} on suite "${suite.name}" to allow it explicitly`,
          suite.position,
        ),
      );
  }

  for (const feature of features) {
    if (!feature.dataset || !feature.evaluator) {
      problems.push(
        new UserError(
          `feature "${feature.id}" has no ${feature.dataset ? "evaluator" : "dataset"}; add one in the features file or leave the feature out of the run`,
          feature.position,
        ),
      );
    }
    for (const model of models) {
      const problem = catalog.checkCompatibility(feature.id, model.name, {
        allowIncompatible: suite.allowIncompatible,
      });
      if (problem) problems.push(new UserError(problem.message, suite.position));
    }
  }
  if (problems.length > 0) throw new UserErrors(problems);

  const registry = await loadPromptRegistry(config.definitionsDir, {
    gatewayVersion: config.gatewayVersion,
  });
  const evaluators = new Map<string, Evaluator>();
  for (const feature of features) {
    const name = feature.evaluator!;
    const loaded = config.evaluators.get(name);
    if (!loaded) {
      problems.push(
        new UserError(`evaluator "${name}" not found in ${config.evaluatorsDir}`, feature.position),
      );
      continue;
    }
    if (evaluators.has(name)) continue;
    evaluators.set(name, evaluatorFromYaml(loaded));
  }
  if (problems.length > 0) throw new UserErrors(problems);
  const panels = new Map<string, JudgePanel>();
  for (const feature of features) {
    const evaluator = evaluators.get(feature.evaluator!)!;
    for (const model of models) {
      const panel = judgePanelFor(
        feature.id,
        model,
        evaluator,
        judgeOf.get(model.name),
        suite,
        catalog,
      );
      if (panel instanceof UserError) problems.push(panel);
      else panels.set(pairKey(feature.id, model.name), panel);
    }
  }
  if (problems.length > 0) throw new UserErrors(problems);

  const limit = selection.limit ?? suite.limit;
  const repeats = selection.repeats ?? suite.repeats;
  const datasets = new Map<string, PlannedDataset>();
  const datasetHash: Record<string, string> = {};
  for (const feature of features) {
    const file = feature.dataset!;
    const readOptions = limit === undefined ? {} : { limit };
    // The dataset's identity is its examples (ids, inputs, references), not its file path:
    // sha256 over the concatenated per-example hashes, computed as the file streams by.
    const hash = createHash("sha256");
    let count = 0;
    let total = 0;
    // The reader rejects a duplicate id (naming both lines) on this first pass, so ids are
    // known unique before anything is sent and cell planning need not track them again.
    for await (const e of readExamples(file, readOptions)) {
      hash.update(contentHash([e.id, e.inputs, e.reference]));
      total++;
      if (!shard || isInShard(e.id, shard)) count++;
    }
    // Without this the run goes on and every pair ends "insufficient 0/0" with no hint.
    // (A shard may hold none of a small dataset's examples; that is not an error.)
    if (total === 0) {
      problems.push(
        new UserError(
          `dataset ${file} of feature "${feature.id}" has no examples; add at least one (one JSON object per line: {"inputs": {...}, "outputs": {"output": "..."}}) or drop the feature from the suite`,
          feature.position,
        ),
      );
    }
    datasetHash[feature.id] = hash.digest("hex");
    datasets.set(feature.id, {
      file,
      count,
      idsChecked: true,
      read: () => inShard(readExamples(file, readOptions), shard),
    });
  }

  const pairs: PlannedPair[] = [];
  for (const feature of features) {
    for (const model of models) {
      try {
        const resolved = registry.resolve(
          feature.promptId,
          model.familyChain,
          feature.promptVersion,
        );
        pairs.push({
          feature: feature.id,
          model: model.name,
          planned: datasets.get(feature.id)!.count * repeats,
          threshold: feature.threshold,
          yellowBand: feature.yellowBand,
          gated: suite.gate,
          verdictPolicy: suite.verdictPolicy,
          minScored: suite.minScored,
          repeats,
          reduce: selection.reduce ?? suite.reduce,
          prices: model.prices,
          ...pairJudging(panels.get(pairKey(feature.id, model.name))!, model),
          resolved,
        });
      } catch (err) {
        if (err instanceof UserError) problems.push(err);
        else throw err;
      }
    }
  }
  if (problems.length > 0) throw new UserErrors(problems);
  await checkRenders(
    registry,
    pairs.map((p) => ({
      feature: p.feature,
      resolved: p.resolved,
      examples: () => datasets.get(p.feature)!.read(),
    })),
  );

  const judgeModels = [
    ...new Set([...judgeOf.values(), ...[...panels.values()].flatMap((p) => p.members)]),
  ];
  const ownJudges = [...evaluators.values()].some(
    (e) => e.jury !== undefined || e.judge !== undefined,
  );
  const resolvedConfig = resolvedConfigOf({
    suite,
    features,
    models,
    limit,
    repeats,
    judgeModels,
    judgeOf,
    panels: ownJudges ? panels : undefined,
    evaluators,
    pairs,
    datasetHash,
  });
  return {
    suite,
    catalog,
    registry,
    features,
    models,
    judgeOf,
    panels,
    evaluators,
    datasets,
    pairs,
    repeats,
    limit,
    configHash: contentHash(resolvedConfig),
    resolvedConfig,
  };
}
