import {
  didYouMean,
  type FeatureEntry,
  type FeatureMetadataEntry,
  GITLAB_RELEASE_STATES,
  type LoadedConfig,
} from "../config/index.js";
import { type SourcePosition, UserError } from "../core/errors.js";

export type ReleaseState = "ga" | "beta" | "experiment";

/** One feature's settings with defaults applied and the dataset path made absolute. */
export interface FeatureSettings {
  id: string;
  title: string;
  releaseState: ReleaseState;
  promptId: string;
  /** Poetry-style constraint, default `^1.0.0`. */
  promptVersion: string;
  compatibleFamilies: string[];
  /** Absolute dataset path; undefined for features evalgate has no dataset for. */
  dataset: string | undefined;
  evaluator: string | undefined;
  metric: "pass_rate";
  threshold: number;
  yellowBand: number;
  /** `run --baseline`: the drop in pass rate (0–1) allowed before a regression fails the run. */
  regressionTolerance: number;
  /** Where the feature is defined in features.yaml. */
  position: SourcePosition;
  /**
   * Where the compatible families come from: `compatible_families` in features.yaml (the
   * default), or GitLab's `compatible_llms` in gitlab_feature_metadata.
   */
  compatibilitySource?: {
    key: "compatible_families" | "compatible_llms";
    position: SourcePosition;
  };
}

interface Families {
  isKnown(family: string): boolean;
  known: readonly string[];
  /** The models file, for the fix of an unknown family. */
  modelsFile: string;
}

const OWN_KEYS = ["title", "release_state", "compatible_families"] as const;

/**
 * Each features.yaml entry merged with GitLab's metadata for the same feature name, when
 * features.yaml names a gitlab_feature_metadata file: title, release state and compatible
 * families (`compatible_llms`) then come from GitLab, and the entry adds evalgate's keys.
 */
export function featureSettingsOf(
  config: LoadedConfig,
  families: Families,
  problems: UserError[],
): Map<string, FeatureSettings> {
  const { features: featuresYaml, featureMetadata } = config;
  const metadata = featureMetadata?.value;
  const settings = new Map<string, FeatureSettings>();
  featuresYaml.value.features.forEach((f, i) => {
    const at = (...path: PropertyKey[]) => featuresYaml.positionOf(["features", i, ...path]);
    const found: [string, FeatureMetadataEntry] | undefined =
      metadata && Object.hasOwn(metadata, f.id) ? [f.id, metadata[f.id] ?? {}] : undefined;
    const before = problems.length;
    const resolved = found
      ? fromMetadata(f, found[1], config, families, at, problems)
      : fromEntry(f, config, families, at, problems);
    if (f.threshold - f.yellow_band < 0) {
      problems.push(
        new UserError(
          `feature "${f.id}": yellow_band ${f.yellow_band} is larger than threshold ${f.threshold}; make it at most ${f.threshold}`,
          at("yellow_band"),
        ),
      );
    }
    if (!resolved || problems.length > before || settings.has(f.id)) return;
    settings.set(f.id, {
      id: f.id,
      ...resolved,
      promptId: f.prompt_id,
      promptVersion: f.prompt_version,
      dataset: config.datasetFiles.get(f.id),
      evaluator: f.evaluator,
      metric: f.metric,
      threshold: f.threshold,
      yellowBand: f.yellow_band,
      regressionTolerance: f.regression_tolerance,
      position: at(),
    });
  });
  return settings;
}

type Resolved = Pick<
  FeatureSettings,
  "title" | "releaseState" | "compatibleFamilies" | "compatibilitySource"
>;

function fromEntry(
  f: FeatureEntry,
  config: LoadedConfig,
  families: Families,
  at: (...path: PropertyKey[]) => SourcePosition,
  problems: UserError[],
): Resolved | undefined {
  const missing = OWN_KEYS.filter((key) => f[key] === undefined);
  if (missing.length > 0) {
    const metadata = config.featureMetadata;
    const hint = metadata
      ? `; "${f.id}" is not a feature of ${metadata.file}${didYouMean(f.id, Object.keys(metadata.value))}, so fix the id or add the key${missing.length > 1 ? "s" : ""}`
      : "; add them, or name GitLab's feature_metadata.yml with gitlab_feature_metadata: to take them from it";
    problems.push(new UserError(`feature "${f.id}" has no ${missing.join(", ")}${hint}`, at()));
    return undefined;
  }
  f.compatible_families!.forEach((family, j) => {
    if (!families.isKnown(family)) {
      problems.push(
        new UserError(
          `feature "${f.id}" lists unknown family "${family}" in compatible_families; known families: ${families.known.join(", ")}`,
          at("compatible_families", j),
        ),
      );
    }
  });
  return {
    title: f.title!,
    releaseState: f.release_state!,
    compatibleFamilies: [...f.compatible_families!],
    compatibilitySource: { key: "compatible_families", position: at() },
  };
}

function fromMetadata(
  f: FeatureEntry,
  entry: FeatureMetadataEntry,
  config: LoadedConfig,
  families: Families,
  at: (...path: PropertyKey[]) => SourcePosition,
  problems: UserError[],
): Resolved | undefined {
  const metadata = config.featureMetadata!;
  const metaAt = (...path: PropertyKey[]) => metadata.positionOf([f.id, ...path]);
  for (const key of OWN_KEYS) {
    if (f[key] !== undefined) {
      const from = key === "compatible_families" ? "compatible_llms" : key;
      problems.push(
        new UserError(
          `feature "${f.id}": ${key} comes from GitLab's ${from} in ${metadata.file} (this feature is there); remove it here${key === "compatible_families" ? " (to evaluate another family anyway, set allow_incompatible: true on the suite)" : ""}`,
          at(key),
        ),
      );
    }
  }
  const state = entry.release_state;
  const releaseState = state === undefined ? "ga" : GITLAB_RELEASE_STATES[state.toUpperCase()];
  if (releaseState === undefined) {
    problems.push(
      new UserError(
        `feature "${f.id}" has release_state "${state}", which GitLab does not use; expected one of ${Object.keys(GITLAB_RELEASE_STATES).join(", ")}`,
        metaAt("release_state"),
      ),
    );
  }
  const llms = entry.compatible_llms ?? [];
  llms.forEach((family, j) => {
    if (!families.isKnown(family)) {
      problems.push(
        new UserError(
          `feature "${f.id}" lists compatible_llms "${family}", which is not a family evalgate knows (known: ${families.known.join(", ")}); add it under families: in ${families.modelsFile}, e.g. ${family}: [${family}]`,
          metaAt("compatible_llms", j),
        ),
      );
    }
  });
  return {
    title: entry.title ?? f.id,
    releaseState: releaseState ?? "ga",
    // GitLab skips the compatibility check when the list is empty: every family may serve it.
    compatibleFamilies: llms.length > 0 ? [...llms] : [...families.known],
    compatibilitySource: { key: "compatible_llms", position: metaAt("compatible_llms") },
  };
}
