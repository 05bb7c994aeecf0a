/**
 * `evalgate compare --pairwise`: every paired response judged against its counterpart, in
 * both orders, by the suite's judge (or `--judge`). The judge model, its endpoint and the
 * datasets (for the task and the reference) come from the configuration the candidate run
 * recorded, or `--config`. The judge calls go through the runner's call stack (judgePairs):
 * limits, retries, breaker and the response cache, as a run's judge calls do.
 */
import { resolve } from "node:path";
import { buildCatalog } from "../catalog/index.js";
import { loadConfig } from "../config/index.js";
import { UserError } from "../core/errors.js";
import type { CellRecord, Example } from "../core/types.js";
import { loadExamples } from "../datasets/index.js";
import type { LoadedRunFolder } from "../reports/index.js";
import { judgePairs, type PairToJudge } from "../runner/index.js";
import { type PairwiseTally, type RunComparison, tallyPairwise } from "../scoring/index.js";
import { defaultProfileFile, startSimulatedEndpoints } from "./simulated-endpoints.js";

export interface PairwiseJudgingOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  config?: string;
  judge?: string;
  /** Answer the judge with the built-in simulator (optionally with this profile). */
  simulate: boolean;
  simulateProfile?: string;
  /** The response cache, as `run` has it (`--no-cache`, `--cache-dir`). */
  cache: { enabled: boolean; dir?: string; cwd: string };
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

function responsesByCell(records: readonly CellRecord[], feature: string, model: string) {
  const out = new Map<string, CellRecord>();
  for (const r of records) {
    if (r.feature === feature && r.model === model && typeof r.response === "string") {
      out.set(`${r.exampleId}\u0000${r.repeat}`, r);
    }
  }
  return out;
}

/** The unjudged pairs of one feature, counted by reason, for the console and compare.md. */
function unjudgedWarning(feature: string, tally: PairwiseTally, pairs: number): string {
  const byReason = new Map<string, number>();
  for (const u of tally.unjudged) byReason.set(u.reason, (byReason.get(u.reason) ?? 0) + 1);
  const reasons = [...byReason]
    .slice(0, 3)
    .map(([reason, n]) => `${n} × ${reason}`)
    .join("; ");
  const more =
    byReason.size > 3 ? `; and ${byReason.size - 3} other reason(s) in compare.json` : "";
  return `feature ${feature}: ${tally.unjudged.length} of ${pairs} pair(s) have no pairwise verdict (${tally.failed} failed, ${tally.unscored} unscored) and count as neither a win nor a tie: ${reasons}${more}`;
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
  const pairs: PairToJudge[] = [];
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
    for (const [key, b] of [...baseCells].sort((x, y) => x[0].localeCompare(y[0]))) {
      const c = candCells.get(key);
      if (!c) continue;
      const example = examples.get(b.exampleId);
      pairs.push({
        feature: feature.feature,
        exampleId: b.exampleId,
        repeat: b.repeat,
        task: taskText(example),
        reference: example?.reference,
        base: b.response!,
        cand: c.response!,
      });
    }
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
  let judged: Awaited<ReturnType<typeof judgePairs>>;
  try {
    judged = await judgePairs({
      judge: judgeModel,
      pairs,
      env: simulated?.env ?? options.env,
      cache: options.cache,
      ...(simulated ? { reachModel: simulated.reachModel, simulation: simulated.simulation } : {}),
    });
    comparison.pairwiseCalls = {
      ...judged.calls,
      ...(simulated ? { simulatorRequests: simulated.simulator.stats().requests } : {}),
    };
  } finally {
    await simulated?.simulator.close();
  }
  for (const feature of comparison.features) {
    const rows = pairs.flatMap((pair, i) =>
      pair.feature === feature.feature
        ? [{ ...judged.verdicts[i]!, exampleId: pair.exampleId, repeat: pair.repeat }]
        : [],
    );
    const tally = tallyPairwise(judgeName, rows);
    feature.pairwise = tally;
    if (tally.unjudged.length > 0) {
      comparison.warnings.push(unjudgedWarning(feature.feature, tally, rows.length));
    }
  }
}
