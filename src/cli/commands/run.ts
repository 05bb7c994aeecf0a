import { existsSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, rm, symlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { loadConfig, resolveSuite } from "../../config/index.js";
import { UserError } from "../../core/errors.js";
import { renderVerdictTable, writeRunReports } from "../../reports/index.js";
import {
  formatShard,
  parseShard,
  parseSize,
  planSuite,
  type RunSelection,
  readRunManifest,
  runSuite,
  type Shard,
  shardFromEnv,
} from "../../runner/index.js";
import { type CliIO, type Command, displayPath, parseCommandArgs, printJson } from "../command.js";
import { createProgressDisplay } from "../progress-display.js";
import { runOutcome } from "../run-outcome.js";
import { defaultProfileFile, startSimulatedEndpoints } from "../simulated-endpoints.js";
import { paintVerdicts } from "../terminal-colour.js";

const usage = `evalgate run [--config FILE] [--suite NAME] [--features a,b] [--models x,y] [--limit N]
             [--repeats K] [--out DIR] [--simulate] [--simulate-profile FILE]
             [--resume DIR] [--shard I/N|ci] [--no-cache] [--cache-dir DIR]
             [--cache-max-size SIZE] [--break-after N] [--json] [--quiet]

  --config FILE            entry configuration (default config/evalgate.yaml)
  --suite NAME             suite to run (default: default_suite)
  --features a,b           only these features
  --models x,y             only these models
  --limit N                first N examples of each dataset
  --repeats K              send each example K times
  --out DIR                output folder (default reports/<timestamp>-<suite>, and reports/latest)
  --simulate               every endpoint answered by the built-in simulator, models keep their identity
  --simulate-profile FILE  simulator profile (latency, faults, limits, quality); implies --simulate
  --resume DIR             finish an interrupted run; skips every cell already in its journal
  --shard I/N | ci         run shard I of N (ci: from CI_NODE_INDEX/CI_NODE_TOTAL)
  --no-cache               neither read nor write the response cache
  --cache-dir DIR          response cache folder (default .evalgate-cache)
  --cache-max-size SIZE    after the run, prune the oldest cache entries down to SIZE (default 500MB)
  --break-after N          an endpoint with N connection or auth failures in a row is down: its
                           remaining cells end at once as endpoint_down (default 5; 0 = never)
  --json                   print the outcome (exit code, paths, verdict matrix) as JSON on stdout
  --quiet                  no progress output

exit codes: 0 ok, 1 a gate failed, 2 usage or configuration error, 3 run could not complete`;

/** Flags that shape a session rather than the run's plan; `retry-errors` takes them too. */
export const sessionOptions = {
  "no-cache": { type: "boolean" },
  "cache-dir": { type: "string" },
  "cache-max-size": { type: "string" },
  "break-after": { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
} as const;

const options = {
  config: { type: "string" },
  suite: { type: "string" },
  features: { type: "string" },
  models: { type: "string" },
  limit: { type: "string" },
  repeats: { type: "string" },
  out: { type: "string" },
  simulate: { type: "boolean" },
  "simulate-profile": { type: "string" },
  resume: { type: "string" },
  shard: { type: "string" },
  ...sessionOptions,
} as const;

/** What run.json records of an invocation, so `--resume DIR` repeats it exactly. */
interface Invocation {
  config: string;
  suite: string;
  features?: string[];
  models?: string[];
  limit?: number;
  repeats?: number;
  shard?: string;
  simulate: boolean;
  simulateProfile?: string;
}

function list(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UserError(`expected a comma-separated list, got "${text}"`);
  return items;
}

function wholeNumber(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  // Digits only: Number() would also take "0x2", "1e1", " 2" and "".
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UserError(
      `${flag} takes a whole number of at least ${min} (digits only), got "${text}"`,
    );
  }
  return n;
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  return wholeNumber(flag, text, 1);
}

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

function ciShard(env: NodeJS.ProcessEnv): Shard {
  const shard = shardFromEnv(env);
  if (!shard) {
    throw new UserError(
      "--shard ci needs CI_NODE_INDEX and CI_NODE_TOTAL (set by a GitLab CI job with parallel:); pass --shard I/N elsewhere",
    );
  }
  return shard;
}

async function invocationFrom(
  values: ReturnType<typeof parseRunArgs>,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ invocation: Invocation; outDir: string | undefined; resume: boolean }> {
  if (values.resume !== undefined) {
    const conflicting = [
      "config",
      "suite",
      "features",
      "models",
      "limit",
      "repeats",
      "shard",
      "out",
      "simulate",
      "simulate-profile",
    ].filter((k) => values[k as keyof typeof values] !== undefined);
    if (conflicting.length > 0) {
      throw new UserError(
        `--resume repeats the run recorded in ${values.resume}/run.json; drop ${conflicting.map((c) => `--${c}`).join(", ")}`,
      );
    }
    const outDir = resolve(cwd, values.resume);
    const manifest = await readRunManifest(outDir);
    const invocation = manifest.invocation as Invocation | undefined;
    if (!invocation?.config) {
      throw new UserError(
        `${outDir}/run.json does not record how the run was started; start a new run`,
      );
    }
    // A project moved or cloned elsewhere: run.json holds absolute paths of the old place.
    for (const [what, file] of [
      ["configuration", invocation.config],
      ["simulator profile", invocation.simulateProfile],
    ] as const) {
      if (file !== undefined && !existsSync(file)) {
        throw new UserError(
          `cannot resume ${outDir}: its run.json names the ${what} ${file}, which is not there (was the project moved?); resume from the original location, or start a new run`,
        );
      }
    }
    return { invocation, outDir, resume: true };
  }
  const invocation: Invocation = {
    config: resolve(cwd, values.config ?? "config/evalgate.yaml"),
    suite: values.suite ?? "",
    simulate: values.simulate === true || values["simulate-profile"] !== undefined,
  };
  const features = list(values.features);
  const models = list(values.models);
  const limit = positiveInt("--limit", values.limit);
  const repeats = positiveInt("--repeats", values.repeats);
  if (features) invocation.features = features;
  if (models) invocation.models = models;
  if (limit !== undefined) invocation.limit = limit;
  if (repeats !== undefined) invocation.repeats = repeats;
  // `--shard ci` takes GitLab's CI_NODE_INDEX/CI_NODE_TOTAL; no variable is read unasked.
  const shard =
    values.shard === "ci"
      ? ciShard(env)
      : values.shard !== undefined
        ? parseShard(values.shard)
        : undefined;
  if (shard) invocation.shard = formatShard(shard);
  if (values["simulate-profile"] !== undefined) {
    invocation.simulateProfile = resolve(cwd, values["simulate-profile"]);
  }
  const outDir = values.out === undefined ? undefined : resolve(cwd, values.out);
  return { invocation, outDir, resume: false };
}

function parseRunArgs(argv: string[]) {
  return parseCommandArgs({ name: "run", usage }, argv, options).values;
}

export type RunValues = ReturnType<typeof parseRunArgs>;

export interface RunMode {
  /** `evalgate retry-errors DIR`: resume DIR after dropping its `error` records. */
  retryErrors?: boolean;
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
  const config = await loadConfig(invocation.config);
  const suite = resolveSuite(config, invocation.suite || undefined);
  invocation.suite = suite.name;
  const shard: Shard | undefined = invocation.shard ? parseShard(invocation.shard) : undefined;
  const selection: RunSelection = {
    ...(invocation.features ? { features: invocation.features } : {}),
    ...(invocation.models ? { models: invocation.models } : {}),
    ...(invocation.limit !== undefined ? { limit: invocation.limit } : {}),
    ...(invocation.repeats !== undefined ? { repeats: invocation.repeats } : {}),
  };
  const plan = await planSuite(config, suite, selection, shard);
  const outDir =
    givenOut ??
    resolve(
      io.cwd,
      "reports",
      `${timestamp(new Date())}-${suite.name}${shard ? `-shard${shard.index}of${shard.total}` : ""}`,
    );

  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new UserError(
      `cannot create the output folder ${outDir}: ${(err as Error).message}; choose another --out`,
    );
  }
  checkWritable(outDir);
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
  let interrupted = false;
  let calls = "";
  let cacheJson: unknown = null;
  let down: string[] = [];
  try {
    const { result, cache, downEndpoints, retried } = await runSuite({
      config,
      plan,
      outDir,
      resume,
      shard,
      cache: {
        enabled: values["no-cache"] !== true,
        cwd: io.cwd,
        ...(values["cache-dir"] ? { dir: values["cache-dir"] } : {}),
        ...(cacheMaxBytes !== undefined ? { maxBytes: cacheMaxBytes } : {}),
      },
      ...(breakAfter !== undefined ? { breakAfter } : {}),
      ...(mode.retryErrors ? { retryErrors: true } : {}),
      env: simulated?.env ?? io.env,
      ...(simulated
        ? { reachModel: simulated.reachModel, gatewayUrl: simulated.simulator.url }
        : {}),
      signal: stop.signal,
      onProgress: (p) => progress.update(p),
      invocation: { ...invocation },
    });
    interrupted = result.interrupted;
    down = downEndpoints;
    if (mode.retryErrors && !values.quiet) {
      io.err(`evalgate retry-errors: ${retried} cell(s) that ended in error ran again\n`);
    }
    // Says what a cached rerun saved; the simulator's own count proves it made no calls.
    const cacheNote = cache.enabled
      ? `cache: ${cache.hits} hit(s), ${cache.misses} miss(es)${cache.pruned > 0 ? `, ${cache.pruned} old entr(ies) pruned` : ""}`
      : "cache: off";
    const simNote = simulated
      ? ` · simulator: ${simulated.simulator.stats().requests} request(s)`
      : "";
    calls = `${cacheNote}${simNote}\n`;
    cacheJson = {
      ...cache,
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
  });
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
  if (outcome.message) io.err(outcome.message);
  return outcome.code;
}
