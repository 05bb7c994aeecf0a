/**
 * What `evalgate run` was asked: its flags, parsed and checked, and the invocation run.json
 * records so that `--resume DIR` repeats it exactly.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { findConfigFile } from "../config/index.js";
import { UserError } from "../core/errors.js";
import {
  formatShard,
  parseShard,
  readRunManifest,
  type Shard,
  shardFromEnv,
} from "../runner/index.js";
import { REDUCER_NAMES, type RepeatReducer } from "../scoring/index.js";
import { parseCommandArgs } from "./command.js";
export const usage = `evalgate run [--config FILE] [--suite NAME] [--features a,b] [--models x,y] [--limit N]
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
export interface Invocation {
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

export function wholeNumber(
  flag: string,
  text: string | undefined,
  min: number,
): number | undefined {
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

function ciShard(env: NodeJS.ProcessEnv): Shard {
  const shard = shardFromEnv(env);
  if (!shard) {
    throw new UserError(
      "--shard ci needs CI_NODE_INDEX and CI_NODE_TOTAL (set by a GitLab CI job with parallel:); pass --shard I/N elsewhere",
    );
  }
  return shard;
}

export async function invocationFrom(
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

export function parseRunArgs(argv: string[]) {
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
