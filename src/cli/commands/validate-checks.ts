import type { Catalog } from "../../catalog/index.js";
import { checkCatalog, checkSuitePairings } from "../../catalog/index.js";
import {
  checkConfig,
  type LoadedConfig,
  resolveSuite,
  type Suite,
  sortProblems,
} from "../../config/index.js";
import { UserError, UserErrors } from "../../core/errors.js";
import type { Example } from "../../core/types.js";
import { checkExamples } from "../../datasets/index.js";
import { type Evaluator, evaluatorFromYaml } from "../../judges/index.js";
import {
  loadPromptRegistry,
  type PromptRegistry,
  type ResolvedDefinition,
} from "../../prompts/index.js";
import { judgePanelFor } from "../../runner/index.js";

/** One line of the summary table: a feature × model pair of a checked suite. */
export interface PairReport {
  feature: string;
  model: string;
  /** Prompt file used after family fallback, relative to the definitions folder. */
  promptFile: string | undefined;
  version: string | undefined;
  examplesChecked: number;
  problems: number;
  /** The pair is outside compatible_families but the suite sets allow_incompatible. */
  incompatibleAllowed: boolean;
}

/**
 * What kind of check found a problem, for `validate --json` consumers: `config` (a file's
 * syntax, keys or a reference between files), `catalog` (families, identifiers, endpoints),
 * `suite`, `evaluator`, `prompt` (a definition that does not load or resolve), `dataset`
 * (a bad record or an unusable file), `render` (examples that do not render).
 */
export type ProblemCode =
  | "config"
  | "catalog"
  | "suite"
  | "evaluator"
  | "prompt"
  | "dataset"
  | "render";

export interface ValidationReport {
  /** Absolute path of the entry file. */
  configFile: string;
  suites: string[];
  pairs: PairReport[];
  problems: UserError[];
  /** The kind of check behind each problem (problems of no listed kind are `config`). */
  codes: Map<UserError, ProblemCode>;
  /** Not wrong, but worth knowing (e.g. an API key variable not set in this shell). */
  warnings: string[];
}

function problemsOf(err: unknown): UserError[] {
  if (err instanceof UserErrors) return [...err.problems];
  if (err instanceof UserError) return [err];
  throw err;
}

/**
 * Judge templates are checked by the judges stage's own loader, so validate and run agree on
 * what renders. A name/file mismatch is already reported by the config check.
 */
function checkEvaluators(config: LoadedConfig): UserError[] {
  const problems: UserError[] = [];
  for (const evaluator of config.evaluators.values()) {
    if (evaluator.value.name !== evaluator.name) continue;
    try {
      evaluatorFromYaml(evaluator);
    } catch (err) {
      problems.push(...problemsOf(err));
    }
  }
  return problems;
}

/**
 * Who grades each pair of the checked suites, as `run` plans it: an evaluator's jury members
 * and judge exist and never include the model under test, and `judge_policy: other_family`
 * holds. One message per distinct problem.
 */
function checkJudgePanels(config: LoadedConfig, catalog: Catalog, suites: Suite[]): UserError[] {
  const problems = new Map<string, UserError>();
  for (const suite of suites) {
    const suiteJudge = catalog.models.get(suite.judge);
    for (const featureId of suite.features) {
      const name = catalog.features.get(featureId)?.evaluator;
      const loaded = name === undefined ? undefined : config.evaluators.get(name);
      if (!loaded) continue;
      let evaluator: Evaluator;
      try {
        evaluator = evaluatorFromYaml(loaded);
      } catch {
        continue; // reported by checkEvaluators
      }
      const own = evaluator.jury !== undefined || evaluator.judge !== undefined;
      for (const modelName of suite.models) {
        const model = catalog.models.get(modelName);
        // Without an evaluator judge, run picks another judge for a model that is the suite's own.
        if (!model || (!own && (!suiteJudge || suiteJudge.identifier === model.identifier))) {
          continue;
        }
        const panel = judgePanelFor(featureId, model, evaluator, suiteJudge, suite, catalog);
        if (panel instanceof UserError) problems.set(panel.message, panel);
      }
    }
  }
  return [...problems.values()];
}

