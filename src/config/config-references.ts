import { UserError } from "../core/errors.js";
import { didYouMean } from "./did-you-mean.js";
import type { ConfigPart, LoadedConfig } from "./load-config.js";

type PathKind = (path: string) => Promise<"file" | "dir" | undefined>;

function duplicates<T>(
  items: readonly T[],
  key: (item: T) => string,
  report: (index: number, name: string) => void,
): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) report(i, k);
    seen.add(k);
  });
}

/**
 * Cross-file checks that a schema cannot express: names that must exist in another file,
 * datasets that must exist on disk. Each problem points at the line that makes the reference.
 */
export async function checkReferences(
  config: LoadedConfig,
  kindOf: PathKind,
  skip: { unreadable: ReadonlySet<ConfigPart>; unparsedEvaluators: ReadonlySet<string> },
): Promise<UserError[]> {
  const problems: UserError[] = [];
  // A file that did not parse has already been reported; names it would define are not "missing".
  const modelsKnown = !skip.unreadable.has("models");
  const featuresKnown = !skip.unreadable.has("features");
  const evaluatorsKnown = !skip.unreadable.has("evaluators");
  const { entry, models, features, evaluators } = config;
  const modelsFile = models.file;
  const featuresFile = features.file;
  const modelNames = new Set(models.value.models.map((m) => m.name));
  const featureById = new Map(features.value.features.map((f) => [f.id, f]));

  duplicates(
    models.value.models,
    (m) => m.name,
    (i, name) =>
      problems.push(
        new UserError(
          `model "${name}" is defined twice; model names must be unique`,
          models.positionOf(["models", i, "name"]),
        ),
      ),
  );
  duplicates(
    features.value.features,
    (f) => f.id,
    (i, id) =>
      problems.push(
        new UserError(
          `feature "${id}" is defined twice; feature ids must be unique`,
          features.positionOf(["features", i, "id"]),
        ),
      ),
  );

  const unknownModel = (name: string, path: PropertyKey[], role: string) =>
    new UserError(
      `${role} "${name}" is not a model in ${modelsFile}${didYouMean(name, modelNames)}; add it there or fix the name`,
      entry.positionOf(path),
    );

  if (modelsKnown && !modelNames.has(entry.value.judge)) {
    problems.push(unknownModel(entry.value.judge, ["judge"], "judge"));
  }

  const suiteNames = Object.keys(entry.value.suites);
  const defaultSuite = entry.value.default_suite;
  if (defaultSuite !== undefined && !suiteNames.includes(defaultSuite)) {
    problems.push(
      new UserError(
        `default_suite "${defaultSuite}" is not one of the suites${didYouMean(defaultSuite, suiteNames)}; name a suite defined under suites:`,
        entry.positionOf(["default_suite"]),
      ),
    );
  } else if (defaultSuite === undefined && suiteNames.length > 1) {
    problems.push(
      new UserError(
        `default_suite is missing and there are ${suiteNames.length} suites; add default_suite: <one of ${suiteNames.join(", ")}>`,
        entry.positionOf([]),
      ),
    );
  }

  for (const [suiteName, suite] of Object.entries(entry.value.suites)) {
    const base = ["suites", suiteName];
    suite.models.forEach((name, j) => {
      if (modelsKnown && !modelNames.has(name)) {
        problems.push(unknownModel(name, [...base, "models", j], "model"));
      }
    });
    if (modelsKnown && suite.judge !== undefined && !modelNames.has(suite.judge)) {
      problems.push(unknownModel(suite.judge, [...base, "judge"], "judge"));
    }
    duplicates(
      suite.models,
      (m) => m,
      (j, name) =>
        problems.push(
          new UserError(
            `model "${name}" is listed twice in suite "${suiteName}"; remove one`,
            entry.positionOf([...base, "models", j]),
          ),
        ),
    );
    duplicates(
      suite.features,
      (f) => f,
      (j, id) =>
        problems.push(
          new UserError(
            `feature "${id}" is listed twice in suite "${suiteName}"; remove one`,
            entry.positionOf([...base, "features", j]),
          ),
        ),
    );
    suite.features.forEach((id, j) => {
      if (!featuresKnown) return;
      const where = entry.positionOf([...base, "features", j]);
      const feature = featureById.get(id);
      if (!feature) {
        problems.push(
          new UserError(
            `feature "${id}" is not in ${featuresFile}${didYouMean(id, featureById.keys())}; add it there or fix the id`,
            where,
          ),
        );
        return;
      }
      if (feature.dataset === undefined) {
        problems.push(
          new UserError(
            `feature "${id}" has no dataset, so suite "${suiteName}" cannot evaluate it; add dataset: and evaluator: to it in ${featuresFile} or remove it from the suite`,
            where,
          ),
        );
      } else if (feature.evaluator === undefined) {
        problems.push(
          new UserError(
            `feature "${id}" has no evaluator, so suite "${suiteName}" cannot judge it; add evaluator: <name> to it in ${featuresFile} or remove it from the suite`,
            where,
          ),
        );
      }
    });
    if (suite.via_gateway && entry.value.gateway === undefined) {
      problems.push(
        new UserError(
          `suite "${suiteName}" sets via_gateway: true but there is no gateway: section; add gateway: {url: ...} or set via_gateway: false`,
          entry.positionOf([...base, "via_gateway"]),
        ),
      );
    }
  }

  await Promise.all(
    features.value.features.map(async (feature, i) => {
      if (
        evaluatorsKnown &&
        feature.evaluator !== undefined &&
        !evaluators.has(feature.evaluator) &&
        !skip.unparsedEvaluators.has(feature.evaluator)
      ) {
        problems.push(
          new UserError(
            `evaluator "${feature.evaluator}" not found: there is no ${feature.evaluator}.yaml in ${config.evaluatorsDir}${didYouMean(feature.evaluator, evaluators.keys())}`,
            features.positionOf(["features", i, "evaluator"]),
          ),
        );
      }
      const dataset = config.datasetFiles.get(feature.id);
      if (dataset !== undefined && (await kindOf(dataset)) !== "file") {
        problems.push(
          new UserError(
            `dataset ${dataset} does not exist; fix the path (relative to ${featuresFile}) or create the file`,
            features.positionOf(["features", i, "dataset"]),
          ),
        );
      }
    }),
  );
  return problems;
}
