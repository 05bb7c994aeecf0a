/**
 * Rebuilds a run folder's reports from its journal and manifest alone: the `summary` in
 * run.json, summary.md, junit.xml, metrics.txt and gl-code-quality-report.json. `evalgate
 * run`, `merge` and `report` all end here, so a report can always be rebuilt from what is on
 * disk. The journal is read once, each report folding records as they stream past.
 */
import { existsSync } from "node:fs";
import { open, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { UserError } from "../core/errors.js";
import type { CellRecord } from "../core/types.js";
import {
  forEachJournalRecord,
  journalPathIn,
  type RunManifest,
  readRunManifest,
  writeRunManifest,
} from "../runner/index.js";
import {
  evaluateGate,
  type GateOutcome,
  MatrixAccumulator,
  type MatrixEntry,
  type PairPlan,
} from "../scoring/index.js";
import {
  CODE_QUALITY_FILE,
  renderCodeQualityReport,
  repositoryPath,
} from "./code-quality-report.js";
import { ReportDataCollector, writeRunHtmlReport } from "./html/index.js";
import { JUNIT_FILE, JUnitReportBuilder } from "./junit-report.js";
import { METRICS_FILE, renderOpenMetrics } from "./openmetrics-report.js";
import { type RunOutcome, runOutcome } from "./run-outcome.js";
import { renderSummaryMarkdown } from "./summary-markdown.js";
import { WorstExamplesCollector } from "./worst-examples.js";

export const SUMMARY_MARKDOWN_FILE = "summary.md";

export interface RunReport {
  manifest: RunManifest;
  entries: MatrixEntry[];
  gateOutcome: GateOutcome;
  complete: boolean;
  /** What the results amount to; the CLI's exit code comes from it (runExitCode). */
  outcome: RunOutcome;
}

export function pairPlans(manifest: RunManifest): PairPlan[] {
  const pairs = (manifest.pairs ?? []) as PairPlan[];
  return pairs.map((p) => ({
    feature: p.feature,
    model: p.model,
    planned: p.planned,
    threshold: p.threshold,
    yellowBand: p.yellowBand,
    gated: p.gated,
    prices: p.prices,
    // Absent in run folders written before verdict policies existed: the defaults apply.
    ...(p.verdictPolicy ? { verdictPolicy: p.verdictPolicy } : {}),
    ...(p.minScored !== undefined ? { minScored: p.minScored } : {}),
    ...(p.repeats !== undefined ? { repeats: p.repeats } : {}),
    ...(p.reduce !== undefined ? { reduce: p.reduce } : {}),
    ...(p.judge !== undefined ? { judge: p.judge } : {}),
    ...(p.selfPreferenceRisk ? { selfPreferenceRisk: p.selfPreferenceRisk } : {}),
    ...(p.calibration ? { calibration: p.calibration } : {}),
  }));
}

/** A run folder's matrix, for a baseline: from the journal, as the run's own reports were. */
export async function readRunMatrix(
  dir: string,
  onRecord: (record: CellRecord) => void = () => {},
  knownManifest?: RunManifest,
): Promise<{ manifest: RunManifest; entries: MatrixEntry[]; duplicates: number }> {
  const manifest = knownManifest ?? (await readRunManifest(dir));
  const accumulator = new MatrixAccumulator(pairPlans(manifest));
  const seen = new Set<string>();
  let duplicates = 0;
  const journal = journalPathIn(dir);
  // A folder whose run stopped before its first record has no journal: every cell is missing.
  if (!existsSync(journal)) return { manifest, entries: accumulator.entries(), duplicates };
  await forEachJournalRecord(journal, (record: CellRecord) => {
    // A journal never holds two records for a cell; if one was edited by hand, count the first.
    if (seen.has(record.cellId)) {
      duplicates++;
      return;
    }
    seen.add(record.cellId);
    if (accumulator.add(record)) onRecord(record);
  });
  return { manifest, entries: accumulator.entries(), duplicates };
}

async function writeChunks(file: string, chunks: Iterable<string>): Promise<void> {
  const handle = await open(file, "w");
  try {
    for (const chunk of chunks) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

async function readBaseline(dir: string) {
  try {
    return await readRunMatrix(dir);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`--baseline-dir: ${err.message}`);
    throw err;
  }
}

function repeatsOf(manifest: RunManifest): boolean {
  const resolved = (manifest.config as { resolved?: { selection?: { repeats?: unknown } } })
    .resolved;
  const repeats = resolved?.selection?.repeats;
  return typeof repeats === "number" && repeats > 1;
}

/** Definition paths as the repository sees them (relative to the definitions root if unknown). */
function promptFileOf(manifest: RunManifest, cwd: string) {
  const definitions = manifest.config.definitions;
  const files = new Map<string, string>();
  for (const p of (manifest.pairs ?? []) as {
    feature: string;
    model: string;
    promptFile?: unknown;
  }[]) {
    if (typeof p.promptFile !== "string") continue;
    files.set(
      `${p.feature}\u0000${p.model}`,
      typeof definitions === "string"
        ? repositoryPath(resolve(definitions, p.promptFile), cwd)
        : p.promptFile,
    );
  }
  return (feature: string, model: string) => files.get(`${feature}\u0000${model}`);
}

export interface WriteRunReportsOptions {
  /** Set run.json's finishedAt (the run command passes the time it ended). */
  finishedAt?: string;
  /** Yellow passes a gate unless this is false. */
  allowYellow?: boolean;
  /** Shown in summary.md when the run is incomplete. */
  resumeCommand?: string;
  /** A run folder to compare with: summary.md shows what changed, Code Quality the regressions. */
  baselineDir?: string;
  /** Where Code Quality paths are relative to when the definitions are in no git repository. */
  cwd?: string;
}

export async function writeRunReports(
  outDir: string,
  options: WriteRunReportsOptions = {},
): Promise<RunReport> {
  const manifest = await readRunManifest(outDir);
  const junit = new JUnitReportBuilder({
    repeats: repeatsOf(manifest),
    name: `evalgate ${String(manifest.suite ?? "suite")}`,
  });
  const worst = new WorstExamplesCollector();
  const htmlData = new ReportDataCollector({ manifest });
  const { entries, duplicates } = await readRunMatrix(
    outDir,
    (record) => {
      junit.add(record);
      worst.add(record);
      htmlData.add(record);
    },
    manifest,
  );
  const baseline = options.baselineDir ? await readBaseline(options.baselineDir) : undefined;
  const baselineRun = baseline
    ? { runId: baseline.manifest.runId, entries: baseline.entries }
    : undefined;
  const missingShards = Array.isArray(manifest.missingShards) ? manifest.missingShards : [];
  const complete = entries.every((e) => e.missing === 0) && missingShards.length === 0;
  const gate = manifest.gate === true;
  const gateOutcome = evaluateGate(entries, { gate, allowYellow: options.allowYellow ?? true });
  const shard = typeof manifest.shard === "string" ? manifest.shard : undefined;
  const outcome = runOutcome({ entries, gateOutcome, complete, gate, shard });
  const finishedAt =
    options.finishedAt ?? (typeof manifest.finishedAt === "string" ? manifest.finishedAt : null);
  const totals = entries.reduce(
    (t, e) => ({
      planned: t.planned + e.n,
      scored: t.scored + e.scored,
      unscored: t.unscored + e.unscored,
      errors: t.errors + e.errors,
      missing: t.missing + e.missing,
      skipped: t.skipped + e.skipped,
      inputTokens: t.inputTokens + e.inputTokens,
      outputTokens: t.outputTokens + e.outputTokens,
    }),
    {
      planned: 0,
      scored: 0,
      unscored: 0,
      errors: 0,
      missing: 0,
      skipped: 0,
      inputTokens: 0,
      outputTokens: 0,
    },
  );
  const updated: RunManifest = {
    ...manifest,
    finishedAt,
    complete,
    summary: {
      matrix: entries,
      totals: { ...totals, duplicateRecords: duplicates },
      gate: {
        enabled: gate,
        failed: gateOutcome.failed,
        failures: gateOutcome.failures.map((f) => ({
          feature: f.feature,
          model: f.model,
          verdict: f.verdict,
        })),
      },
      outcome: outcome.kind,
    },
  };
  await writeRunManifest(outDir, updated);
  const markdown = renderSummaryMarkdown(entries, {
    runId: manifest.runId,
    suite: String(manifest.suite ?? "suite"),
    startedAt: String(manifest.startedAt ?? manifest.createdAt ?? ""),
    finishedAt,
    complete,
    gate,
    gateOutcome,
    ...(options.resumeCommand ? { resumeCommand: options.resumeCommand } : {}),
    ...(shard ? { shard } : {}),
    ...(baselineRun ? { baseline: baselineRun } : {}),
    worstExamples: (feature, model) => worst.of(feature, model),
  });
  await writeFile(join(outDir, SUMMARY_MARKDOWN_FILE), markdown);
  await writeChunks(join(outDir, JUNIT_FILE), junit.renderChunks(entries));
  await writeFile(join(outDir, METRICS_FILE), renderOpenMetrics(entries));
  await writeFile(
    join(outDir, CODE_QUALITY_FILE),
    renderCodeQualityReport({
      entries,
      fileOf: promptFileOf(manifest, options.cwd ?? process.cwd()),
      ...(baselineRun ? { baseline: baselineRun } : {}),
    }),
  );
  await writeRunHtmlReport(outDir, await htmlData.finish(outDir, updated, entries));
  return { manifest: updated, entries, gateOutcome, complete, outcome };
}
