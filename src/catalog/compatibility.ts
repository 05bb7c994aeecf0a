import type { LoadedConfig } from "../config/index.js";
import { formatPosition, UserError } from "../core/errors.js";
import type { Catalog, CompatibilityOptions, CompatibilityProblem } from "./build-catalog.js";

export function compatibilityProblem(
  catalog: Catalog,
  featureId: string,
  modelName: string,
  options: CompatibilityOptions = {},
): CompatibilityProblem | null {
  const feature = catalog.features.get(featureId);
  const model = catalog.models.get(modelName);
  if (!feature || !model) {
    const missing = !feature ? `feature "${featureId}"` : `model "${modelName}"`;
    return {
      feature: featureId,
      model: modelName,
      family: model?.family,
      message: `${missing} is not in the catalog`,
    };
  }
  if (feature.compatibleFamilies.includes(model.family)) return null;
  if (options.allowIncompatible || options.evaluateAnyway) return null;
  const source = feature.compatibilitySource;
  const fromGitLab = source?.key === "compatible_llms";
  const listed = `${source?.key ?? "compatible_families"}: ${feature.compatibleFamilies.join(", ")} at ${formatPosition(source?.position ?? feature.position)}`;
  // GitLab's own list is the product's rule: evalgate's config cannot widen it.
  const widen = fromGitLab ? "" : ` add ${model.family} to compatible_families,`;
  return {
    feature: featureId,
    model: modelName,
    family: model.family,
    message: `model "${modelName}" (family ${model.family}) is not compatible with feature "${featureId}" (${listed}); remove the model from the suite,${widen} or set allow_incompatible: true on the suite to evaluate the pair anyway`,
  };
}

/**
 * Incompatible feature × model pairs in the given suites (all suites by default), each at the
 * suite line that selects the model. Unknown names are left to the config check.
 */
export function checkSuitePairings(
  catalog: Catalog,
  config: LoadedConfig,
  suites: readonly string[] = Object.keys(config.entry.value.suites),
): UserError[] {
  const problems: UserError[] = [];
  for (const name of suites) {
    const suite = config.entry.value.suites[name];
    if (!suite) continue;
    suite.models.forEach((modelName, j) => {
      if (!catalog.models.has(modelName)) return;
      for (const featureId of suite.features) {
        if (!catalog.features.has(featureId)) continue;
        const problem = catalog.checkCompatibility(featureId, modelName, {
          allowIncompatible: suite.allow_incompatible,
        });
        if (problem) {
          problems.push(
            new UserError(
              `suite "${name}": ${problem.message}`,
              config.entry.positionOf(["suites", name, "models", j]),
            ),
          );
        }
      }
    });
  }
  return problems;
}
