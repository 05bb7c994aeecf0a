import type { CatalogModel } from "../core/types.js";
import { loadExamples } from "../datasets/index.js";
import type { AnswerKeyEntry } from "./answer-key.js";

/**
 * Glue between a catalog and the simulator: which catalog model a wire name means, each
 * model's family chain, and answer keys from the features' datasets.
 */
export interface SimulatorNames {
  /** Wire name (served name / Bedrock model id / Azure deployment) -> catalog name. */
  aliases: Record<string, string>;
  /**
   * Family -> fallback chain, for the gateway endpoints: the gateway is told a model's family
   * (model_metadata.name), so this carries the catalog's chains, overrides included.
   */
  families: Record<string, string[]>;
  /** Wire name -> catalog name of the `role: judge` model serving it, for judge requests. */
  judgeAliases: Record<string, string>;
}

/**
 * When several catalog models share a wire name (a model and its judge entry usually do),
 * the first one listed answers model requests and the first `role: judge` one (per `roleOf`)
 * answers judge requests, so each keeps its own profile entry.
 */
export function simulatorNamesFromCatalog(
  models: Iterable<CatalogModel>,
  roleOf: (name: string) => "model" | "judge" = () => "model",
): SimulatorNames {
  const aliases: Record<string, string> = {};
  const families: Record<string, string[]> = {};
  const judgeAliases: Record<string, string> = {};
  for (const model of models) {
    aliases[model.servedName] ??= model.name;
    families[model.family] ??= model.familyChain;
    if (roleOf(model.name) === "judge") judgeAliases[model.servedName] ??= model.name;
  }
  return { aliases, families, judgeAliases };
}

/** Reads each feature's dataset; examples without a reference cannot teach an answer. */
export async function loadAnswerKey(
  datasets: Iterable<[feature: string, file: string]>,
  options: { limit?: number } = {},
): Promise<AnswerKeyEntry[]> {
  const entries: AnswerKeyEntry[] = [];
  for (const [feature, file] of datasets) {
    for (const example of await loadExamples(file, options)) {
      if (example.reference === undefined) continue;
      entries.push({ feature, inputs: example.inputs, reference: example.reference });
    }
  }
  return entries;
}