/**
 * Render every example with one resolved definition. Examples failing the same way are
 * reported once, at the first such example, naming how many more there are.
 */
function renderExamples(
  registry: PromptRegistry,
  resolved: ResolvedDefinition,
  examples: readonly Example[],
  params: Record<string, unknown>,
): UserError[] {
  const failures = new Map<string, Example[]>();
  for (const example of examples) {
    try {
      registry.render(resolved, example.inputs, params);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      failures.set(reason, [...(failures.get(reason) ?? []), example]);
    }
  }
  return [...failures].map(([reason, failed]) => {
    const first = failed[0]!;
    const more =
      failed.length > 1
        ? ` (and ${failed.length - 1} more example(s) at lines ${failed
            .slice(1, 11)
            .map((e) => e.source.line)
            .join(", ")}${failed.length > 11 ? ", …" : ""})`
        : "";
    return new UserError(
      `example "${first.id}" does not render with ${resolved.file}${more}: ${reason}`,
      { file: first.source.file, line: first.source.line },
    );
  });
}

interface PairContext {
  config: LoadedConfig;
  catalog: Catalog;
  registry: PromptRegistry | undefined;
  examplesOf: (feature: string) => Promise<{ examples: Example[]; problems: number } | undefined>;
  tag: (code: ProblemCode, found: UserError[]) => UserError[];
  /** Problems already reported for a definition × dataset, so shared prompts are checked once. */
  rendered: Map<string, number>;
}

async function checkPair(
  ctx: PairContext,
  featureId: string,
  modelName: string,
  allowIncompatible: boolean,
  problems: UserError[],
): Promise<PairReport | undefined> {
  const feature = ctx.catalog.features.get(featureId);
  const model = ctx.catalog.models.get(modelName);
  if (!feature || !model) return undefined;
  const report: PairReport = {
    feature: featureId,
    model: modelName,
    promptFile: undefined,
    version: undefined,
    examplesChecked: 0,
    problems: 0,
    incompatibleAllowed:
      allowIncompatible && ctx.catalog.checkCompatibility(featureId, modelName) !== null,
  };
  const fail = (found: UserError[]) => {
    report.problems += found.length;
    problems.push(...found);
  };
  if (!ctx.registry) return report;
  let resolved: ResolvedDefinition;
  try {
    resolved = ctx.registry.resolve(feature.promptId, model.familyChain, feature.promptVersion);
  } catch (err) {
    // Models whose chains fall back to the same folder fail the same way: list it once.
    for (const p of problemsOf(err)) {
      report.problems += 1;
      const key = `resolve:${featureId}:${p.message}`;
      if (ctx.rendered.has(key)) continue;
      ctx.rendered.set(key, 1);
      problems.push(
        ...ctx.tag("prompt", [
          new UserError(
            `feature "${featureId}" with model "${modelName}" (family chain ${model.familyChain.join(" → ") || "(none)"}): ${p.message}`,
            feature.position,
          ),
        ]),
      );
    }
    return report;
  }
  report.promptFile = resolved.file;
  report.version = resolved.version;
  const dataset = await ctx.examplesOf(featureId);
  if (!dataset) return report;
  const { examples } = dataset;
  // Bad records belong to the dataset, but the pair cannot be called OK while it has them.
  report.problems += dataset.problems;
  report.examplesChecked = examples.length;
  const key = `render:${resolved.file}:${featureId}`;
  const seen = ctx.rendered.get(key);
  if (seen !== undefined) {
    report.problems += seen;
    return report;
  }
  const found = ctx.tag("render", renderExamples(ctx.registry, resolved, examples, model.params));
  ctx.rendered.set(key, found.length);
  fail(found);
  return report;
}

