/**
 * `evalgate run --baseline DIR`: the new run paired with a stored one, cell by cell, and a
 * regression gate per feature (`regression_tolerance` in features.yaml). A model both runs
 * evaluated is compared with itself (a prompt change); otherwise the single model of each run
 * per feature is compared (a migration).
 */
import { relative } from "node:path";
import type { Catalog } from "../catalog/index.js";
import { loadRunFolder, renderCompareTable } from "../reports/index.js";
import { readRunManifest, writeRunManifest } from "../runner/index.js";
import { compareRuns, type FeatureComparison, type RunComparison } from "../scoring/index.js";
import type { CliIO } from "./command.js";

function comparedModels(base: { records: readonly { model: string }[] }, cand: typeof base) {
  const baseModels = new Set(base.records.map((r) => r.model));
  return [...new Set(cand.records.map((r) => r.model))].filter((m) => baseModels.has(m));
}

export async function compareWithBaseline(
  baselineDir: string,
  outDir: string,
  catalog: Pick<Catalog, "features">,
  io: Pick<CliIO, "cwd">,
): Promise<RunComparison> {
  const base = await loadRunFolder(baselineDir);
  const cand = await loadRunFolder(outDir);
  const named = {
    base: { ...base, dir: relative(io.cwd, baselineDir) || "." },
    cand: { ...cand, dir: relative(io.cwd, outDir) || "." },
  };
  const options = {
    toleranceFor: (feature: string) => catalog.features.get(feature)?.regressionTolerance ?? 0.05,
  };
  const shared = comparedModels(base, cand);
  const comparisons =
    shared.length > 0
      ? shared.flatMap((model) => {
          try {
            return [
              compareRuns(named.base, named.cand, {
                ...options,
                baseModel: model,
                candModel: model,
              }),
            ];
          } catch {
            // This model shares no example with the baseline; the others may.
            return [];
          }
        })
      : [compareRuns(named.base, named.cand, options)];
  if (comparisons.length === 0) compareRuns(named.base, named.cand, options); // throws the refusal
  const features: FeatureComparison[] = comparisons.flatMap((c) => c.features);
  const comparison: RunComparison = {
    baseDir: named.base.dir,
    candDir: named.cand.dir,
    confidence: comparisons[0]!.confidence,
    features,
    warnings: [...new Set(comparisons.flatMap((c) => c.warnings))],
    regressed: features.some((f) => f.regressed),
  };
  const manifest = await readRunManifest(outDir);
  await writeRunManifest(outDir, { ...manifest, baseline: baselineRecord(comparison) });
  return comparison;
}

/** What run.json keeps of the comparison: the statistics and which examples changed. */
function baselineRecord(comparison: RunComparison) {
  return {
    dir: comparison.baseDir,
    regressed: comparison.regressed,
    warnings: comparison.warnings,
    features: comparison.features.map((f) => ({
      feature: f.feature,
      baseModel: f.base.model,
      candModel: f.cand.model,
      paired: f.paired,
      basePassRate: f.base.passRate,
      candPassRate: f.cand.passRate,
      change: f.change,
      tolerance: f.tolerance,
      regressed: f.regressed,
      regressedExamples: f.regressions.map((e) => e.exampleId),
      improvedExamples: f.improvements.map((e) => e.exampleId),
    })),
  };
}

export function renderBaselineSummary(comparison: RunComparison): string {
  const failed = comparison.features.filter((f) => f.regressed);
  const verdict =
    failed.length === 0
      ? "no regression beyond tolerance against the baseline"
      : `regressed against the baseline: ${failed.map((f) => `${f.feature} × ${f.cand.model} (${(f.tolerance * 100).toFixed(0)}-point tolerance)`).join(", ")}`;
  const warnings = comparison.warnings.map((w) => `warning: ${w}\n`).join("");
  return `\nagainst baseline ${comparison.baseDir}:\n${renderCompareTable(comparison)}${warnings}${verdict}\n`;
}
