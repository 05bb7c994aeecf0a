import { existsSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, rm, symlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { buildCatalog } from "../../catalog/index.js";
import { loadConfig, resolveSuite } from "../../config/index.js";
import { ExitCode, UserError } from "../../core/errors.js";
import { renderVerdictTable, writeRunReports } from "../../reports/index.js";
import {
  checkCacheDir,
  DEFAULT_CACHE_DIR,
  formatShard,
  parseShard,
  parseSize,
  planSuite,
  type RunSelection,
  readRunManifest,
  runSuite,
  type Shard,
} from "../../runner/index.js";
import { adaptiveRuleFor } from "../adaptive-rule.js";
import { compareWithBaseline, renderBaselineSummary } from "../baseline-comparison.js";
import { describeChangedSince, featuresChangedSince } from "../changed-since.js";
import { type CliIO, type Command, displayPath, printJson } from "../command.js";
import { calibratePlan, selfPreferenceWarnings } from "../judge-checks.js";
import { createProgressDisplay } from "../progress-display.js";
import {
  invocationFrom,
  parseRunArgs,
  type RunMode,
  type RunValues,
  usage,
  wholeNumber,
} from "../run-invocation.js";
import { runOutcome } from "../run-outcome.js";
import { defaultProfileFile, startSimulatedEndpoints } from "../simulated-endpoints.js";
import { paintVerdicts } from "../terminal-colour.js";

/**
 * mkdir succeeds on an existing read-only folder, and the first write would then fail late
 * with a bare errno. A probe file says it up front (and, unlike access(), also for root).
 */
function checkWritable(outDir: string): void {
  const probe = join(outDir, `.evalgate-write-check-${process.pid}`);
  try {
    writeFileSync(probe, "");
    rmSync(probe, { force: true });
  } catch (err) {
    throw new UserError(
      `cannot write to the output folder ${outDir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}: read-only or no permission); choose another --out`,
    );
  }
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

async function pointLatestAt(outDir: string): Promise<void> {
  const latest = join(dirname(outDir), "latest");
  await rm(latest, { force: true });
  try {
    await symlink(basename(outDir), latest);
  } catch {
    // A filesystem without symlinks (some CI caches) just has no `latest`; the path is printed.
  }
}

export const runCommand: Command = {
  name: "run",
  summary: "replay the suite's datasets through the models, judge every response, report verdicts",
  usage,
  run: (argv, io) => executeRun(parseRunArgs(argv), io),
};

/** `evalgate run` once its arguments are parsed; `retry-errors` comes through here too. */
export async function executeRun(
  values: RunValues,
  io: CliIO,
  mode: RunMode = {},
): Promise<number> {
  const breakAfter = wholeNumber("--break-after", values["break-after"], 0);
  const cacheMaxBytes =
    values["cache-max-size"] === undefined
      ? undefined
      : parseSize("--cache-max-size", values["cache-max-size"]);
  const { invocation, outDir: givenOut, resume } = await invocationFrom(values, io.cwd, io.env);
  const baselineDir = values.baseline === undefined ? undefined : resolve(io.cwd, values.baseline);
  if (baselineDir !== undefined && invocation.shard !== undefined) {
    throw new UserError(
      "--baseline compares a whole run, and a shard holds part of one (shards never gate); run evalgate compare BASE MERGED on the merged folder instead",
    );
  }
  if (baselineDir !== undefined) await readRunManifest(baselineDir); // a bad folder fails before the run
  const config = await loadConfig(invocation.config);
  const suite = resolveSuite(config, invocation.suite || undefined);
  invocation.suite = suite.name;
  const changedSince = values["changed-since"];
  if (changedSince !== undefined) {
    const known = buildCatalog(config).features;
    // Unknown names are left for the plan, which reports them with a suggestion.
    const candidates = (invocation.features ?? suite.features).flatMap((id) => {
      const feature = known.get(id);
      return feature ? [feature] : [];
    });
    const changes = await featuresChangedSince(changedSince, config, candidates);
    io.err(describeChangedSince(changes));
    invocation.features = [
      ...changes.features.map((f) => f.feature),
      ...(invocation.features ?? suite.features).filter((id) => !known.has(id)),
    ];
  }
  const shard: Shard | undefined = invocation.shard ? parseShard(invocation.shard) : undefined;
  const selection: RunSelection = {
    ...(invocation.features ? { features: invocation.features } : {}),
    ...(invocation.models ? { models: invocation.models } : {}),
    ...(invocation.limit !== undefined ? { limit: invocation.limit } : {}),
    ...(invocation.repeats !== undefined ? { repeats: invocation.repeats } : {}),
    ...(invocation.reduce !== undefined ? { reduce: invocation.reduce } : {}),
  };
  const plan = await planSuite(config, suite, selection, shard);
  const reduce = invocation.reduce ?? suite.reduce;
  if (invocation.adaptive && plan.repeats > 1 && reduce === "mean") {
    throw new UserError(
      `--adaptive with ${plan.repeats} repeats needs one pass/fail outcome per example; add --reduce majority (or median, worst, pass^k)`,
    );
  }
  const outDir =
    givenOut ??
    resolve(
      io.cwd,
      "reports",
      `${timestamp(new Date())}-${suite.name}${shard ? `-shard${shard.index}of${shard.total}` : ""}`,
    );

  // The run folder is created by runSuite once the simulator profile and every key
  // variable are known good, so a mistake there leaves no half folder behind.
  if (existsSync(outDir)) checkWritable(outDir);
  const simulated = invocation.simulate
    ? await startSimulatedEndpoints(
        config,
        plan,
        invocation.simulateProfile ?? defaultProfileFile(config),
        io.env,
      )
    : undefined;
  const progress = createProgressDisplay(
    values.quiet ? "quiet" : io.isTTY ? "tty" : "lines",
    io.err,
  );
  const stop = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      io.err("\nstopping: no new cells; waiting for in-flight ones (Ctrl-C again to stop now)\n");
      stop.abort(new Error("interrupted"));
    } else {
      process.exit(130);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const rel = displayPath(io.cwd, outDir);
  if (!values.quiet) {
    const mode = simulated ? ` against the simulator at ${simulated.simulator.url}` : "";
    io.err(
      `evalgate: ${resume ? "resuming" : "running"} suite "${suite.name}"${shard ? ` shard ${formatShard(shard)}` : ""}: ${plan.features.length} feature(s) × ${plan.models.length} model(s), ${plan.pairs.reduce((s, p) => s + p.planned, 0)} cells${mode}\n  output: ${rel}\n`,
    );
  }
  const cache = {
    enabled: values["no-cache"] !== true,
    cwd: io.cwd,
    ...(values["cache-dir"] ? { dir: values["cache-dir"] } : {}),
    ...(cacheMaxBytes !== undefined ? { maxBytes: cacheMaxBytes } : {}),
  };
  // Usage errors first, warnings after: a bad --cache-dir stops the run before anything is said.
  if (cache.enabled) checkCacheDir(resolve(io.cwd, cache.dir ?? DEFAULT_CACHE_DIR));
  for (const warning of selfPreferenceWarnings(plan)) io.err(`evalgate: warning: ${warning}\n`);
  let interrupted = false;
  let calls = "";
  let cacheJson: unknown = null;
  let down: string[] = [];
  try {
    const calibration = await calibratePlan(plan, {
      env: simulated?.env ?? io.env,
      cache,
      ...(simulated ? { reachModel: simulated.reachModel, simulation: simulated.simulation } : {}),
    });
    for (const line of calibration) io.err(`evalgate: calibration: ${line}\n`);
    const {
      result,
      cache: cacheUse,
      downEndpoints,
      retried,
    } = await runSuite({
      config,
      plan,
      outDir,
      resume,
      shard,
      cache,
      ...(breakAfter !== undefined ? { breakAfter } : {}),
      ...(mode.retryErrors ? { retryErrors: true } : {}),
      env: simulated?.env ?? io.env,
      ...(simulated
        ? {
            reachModel: simulated.reachModel,
            simulation: simulated.simulation,
            gatewayUrl: simulated.simulator.url,
          }
        : {}),
      signal: stop.signal,
      onProgress: (p) => progress.update(p),
      invocation: { ...invocation },
      adaptive: invocation.adaptive
        ? adaptiveRuleFor({ ...invocation.adaptive, reduce })
        : undefined,
    });
    interrupted = result.interrupted;
    down = downEndpoints;
    if (mode.retryErrors && !values.quiet) {
      io.err(`evalgate retry-errors: ${retried} cell(s) that ended in error ran again\n`);
    }
    // Says what a cached rerun saved; the simulator's own count proves it made no calls.
    const cacheNote = cacheUse.enabled
      ? `cache: ${cacheUse.hits} hit(s), ${cacheUse.misses} miss(es)${cacheUse.pruned > 0 ? `, ${cacheUse.pruned} old entr(ies) pruned` : ""}`
      : "cache: off";
    const simNote = simulated
      ? ` · simulator: ${simulated.simulator.stats().requests} request(s)`
      : "";
    calls = `${cacheNote}${simNote}\n`;
    cacheJson = {
      ...cacheUse,
      ...(simulated ? { simulatorRequests: simulated.simulator.stats().requests } : {}),
    };
  } finally {
    progress.finish();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await simulated?.simulator.close();
  }
  if (!givenOut && !resume && existsSync(outDir)) {
    await mkdir(dirname(outDir), { recursive: true });
    await pointLatestAt(outDir);
  }
  const resumeCommand = `evalgate run --resume ${rel}`;
  const report = await writeRunReports(outDir, {
    finishedAt: interrupted ? undefined : new Date().toISOString(),
    resumeCommand,
    cwd: io.cwd,
  });
  const baseline =
    baselineDir && report.complete
      ? await compareWithBaseline(baselineDir, outDir, plan.catalog, io)
      : undefined;
  const outcome = runOutcome({
    report,
    interrupted,
    down,
    breakAfter: breakAfter ?? 5,
    rel,
    resumeCommand,
    noCache: values["no-cache"] === true,
  });
  if (values.json) {
    printJson(io, {
      outDir,
      exitCode: outcome.code,
      complete: report.complete,
      interrupted,
      summary: join(outDir, "summary.md"),
      journal: join(outDir, "journal.jsonl"),
      downEndpoints: down,
      cache: cacheJson,
      gate: report.gateOutcome,
      entries: report.entries,
    });
  } else {
    const table = renderVerdictTable(report.entries);
    io.out(io.colour ? paintVerdicts(table) : table);
    io.out(`\nreport: ${join(rel, "summary.md")} · records: ${join(rel, "journal.jsonl")}\n`);
    io.out(calls);
  }
  if (changedSince !== undefined && invocation.features?.length === 0) {
    io.err(
      `evalgate run: nothing to evaluate: no prompt, partial, dataset or evaluator of suite "${suite.name}" changed since ${changedSince}\n`,
    );
    return ExitCode.ok;
  }
  if (outcome.code === ExitCode.gateFailed && shard) {
    // A shard holds a slice of each feature's examples, so its verdicts are not the run's:
    // only `evalgate merge` of every shard gates.
    io.err(
      `evalgate run: shard ${formatShard(shard)} does not gate; \`evalgate merge\` of all shards gives the verdicts\n`,
    );
    return ExitCode.ok;
  }
  if (baseline && !values.json) io.out(renderBaselineSummary(baseline));
  if (outcome.message) io.err(outcome.message);
  if (outcome.code === ExitCode.ok && baseline?.regressed) return ExitCode.gateFailed;
  return outcome.code;
}
