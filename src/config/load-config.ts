import { readdir, stat } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { type SourcePosition, UserError, UserErrors } from "../core/errors.js";
import { checkReferences } from "./config-references.js";
import { type EntryFile, entryFileSchema, type GatewayVersion } from "./schemas/entry-schema.js";
import { type EvaluatorFile, evaluatorFileSchema } from "./schemas/evaluator-schema.js";
import {
  type FeatureMetadataFile,
  featureMetadataFileSchema,
} from "./schemas/feature-metadata-schema.js";
import { type FeaturesFile, featuresFileSchema } from "./schemas/features-schema.js";
import { type ModelsFile, modelsFileSchema } from "./schemas/models-schema.js";
import { type LoadedYaml, loadYamlFile } from "./yaml-file.js";

export interface LoadedEvaluator extends LoadedYaml<EvaluatorFile> {
  name: string;
}

/** The entry file and every file it references, parsed and validated, with absolute paths. */
export interface LoadedConfig {
  /** Absolute path of the entry file (evalgate.yaml). */
  entryFile: string;
  entry: LoadedYaml<EntryFile>;
  models: LoadedYaml<ModelsFile>;
  features: LoadedYaml<FeaturesFile>;
  /**
   * GitLab's feature_metadata.yml named by features.yaml `gitlab_feature_metadata` (read as
   * YAML 1.1, as GitLab's Ruby reads it); undefined when not named.
   */
  featureMetadata: LoadedYaml<FeatureMetadataFile> | undefined;
  /** Absolute prompt definitions folder. */
  definitionsDir: string;
  /** Which gateway's prompt rules the definitions are rendered with (`gateway_version`). */
  gatewayVersion: GatewayVersion;
  /** Absolute evaluators folder. */
  evaluatorsDir: string;
  /** Every evaluator file in the evaluators folder, by name. */
  evaluators: Map<string, LoadedEvaluator>;
  /** Absolute dataset file per feature id, for the features that name one. */
  datasetFiles: Map<string, string>;
}

/** A part of the config that could not be read or parsed; checks that need it are skipped. */
export type ConfigPart = "models" | "features" | "evaluators";

/**
 * What checking a config found. `config` is set when every file parsed (references may still
 * be broken). `partial` is set whenever the entry file parsed: parts listed in `unreadable`
 * are stand-ins (empty lists), so the rest can still be checked and every problem reported
 * in one go.
 */
export interface ConfigCheck {
  config: LoadedConfig | undefined;
  partial: LoadedConfig | undefined;
  problems: UserError[];
  unreadable: Set<ConfigPart>;
}

function problemsOf(err: unknown): UserError[] {
  if (err instanceof UserErrors) return [...err.problems];
  if (err instanceof UserError) return [err];
  throw err;
}

/** File order, then line order: files load concurrently, but the listing must be stable. */
export function sortProblems(problems: readonly UserError[]): UserError[] {
  const key = (p: UserError) => p.position ?? { file: "" };
  return [...problems].sort((a, b) => {
    const pa = key(a);
    const pb = key(b);
    if (pa.file !== pb.file) return pa.file < pb.file ? -1 : 1;
    return (pa.line ?? 0) - (pb.line ?? 0) || (pa.column ?? 0) - (pb.column ?? 0);
  });
}

async function kindOf(path: string): Promise<"file" | "dir" | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? "dir" : "file";
  } catch {
    return undefined;
  }
}

/** A referenced file or folder must exist; the error points at the line that names it. */
async function requirePath(
  path: string,
  kind: "file" | "dir",
  where: SourcePosition,
  what: string,
): Promise<UserError | undefined> {
  const found = await kindOf(path);
  if (found === kind) return undefined;
  const problem =
    found === undefined ? "does not exist" : kind === "dir" ? "is a file" : "is a folder";
  return new UserError(
    `${what} ${path} ${problem}; fix the path (it is relative to the file that names it)`,
    where,
  );
}

/** Evaluators that parsed, plus the names of those that did not (so nobody calls them missing). */
async function loadEvaluators(
  dir: string,
  problems: UserError[],
  unparsed: Set<string>,
): Promise<Map<string, LoadedEvaluator>> {
  const evaluators = new Map<string, LoadedEvaluator>();
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const loaded = await Promise.all(
    names.map(async (n) => {
      try {
        return await loadYamlFile(join(dir, n), evaluatorFileSchema);
      } catch (err) {
        problems.push(...problemsOf(err));
        unparsed.add(basename(n, extname(n)));
        return undefined;
      }
    }),
  );
  for (const file of loaded) {
    if (!file) continue;
    const name = basename(file.file, extname(file.file));
    if (file.value.name !== name) {
      problems.push(
        new UserError(
          `evaluator name "${file.value.name}" does not match the file name; rename the file to ${file.value.name}${extname(file.file)} or set name: ${name}`,
          file.positionOf(["name"]),
        ),
      );
    }
    if (evaluators.has(name)) {
      problems.push(
        new UserError(
          `evaluator "${name}" is defined twice (.yaml and .yml); keep one`,
          file.positionOf([]),
        ),
      );
      continue;
    }
    evaluators.set(name, { ...file, name });
  }
  return evaluators;
}

