import { existsSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, rm, symlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { buildCatalog } from "../../catalog/index.js";
import { findConfigFile, loadConfig, resolveSuite } from "../../config/index.js";
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
  shardFromEnv,
} from "../../runner/index.js";
import { REDUCER_NAMES, type RepeatReducer } from "../../scoring/index.js";
import { adaptiveRuleFor } from "../adaptive-rule.js";
import { compareWithBaseline, renderBaselineSummary } from "../baseline-comparison.js";
import { describeChangedSince, featuresChangedSince } from "../changed-since.js";
import { type CliIO, type Command, displayPath, parseCommandArgs, printJson } from "../command.js";
import { calibratePlan, selfPreferenceWarnings } from "../judge-checks.js";
import { createProgressDisplay } from "../progress-display.js";
import { runOutcome } from "../run-outcome.js";
import { defaultProfileFile, startSimulatedEndpoints } from "../simulated-endpoints.js";
import { paintVerdicts } from "../terminal-colour.js";

const usage = `evalgate run [--config FILE] [--suite NAME] [--features a,b] [--models x,y] [--limit N]
             [--repeats K] [--out DIR] [--simulate] [--simulate-profile FILE]
             [--resume DIR] [--shard I/N|ci] [--changed-since REF] [--no-cache] [--cache-dir DIR]
             [--cache-max-size SIZE] [--break-after N] [--json] [--quiet] [--baseline DIR]
             [--reduce mean|median|majority|worst|pass^k] [--adaptive [--seed N] [--confidence P]]

  --config FILE            entry configuration (default: the nearest evalgate.yaml,
                           evalgate/evalgate.yaml or config/evalgate.yaml, walking up)
  --suite NAME             suite to run (default: default_suite)
  --features a,b           only these features
  --models x,y             only these models
  --limit N                first N examples of each dataset
  --repeats K              send each example K times
  --reduce R               how an example's repeats become one outcome: mean (default), median, majority, worst, pass^k
  --adaptive               examples in a seeded random order; stop a feature × model once its verdict is settled
  --seed N                 the random order of --adaptive (default 1; recorded in run.json)
  --confidence P           how sure --adaptive must be that the full run's verdict would be the same (default 0.95)
  --out DIR                output folder (default reports/<timestamp>-<suite>, and reports/latest)
  --simulate               every endpoint answered by the built-in simulator, models keep their identity
  --simulate-profile FILE  simulator profile (latency, faults, limits, quality); implies --simulate
  --resume DIR             finish an interrupted run; skips every cell already in its journal
  --shard I/N | ci         run shard I of N (ci: from CI_NODE_INDEX/CI_NODE_TOTAL)
  --changed-since REF      only features whose prompts, partials, dataset or evaluator changed since git REF
  --no-cache               neither read nor write the response cache
  --cache-dir DIR          response cache folder (default .evalgate-cache)
  --cache-max-size SIZE    after the run, prune the oldest cache entries down to SIZE (default 500MB)
  --break-after N          an endpoint with N connection or auth failures in a row is down: its
                           remaining cells end at once as endpoint_down (default 5; 0 = never)
  --json                   print the outcome (exit code, paths, verdict matrix) as JSON on stdout
  --quiet                  no progress output
  --baseline DIR           pair this run with a stored run; exit 1 when a feature regressed
                           beyond its regression_tolerance (features.yaml, default 0.05)

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
  reduce: { type: "string" },
  adaptive: { type: "boolean" },
  seed: { type: "string" },
  confidence: { type: "string" },
  out: { type: "string" },
  simulate: { type: "boolean" },
  "simulate-profile": { type: "string" },
  resume: { type: "string" },
  shard: { type: "string" },
  "changed-since": { type: "string" },
  baseline: { type: "string" },
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
  reduce?: RepeatReducer;
  /** `--adaptive`: its seed and confidence. */
  adaptive?: { seed: number; confidence: number };
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
      "reduce",
      "adaptive",
      "seed",
      "confidence",
      "shard",
      "changed-since",
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
    config: findConfigFile(cwd, values.config),
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
  const reduce = reducerFrom(values.reduce);
  if (reduce) invocation.reduce = reduce;
  const adaptive = adaptiveFrom(values);
  if (adaptive) invocation.adaptive = adaptive;
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

function reducerFrom(text: string | undefined): RepeatReducer | undefined {
  if (text === undefined) return undefined;
  if ((REDUCER_NAMES as readonly string[]).includes(text)) return text as RepeatReducer;
  throw new UserError(`--reduce takes one of ${REDUCER_NAMES.join(", ")}; got "${text}"`);
}

function adaptiveFrom(values: ReturnType<typeof parseRunArgs>): Invocation["adaptive"] {
  if (!values.adaptive) {
    const stray = (["seed", "confidence"] as const).filter((k) => values[k] !== undefined);
    if (stray.length > 0) {
      throw new UserError(`${stray.map((k) => `--${k}`).join(", ")} only apply with --adaptive`);
    }
    return undefined;
  }
  if (values.shard !== undefined) {
    throw new UserError(
      "--adaptive cannot be combined with --shard: each shard would stop on its own share of the examples, and the merged verdict would have no guarantee; drop one of them",
    );
  }
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new UserError(`--seed takes a whole number from 0 to 4294967295, got "${values.seed}"`);
  }
  const confidence = values.confidence === undefined ? 0.95 : Number(values.confidence);
  if (!(confidence > 0 && confidence < 1)) {
    throw new UserError(
      `--confidence takes a number between 0 and 1 (e.g. 0.95), got "${values.confidence}"`,
    );
  }
  return { seed, confidence };
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
      ...(simulated ? { reachModel: simulated.reachModel } : {}),
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
        ? { reachModel: simulated.reachModel, gatewayUrl: simulated.simulator.url }
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
