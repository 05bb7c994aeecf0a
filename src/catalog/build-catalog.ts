import { type LoadedConfig, sortProblems } from "../config/index.js";
import { UserError, UserErrors } from "../core/errors.js";
import type { CatalogModel } from "../core/types.js";
import { toCatalogModel } from "./catalog-model.js";
import { checkSuitePairings, compatibilityProblem } from "./compatibility.js";
import { familyChainFor, knownFamilies } from "./family-chains.js";
import { type FeatureSettings, featureSettingsOf } from "./feature-settings.js";

export type { FeatureSettings, ReleaseState } from "./feature-settings.js";

export interface CompatibilityOptions {
  /** The suite's `allow_incompatible`: evaluate the pair even though the family is not listed. */
  allowIncompatible?: boolean;
  /** Same as allowIncompatible (the name CONTRACTS.md first used). */
  evaluateAnyway?: boolean;
}

export interface CompatibilityProblem {
  feature: string;
  model: string;
  /** The model's family, when the model is known. */
  family: string | undefined;
  message: string;
}

export interface Catalog {
  models: Map<string, CatalogModel>;
  features: Map<string, FeatureSettings>;
  /** `judge` for models marked role: judge in models.yaml, else `model`. */
  roleOf(modelName: string): "model" | "judge";
  /** The fallback chain for a family (overrides from models.yaml applied). Throws for unknown ones. */
  familyChain(family: string): string[];
  knownFamilies(): string[];
  /** Null when `modelName` may serve `featureId` (or the suite allows incompatible pairs). */
  checkCompatibility(
    featureId: string,
    modelName: string,
    options?: CompatibilityOptions,
  ): CompatibilityProblem | null;
}

export interface CatalogCheck {
  /** Holds every model and feature that is valid; broken ones are left out and reported. */
  catalog: Catalog;
  problems: UserError[];
}

/** Build the catalog, collecting model and feature problems instead of throwing. */
export function checkCatalog(
  config: LoadedConfig,
  options: { modelsUnreadable?: boolean } = {},
): CatalogCheck {
  const problems: UserError[] = [];
  const { models: modelsYaml } = config;
  const overrides = modelsYaml.value.families ?? {};
  const families = knownFamilies(overrides);
  const knownList = families.join(", ");

  for (const [family, chain] of Object.entries(overrides)) {
    chain.forEach((member, j) => {
      if (familyChainFor(member, overrides) === undefined) {
        problems.push(
          new UserError(
            `family chain of "${family}" names unknown family "${member}"; known families: ${knownList}. Add "${member}" under families: too or fix the name`,
            modelsYaml.positionOf(["families", family, j]),
          ),
        );
      }
    });
  }

  const models = new Map<string, CatalogModel>();
  const roles = new Map<string, "model" | "judge">();
  modelsYaml.value.models.forEach((entry, i) => {
    const positionOf = (path: readonly PropertyKey[]) =>
      modelsYaml.positionOf(["models", i, ...path]);
    const chain = familyChainFor(entry.family, overrides);
    if (chain === undefined) {
      problems.push(
        new UserError(
          `model "${entry.name}" has unknown family "${entry.family}"; known families: ${knownList}. Fix the family or add it under families: in ${modelsYaml.file}, e.g. ${entry.family}: [${entry.family}]`,
          positionOf(["family"]),
        ),
      );
    }
    const model = toCatalogModel(entry, chain ?? [], positionOf, modelsYaml.file);
    if (Array.isArray(model)) {
      problems.push(...model);
      return;
    }
    if (chain !== undefined && !models.has(entry.name)) {
      models.set(entry.name, model);
      roles.set(entry.name, entry.role);
    }
  });

  const features = featureSettingsOf(
    config,
    {
      // A models file that did not parse may add the family under families:; calling the
      // family unknown then would be a second error for the one mistake already reported.
      isKnown: (family) =>
        options.modelsUnreadable === true || familyChainFor(family, overrides) !== undefined,
      known: families,
      modelsFile: modelsYaml.file,
    },
    problems,
  );

  const catalog: Catalog = {
    models,
    features,
    roleOf: (name) => roles.get(name) ?? "model",
    familyChain(family) {
      const chain = familyChainFor(family, overrides);
      if (chain === undefined) {
        throw new UserError(
          `unknown model family "${family}"; known families: ${knownList}. Add it under families: in ${modelsYaml.file}`,
        );
      }
      return chain;
    },
    knownFamilies: () => [...families],
    checkCompatibility: (featureId, modelName, options) =>
      compatibilityProblem(catalog, featureId, modelName, options),
  };
  return { catalog, problems };
}

/**
 * The catalog of a loaded config. Throws every problem found: unknown families and identifier
 * prefixes, missing endpoint/region/api_version, and suites pairing a feature with a model of
 * an incompatible family (unless the suite sets allow_incompatible: true).
 */
export function buildCatalog(config: LoadedConfig): Catalog {
  const { catalog, problems } = checkCatalog(config);
  problems.push(...checkSuitePairings(catalog, config));
  if (problems.length > 0) {
    const sorted = sortProblems(problems);
    throw sorted.length === 1 ? sorted[0]! : new UserErrors(sorted);
  }
  return catalog;
}