/** The loader of the metadata file features.yaml names, after checking the path exists. */
async function metadataLoader(
  features: LoadedYaml<FeaturesFile>,
): Promise<[UserError | undefined, () => Promise<LoadedYaml<FeatureMetadataFile> | undefined>]> {
  const named = features.value.gitlab_feature_metadata;
  if (named === undefined) return [undefined, async () => undefined];
  const file = resolve(dirname(features.file), named);
  const where = features.positionOf(["gitlab_feature_metadata"]);
  const missing = await requirePath(file, "file", where, "GitLab feature metadata file");
  return [missing, () => loadYamlFile(file, featureMetadataFileSchema, { yaml: "1.1" })];
}

/**
 * Parse and validate the entry file and everything it references, collecting the problems of
 * every file (not just the first) plus broken cross references.
 */
export async function checkConfig(entryFile: string): Promise<ConfigCheck> {
  const absEntry = resolve(entryFile);
  let entry: LoadedYaml<EntryFile>;
  try {
    entry = await loadYamlFile(absEntry, entryFileSchema);
  } catch (err) {
    return {
      config: undefined,
      partial: undefined,
      problems: problemsOf(err),
      unreadable: new Set(),
    };
  }
  const base = dirname(absEntry);
  const problems: UserError[] = [];
  const at = (key: keyof EntryFile) => entry.positionOf([key]);
  const paths = {
    models: resolve(base, entry.value.models),
    features: resolve(base, entry.value.features),
    definitions: resolve(base, entry.value.definitions),
    evaluators: resolve(base, entry.value.evaluators),
  };
  const missing = await Promise.all([
    requirePath(paths.models, "file", at("models"), "models file"),
    requirePath(paths.features, "file", at("features"), "features file"),
    requirePath(paths.definitions, "dir", at("definitions"), "definitions folder"),
    requirePath(paths.evaluators, "dir", at("evaluators"), "evaluators folder"),
  ]);
  for (const m of missing) if (m) problems.push(m);

  const load = async <T>(
    missingProblem: UserError | undefined,
    loader: () => Promise<T>,
  ): Promise<T | undefined> => {
    if (missingProblem) return undefined;
    try {
      return await loader();
    } catch (err) {
      problems.push(...problemsOf(err));
      return undefined;
    }
  };
  const unparsedEvaluators = new Set<string>();
  const [models, features, evaluators] = await Promise.all([
    load(missing[0], () => loadYamlFile(paths.models, modelsFileSchema)),
    load(missing[1], () => loadYamlFile(paths.features, featuresFileSchema)),
    load(missing[3], () => loadEvaluators(paths.evaluators, problems, unparsedEvaluators)),
  ]);
  const unreadable = new Set<ConfigPart>();
  const standIn = <T>(file: string, part: ConfigPart, value: T): LoadedYaml<T> => {
    unreadable.add(part);
    return { file, value, positionOf: () => ({ file }) };
  };

  let featureMetadata: LoadedYaml<FeatureMetadataFile> | undefined;
  if (features) {
    const [missingMetadata, loadMetadata] = await metadataLoader(features);
    if (missingMetadata) problems.push(missingMetadata);
    featureMetadata = await load(missingMetadata, loadMetadata);
  }
  // Without the metadata its features are not known: skip the checks that need them.
  const featuresYaml =
    features && (featureMetadata || features.value.gitlab_feature_metadata === undefined)
      ? features
      : standIn(paths.features, "features", { features: [] });
  const datasetFiles = new Map<string, string>();
  for (const feature of featuresYaml.value.features) {
    if (feature.dataset !== undefined) {
      datasetFiles.set(feature.id, resolve(dirname(featuresYaml.file), feature.dataset));
    }
  }
  const config: LoadedConfig = {
    entryFile: absEntry,
    entry,
    models: models ?? standIn(paths.models, "models", { models: [] }),
    features: featuresYaml,
    featureMetadata,
    definitionsDir: paths.definitions,
    gatewayVersion: entry.value.gateway_version,
    evaluatorsDir: paths.evaluators,
    evaluators: evaluators ?? new Map(),
    datasetFiles,
  };
  if (!evaluators) unreadable.add("evaluators");
  const skip = { unreadable, unparsedEvaluators };
  problems.push(...(await checkReferences(config, (path) => kindOf(path), skip)));
  return {
    config: unreadable.size === 0 ? config : undefined,
    partial: config,
    problems: sortProblems(problems),
    unreadable,
  };
}

/** Load a config, throwing every problem found (UserErrors) when there is any. */
export async function loadConfig(entryFile: string): Promise<LoadedConfig> {
  const { config, problems } = await checkConfig(entryFile);
  if (problems.length > 0 || !config) {
    throw problems.length === 1 ? problems[0]! : new UserErrors(problems);
  }
  return config;
}
