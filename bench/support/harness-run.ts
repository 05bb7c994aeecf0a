/**
 * One run of the real harness over a bench suite: loadConfig → planSuite → runSuite, exactly
 * what `evalgate run` does before its reports, with the CLI's progress display (line mode,
 * output discarded) attached so progress callbacks are part of what is measured.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createProgressDisplay } from "../../src/cli/progress-display.js";
import { loadConfig, resolveSuite } from "../../src/config/index.js";
import {
  forEachJournalRecord,
  journalPathIn,
  planSuite,
  type RunCellsResult,
  runSuite,
} from "../../src/runner/index.js";

export interface HarnessRun {
  /** Wall time of runSuite (every cell: render, model, judge, journal). */
  wallMs: number;
  /** CPU time (user + system) of this process during runSuite, in µs. */
  cpuMicros: number;
  /** Wall time of loadConfig + planSuite (reading the dataset, resolving prompts). */
  planMs: number;
  result: RunCellsResult;
  /** Terminal records per status, read back from the journal. */
  journal: { records: number; distinctCells: number; byStatus: Record<string, number> };
}

export async function runHarness(
  entry: string,
  options: { cacheDir?: string; keepOut?: boolean } = {},
): Promise<HarnessRun> {
  const outDir = await mkdtemp(join(tmpdir(), "evalgate-bench-out-"));
  try {
    const planStarted = performance.now();
    const config = await loadConfig(entry);
    const suite = resolveSuite(config, undefined);
    const plan = await planSuite(config, suite, {}, undefined);
    const planMs = performance.now() - planStarted;
    const progress = createProgressDisplay("lines", () => {});
    const started = performance.now();
    const cpu = process.cpuUsage();
    const { result } = await runSuite({
      config,
      plan,
      outDir,
      resume: false,
      cache: options.cacheDir
        ? { enabled: true, dir: options.cacheDir, cwd: outDir }
        : { enabled: false, cwd: outDir },
      env: {},
      onProgress: (p) => progress.update(p),
      invocation: { bench: true },
    });
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    progress.finish();
    return {
      wallMs,
      cpuMicros: used.user + used.system,
      planMs,
      result,
      journal: await summariseJournal(journalPathIn(outDir)),
    };
  } finally {
    if (!options.keepOut) await rm(outDir, { recursive: true, force: true });
  }
}

export async function summariseJournal(file: string): Promise<HarnessRun["journal"]> {
  const cells = new Set<string>();
  const byStatus: Record<string, number> = {};
  const { count } = await forEachJournalRecord(file, (record) => {
    cells.add(record.cellId);
    byStatus[record.status] = (byStatus[record.status] ?? 0) + 1;
  });
  return { records: count, distinctCells: cells.size, byStatus };
}
