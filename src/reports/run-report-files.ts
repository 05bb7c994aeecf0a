/**
 * Rebuilds a run folder's reports from its journal and manifest alone: the `summary` in
 * run.json and summary.md. `evalgate run`, `merge` and `report` all end here, so a report
 * can always be rebuilt from what is on disk.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
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
import { ReportDataCollector, writeRunHtmlReport } from "./html/index.js";
import { renderSummaryMarkdown } from "./summary-markdown.js";

export const SUMMARY_MARKDOWN_FILE = "summary.md";

export interface RunReport {
  manifest: RunManifest;
  entries: MatrixEntry[];
  gateOutcome: GateOutcome;
  complete: boolean;
}

function pairPlans(manifest: RunManifest): PairPlan[] {
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
  }));
}

export interface WriteRunReportsOptions {
  /** Set run.json's finishedAt (the run command passes the time it ended). */
  finishedAt?: string;
  /** Yellow passes a gate unless this is false. */
  allowYellow?: boolean;
  /** Shown in summary.md when the run is incomplete. */
  resumeCommand?: string;
}

export async function writeRunReports(
  outDir: string,
  options: WriteRunReportsOptions = {},
): Promise<RunReport> {
  const manifest = await readRunManifest(outDir);
  const accumulator = new MatrixAccumulator(pairPlans(manifest));
  const htmlData = new ReportDataCollector({ manifest });
  const seen = new Set<string>();
  let duplicates = 0;
  await forEachJournalRecord(journalPathIn(outDir), (record: CellRecord) => {
    // A journal never holds two records for a cell; if one was edited by hand, count the first.
    if (seen.has(record.cellId)) {
      duplicates++;
      return;
    }
    seen.add(record.cellId);
    accumulator.add(record);
    htmlData.add(record);
  });
  const entries = accumulator.entries();
  const missingShards = Array.isArray(manifest.missingShards) ? manifest.missingShards : [];
  const complete = entries.every((e) => e.missing === 0) && missingShards.length === 0;
  const gate = manifest.gate === true;
  const gateOutcome = evaluateGate(entries, { gate, allowYellow: options.allowYellow ?? true });
  const finishedAt =
    options.finishedAt ?? (typeof manifest.finishedAt === "string" ? manifest.finishedAt : null);
  const totals = entries.reduce(
    (t, e) => ({
      planned: t.planned + e.n,
      scored: t.scored + e.scored,
      unscored: t.unscored + e.unscored,
      errors: t.errors + e.errors,
      missing: t.missing + e.missing,
      inputTokens: t.inputTokens + e.inputTokens,
      outputTokens: t.outputTokens + e.outputTokens,
    }),
    { planned: 0, scored: 0, unscored: 0, errors: 0, missing: 0, inputTokens: 0, outputTokens: 0 },
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
  });
  await writeFile(join(outDir, SUMMARY_MARKDOWN_FILE), markdown);
  await writeRunHtmlReport(outDir, await htmlData.finish(outDir, updated, entries));
  return { manifest: updated, entries, gateOutcome, complete };
}
