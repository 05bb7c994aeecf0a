/**
 * `evalgate compare --pairwise`: every paired response judged against its counterpart, in
 * both orders, by the suite's judge (or `--judge`). The judge model, its endpoint and the
 * datasets (for the task and the reference) come from the configuration the candidate run
 * recorded, or `--config`.
 */
import { resolve } from "node:path";
import { buildCatalog } from "../catalog/index.js";
import { loadConfig } from "../config/index.js";
import { UserError } from "../core/errors.js";
import type { CellRecord, Example } from "../core/types.js";
import { loadExamples } from "../datasets/index.js";
import { createPairwiseJudge, judgeBothOrders, type SwappedVerdict } from "../judges/index.js";
import { createModelClient } from "../providers/index.js";
import type { LoadedRunFolder } from "../reports/index.js";
import { type RunComparison, tallyPairwise } from "../scoring/index.js";
import { defaultProfileFile, startSimulatedEndpoints } from "./simulated-endpoints.js";

export interface PairwiseJudgingOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  config?: string;
  judge?: string;
  /** Answer the judge with the built-in simulator (optionally with this profile). */
  simulate: boolean;
  simulateProfile?: string;
}

function recordedConfig(run: LoadedRunFolder): string | undefined {
  const file = run.manifest.config.file;
  return typeof file === "string" ? file : undefined;
}

function recordedJudge(run: LoadedRunFolder): string | undefined {
  const resolved = run.manifest.config.resolved as { suite?: { judge?: unknown } } | undefined;
  return typeof resolved?.suite?.judge === "string" ? resolved.suite.judge : undefined;
}

/** The example's inputs as the judge reads the task: one `name: value` line each. */
function taskText(example: Example | undefined): string {
  if (!example) return "(the task is not in the configured dataset)";
  return Object.entries(example.inputs)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join("\n");
}

async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function responsesByCell(records: readonly CellRecord[], feature: string, model: string) {
  const out = new Map<string, CellRecord>();
  for (const r of records) {
    if (r.feature === feature && r.model === model && typeof r.response === "string") {
      out.set(`${r.exampleId}\u0000${r.repeat}`, r);
    }
  }
  return out;
}

export async function addPairwiseJudging(
  comparison: RunComparison,
  base: LoadedRunFolder,
  cand: LoadedRunFolder,
  options: PairwiseJudgingOptions,
): Promise<void> {
  const configFile = options.config ? resolve(options.cwd, options.config) : recordedConfig(cand);
  if (!configFile) {
    throw new UserError(
      `${cand.dir}/run.json records no configuration; pass --config FILE so --pairwise knows its judge and datasets`,
    );
  }
  const config = await loadConfig(configFile);
  const catalog = buildCatalog(config);
  const judgeName = options.judge ?? recordedJudge(cand) ?? config.entry.value.judge;
  const judgeModel = catalog.models.get(judgeName);
  if (!judgeModel) {
    throw new UserError(
      `--pairwise judge ${judgeName} is not a model in ${config.entry.file}'s catalog; name one with --judge (${[...catalog.models.keys()].join(", ")})`,
    );
  }
  const simulated = options.simulate
    ? await startSimulatedEndpoints(
        config,
        { catalog, features: [], limit: undefined },
        options.simulateProfile
          ? resolve(options.cwd, options.simulateProfile)
          : defaultProfileFile(config),
        options.env,
      )
    : undefined;
  try {
    const client = createModelClient(simulated ? simulated.reachModel(judgeModel) : judgeModel, {
      env: simulated?.env ?? options.env,
    });
    const judge = createPairwiseJudge({
      client,
      judgeName,
      params: { ...judgeModel.params, temperature: 0 },
    });
    for (const feature of comparison.features) {
      const sameFamily = [feature.base.model, feature.cand.model].filter(
        (m) => catalog.models.get(m)?.family === judgeModel.family,
      );
      if (sameFamily.length > 0) {
        comparison.warnings.push(
          `feature ${feature.feature}: the pairwise judge ${judgeName} is of the ${judgeModel.family} family, like ${sameFamily.join(" and ")} (self-preference risk); choose another with --judge`,
        );
      }
      const dataset = catalog.features.get(feature.feature)?.dataset;
      const examples = new Map(
        (dataset ? await loadExamples(dataset) : []).map((e) => [e.id, e] as const),
      );
      const baseCells = responsesByCell(base.records, feature.feature, feature.base.model);
      const candCells = responsesByCell(cand.records, feature.feature, feature.cand.model);
      const pairs = [...baseCells]
        .filter(([key]) => candCells.has(key))
        .sort((x, y) => x[0].localeCompare(y[0]))
        .map(([key, b]) => [b, candCells.get(key)!] as const);
      const verdicts: SwappedVerdict[] = await inParallel(
        pairs,
        judgeModel.limits.concurrency,
        ([b, c]) => {
          const example = examples.get(b.exampleId);
          return judgeBothOrders(judge, {
            feature: feature.feature,
            task: taskText(example),
            reference: example?.reference,
            base: b.response!,
            cand: c.response!,
          });
        },
      );
      feature.pairwise = tallyPairwise(judgeName, verdicts);
    }
    await client.close?.();
  } finally {
    await simulated?.simulator.close();
  }
}