/**
 * Check a config as a whole: every file, cross references, families and identifiers, and for
 * each feature × model pair of the chosen suites that the prompt resolves and every example
 * renders; plus every evaluator's judge prompt. Collects every problem instead of stopping.
 */
export async function validateConfig(
  configFile: string,
  options: { suite?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ValidationReport> {
  const { partial: config, problems, unreadable } = await checkConfig(configFile);
  const report: ValidationReport = {
    configFile,
    suites: [],
    pairs: [],
    problems,
    codes: new Map(),
    warnings: [],
  };
  const tag = (code: ProblemCode, found: UserError[]): UserError[] => {
    for (const problem of found) report.codes.set(problem, code);
    return found;
  };
  if (!config) return { ...report, problems: sortProblems(problems) };
  report.configFile = config.entryFile;
  if (unreadable.size > 0) {
    report.warnings.push(
      `${[...unreadable].join(" and ")} could not be read, so checks that need them (prompts, datasets, compatibility) were skipped; fix the problems below and run validate again`,
    );
  }
  const { catalog, problems: catalogProblems } = checkCatalog(config, {
    modelsUnreadable: unreadable.has("models"),
  });
  problems.push(...tag("catalog", catalogProblems));

  const suites =
    options.suite === undefined ? Object.keys(config.entry.value.suites) : [options.suite];
  const resolvedSuites = suites.flatMap((name) => {
    try {
      return [resolveSuite(config, name)];
    } catch (err) {
      problems.push(...tag("suite", problemsOf(err)));
      return [];
    }
  });
  report.suites = resolvedSuites.map((s) => s.name);
  problems.push(...tag("suite", checkSuitePairings(catalog, config, report.suites)));
  problems.push(...tag("evaluator", checkEvaluators(config)));
  problems.push(...tag("suite", checkJudgePanels(config, catalog, resolvedSuites)));

  let registry: PromptRegistry | undefined;
  try {
    registry = await loadPromptRegistry(config.definitionsDir, {
      gatewayVersion: config.gatewayVersion,
    });
  } catch (err) {
    problems.push(...tag("prompt", problemsOf(err)));
  }
  const loadedExamples = new Map<
    string,
    Promise<{ examples: Example[]; problems: number } | undefined>
  >();
  // By file: features sharing a dataset must not list its bad records twice.
  const examplesOf = (featureId: string) => {
    const file = catalog.features.get(featureId)?.dataset;
    if (file === undefined) return Promise.resolve(undefined);
    let pending = loadedExamples.get(file);
    if (!pending) {
      pending = checkExamples(file).then((checked) => {
        problems.push(...tag("dataset", checked.problems));
        return { examples: checked.examples, problems: checked.problems.length };
      });
      loadedExamples.set(file, pending);
    }
    return pending;
  };
  const ctx: PairContext = { config, catalog, registry, examplesOf, tag, rendered: new Map() };
  const seenPairs = new Set<string>();
  for (const suite of resolvedSuites) {
    for (const featureId of suite.features) {
      for (const modelName of suite.models) {
        const key = `${featureId}\u0000${modelName}`;
        if (seenPairs.has(key)) continue;
        seenPairs.add(key);
        const pair = await checkPair(ctx, featureId, modelName, suite.allowIncompatible, problems);
        if (pair) report.pairs.push(pair);
      }
    }
  }

  const env = options.env ?? {};
  const needed = new Map<string, string[]>();
  for (const suite of resolvedSuites) {
    for (const name of [...suite.models, suite.judge]) {
      const variable = catalog.models.get(name)?.apiKeyEnv;
      if (variable === undefined || env[variable] !== undefined) continue;
      const users = needed.get(variable) ?? [];
      if (!users.includes(name)) users.push(name);
      needed.set(variable, users);
    }
  }
  for (const [variable, users] of needed) {
    report.warnings.push(
      `environment variable ${variable} is not set (used by ${users.join(", ")}); real runs need it, --simulate does not`,
    );
  }
  report.problems = sortProblems(problems);
  return report;
}
