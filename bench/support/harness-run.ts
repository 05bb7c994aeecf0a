/**
 * Runs of the real harness over a bench suite: loadConfig → planSuite → runSuite, exactly
 * what `evalgate run` does before its reports, with the CLI's progress display (line mode,
 * output discarded) attached so progress callbacks are part of what is measured.
 *
 * The harness is the code users run: `src` compiled by tsc (compiled-cli.ts), imported from
 * that build, not `src` through tsx. tsx's transform wraps every closure in a naming helper
 * (`__name`), which costs the per-cell code several percent that the shipped code never pays.
 * Each run also gets the CLI's heap growth policy (src/cli/heap-growth.ts), as `evalgate run`
 * does, and gives V8 its default back afterwards.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as HeapGrowth from "../../src/cli/heap-growth.js";
import type * as ProgressDisplay from "../../src/cli/progress-display.js";
import type * as Config from "../../src/config/index.js";
import type * as Runner from "../../src/runner/index.js";
import type { RunCellsResult } from "../../src/runner/index.js";
import { forEachJournalRecord } from "../../src/runner/index.js";
import { compileSources } from "./compiled-cli.js";

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

export interface HarnessRunOptions {
  cacheDir?: string;
  keepOut?: boolean;
}

export interface Harness {
  run(entry: string, options?: HarnessRunOptions): Promise<HarnessRun>;
  /** Removes the build. */
  cleanup(): Promise<void>;
}

interface HarnessModules {
  heap: typeof HeapGrowth;
  config: typeof Config;
  runner: typeof Runner;
  progress: typeof ProgressDisplay;
}

/** Compiles `src` (a few seconds) and loads the harness from the build. */
export async function compiledHarness(): Promise<Harness> {
  const build = await compileSources();
  const load = (path: string) => import(pathToFileURL(join(build.distDir, path)).href);
  const modules: HarnessModules = {
    heap: await load("cli/heap-growth.js"),
    config: await load("config/index.js"),
    runner: await load("runner/index.js"),
    progress: await load("cli/progress-display.js"),
  };
  return {
    run: (entry, options) => runWith(modules, entry, options),
    cleanup: build.cleanup,
  };
}

async function runWith(
  { heap, config: configModule, runner, progress: progressModule }: HarnessModules,
  entry: string,
  options: HarnessRunOptions = {},
): Promise<HarnessRun> {
  const outDir = await mkdtemp(join(tmpdir(), "evalgate-bench-out-"));
  // The heap growth policy the evalgate CLI sets for its process (src/cli/heap-growth.ts),
  // for this run only: whatever runs next in this process (the bare loop) gets V8's default.
  heap.tuneHeapGrowth([], undefined);
  try {
    const planStarted = performance.now();
    const config = await configModule.loadConfig(entry);
    const suite = configModule.resolveSuite(config, undefined);
    const plan = await runner.planSuite(config, suite, {}, undefined);
    const planMs = performance.now() - planStarted;
    const progress = progressModule.createProgressDisplay("lines", () => {});
    const started = performance.now();
    const cpu = process.cpuUsage();
    const { result } = await runner.runSuite({
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
      journal: await summariseJournal(runner.journalPathIn(outDir)),
    };
  } finally {
    heap.setHeapGrowingPercent(0);
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
