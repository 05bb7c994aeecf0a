import { existsSync } from "node:fs";
import { mkdir, rm, symlink } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { loadConfig, resolveSuite } from "../../config/index.js";
import { ExitCode, UserError } from "../../core/errors.js";
import { describeGateFailures, renderVerdictTable, writeRunReports } from "../../reports/index.js";
import {
  formatShard,
  parseShard,
  planSuite,
  type RunSelection,
  readRunManifest,
  runSuite,
  type Shard,
  shardFromEnv,
} from "../../runner/index.js";
import { type Command, parseCommandArgs } from "../command.js";
import { createProgressDisplay } from "../progress-display.js";
import { defaultProfileFile, startSimulatedEndpoints } from "../simulated-endpoints.js";

const usage = `evalgate run [--config FILE] [--suite NAME] [--features a,b] [--models x,y] [--limit N]
             [--repeats K] [--out DIR] [--simulate] [--simulate-profile FILE]
             [--resume DIR] [--shard I/N|ci] [--no-cache] [--cache-dir DIR] [--quiet]

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
  --quiet                  no progress output

exit codes: 0 ok, 1 a gate failed, 2 usage or configuration error, 3 run could not complete`;

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
  "no-cache": { type: "boolean" },
  "cache-dir": { type: "string" },
  quiet: { type: "boolean" },
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

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new UserError(`${flag} takes a whole number of at least 1, got "${text}"`);
  }
  return n;
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

export const runCommand: Command = {
  name: "run",
  summary: "replay the suite's datasets through the models, judge every response, report verdicts",
  usage,
  async run(argv, io) {
    const values = parseRunArgs(argv);
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
    const rel = relative(io.cwd, outDir) || ".";
    if (!values.quiet) {
      const mode = simulated ? ` against the simulator at ${simulated.simulator.url}` : "";
      io.err(
        `evalgate: ${resume ? "resuming" : "running"} suite "${suite.name}"${shard ? ` shard ${formatShard(shard)}` : ""}: ${plan.features.length} feature(s) × ${plan.models.length} model(s), ${plan.pairs.reduce((s, p) => s + p.planned, 0)} cells${mode}\n  output: ${rel}\n`,
      );
    }
    let interrupted = false;
    try {
      const { result } = await runSuite({
        config,
        plan,
        outDir,
        resume,
        shard,
        cache: {
          enabled: values["no-cache"] !== true,
          cwd: io.cwd,
          ...(values["cache-dir"] ? { dir: values["cache-dir"] } : {}),
        },
        env: simulated?.env ?? io.env,
        ...(simulated
          ? { reachModel: simulated.reachModel, gatewayUrl: simulated.simulator.url }
          : {}),
        signal: stop.signal,
        onProgress: (p) => progress.update(p),
        invocation: { ...invocation },
      });
      interrupted = result.interrupted;
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
    io.out(renderVerdictTable(report.entries));
    io.out(`\nreport: ${join(rel, "summary.md")} · records: ${join(rel, "journal.jsonl")}\n`);
    if (!report.complete) {
      io.err(
        `evalgate run: the run is incomplete (${interrupted ? "interrupted" : "cells missing"}); finish it with: ${resumeCommand}\n`,
      );
      return ExitCode.incomplete;
    }
    const broken = report.outcome.couldNotEvaluate;
    if (broken.length > 0) {
      const reasons = [...new Set(broken.flatMap((e) => Object.keys(e.reasons)))].join(", ");
      const models = [...new Set(broken.map((e) => e.model))].join(", ");
      // Error records are final, so --resume would not retry them: a new run is what helps.
      const again = `${givenOut ? " with a new --out folder" : ""}${values["no-cache"] ? "" : " (calls that succeeded are replayed from the cache)"}`;
      io.err(
        `evalgate run: ${broken.length} feature × model pair(s) could not be evaluated because calls to ${models} failed (${reasons}); see the reasons in ${join(rel, "journal.jsonl")}, fix the endpoint, then run again${again}\n`,
      );
      return ExitCode.incomplete;
    }
    if (report.outcome.kind === "shard") {
      // A shard judges a slice of the examples: its rates are not the run's, so it never gates.
      if (!values.quiet) {
        io.err(
          `evalgate run: shard ${invocation.shard} finished; shards never gate — \`evalgate merge\` over all shard folders gives the verdict\n`,
        );
      }
      return ExitCode.ok;
    }
    if (report.gateOutcome.failed) {
      io.err(`evalgate run: gate failed: ${describeGateFailures(report.gateOutcome.failures)}\n`);
      return ExitCode.gateFailed;
    }
    return ExitCode.ok;
  },
};
