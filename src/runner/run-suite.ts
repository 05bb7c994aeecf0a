/**
 * Runs a planned suite into an output folder: writes `run.json` first (so merge and resume
 * know what the folder is), then executes every cell not already in the journal through
 * per-endpoint queues, the retry layer and the cache, journaling each record as it finishes.
 * Aggregation and reports happen after, from the journal alone.
 */
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { LoadedConfig } from "../config/index.js";
import { UserError } from "../core/errors.js";
import type { CatalogModel, CellRecord, ModelClient } from "../core/types.js";
import type { Judge } from "../judges/index.js";
import type { GatewaySettings } from "../providers/index.js";
import { type AdaptiveRule, scheduleAdaptively } from "./adaptive-schedule.js";
import { checkCacheDir, DEFAULT_CACHE_MAX_BYTES, pruneCache } from "./cache-maintenance.js";
import { createCellExecutor } from "./execute-cell.js";
import { forEachJournalRecord, type JournalSink, JournalWriter, journalPathIn } from "./journal.js";
import { dropJournalRecords, isEndpointDown } from "./journal-compaction.js";
import { ModelCalls } from "./model-calls.js";
import { createPanelJudge, judgeModelFor } from "./panel-judge.js";
import { type PlannedCell, planCells } from "./plan-cells.js";
import { PromptStore, promptsPathIn } from "./prompt-store.js";
import { type CacheStats, ResponseCache } from "./response-cache.js";
import { loadResumeState, skipFinished } from "./resume-run.js";
import { inFlightLimitFor, type RunCellsResult, type RunProgress, runCells } from "./run-cells.js";
import { acquireRunLock } from "./run-lock.js";
import {
  newRunId,
  RUN_MANIFEST_FILE,
  RUN_MANIFEST_SCHEMA_VERSION,
  type RunManifest,
  readRunManifest,
  writeRunManifest,
} from "./run-manifest.js";
import { formatShard, type Shard } from "./shard-cells.js";
import { type PlannedPair, pairKey, type SuitePlan } from "./suite-plan.js";

export interface RunSuiteOptions {
  config: LoadedConfig;
  plan: SuitePlan;
  outDir: string;
  /** Continue the run already in `outDir` (its config hash must match). */
  resume: boolean;
  shard?: Shard | undefined;
  /** `maxBytes`: after the run, the oldest entries are pruned down to it (default 500 MB). */
  cache: { enabled: boolean; dir?: string; cwd: string; maxBytes?: number };
  env: NodeJS.ProcessEnv;
  /**
   * The model as this run reaches it (`--simulate` swaps endpoint and credentials). Queues
   * key on the result; the cache keys on the catalog model's identity plus "simulated", so
   * simulated answers are never served to a real run.
   */
  reachModel?: (model: CatalogModel) => CatalogModel;
  /** With `reachModel` from the simulator: which one answers (its profile), for the cache. */
  simulation?: true | string;
  /** Replace the gateway URL of evalgate.yaml (`--simulate` in gateway mode). */
  gatewayUrl?: string;
  signal?: AbortSignal;
  graceMs?: number;
  /** Consecutive connection/auth failures after which an endpoint counts as down. Default 5. */
  breakAfter?: number;
  /** With `resume`: drop every `error` record first so those cells run again (retry-errors). */
  retryErrors?: boolean;
  onProgress?(progress: RunProgress): void;
  /** How the run was invoked, stored in run.json so `--resume` can repeat it. */
  invocation: Record<string, unknown>;
  /** `--adaptive`: stop sending a pair new examples once the rule settles its verdict. */
  adaptive?: AdaptiveRule | undefined;
}

export interface RunSuiteResult {
  manifest: RunManifest;
  result: RunCellsResult;
  /** Cache hits, misses and writes of this session, and how many entries the bound pruned. */
  cache: CacheStats & { dir: string; enabled: boolean; pruned: number };
  /** Endpoints whose circuit breaker opened in this session. */
  downEndpoints: string[];
  /** Records dropped from the journal before resuming, so their cells ran again. */
  retried: number;
}

/** The pair fields run.json keeps (the resolved definition is reduced to file and version). */
export function manifestPairs(pairs: readonly PlannedPair[]) {
  return pairs.map(({ resolved, ...pair }) => ({
    ...pair,
    promptFile: resolved.file,
    promptVersion: resolved.version,
    family: resolved.family,
  }));
}

async function startManifest(options: RunSuiteOptions): Promise<RunManifest> {
  const { plan, outDir } = options;
  if (options.resume) {
    const previous = await readRunManifest(outDir);
    if (previous.config.hash !== plan.configHash) {
      throw new UserError(
        `cannot resume ${outDir}: the configuration, prompts or datasets changed since that run started (config hash ${previous.config.hash} then, ${plan.configHash} now); start a new run instead`,
      );
    }
    const resumed = { ...previous, finishedAt: null, complete: false };
    await writeRunManifest(outDir, resumed);
    return resumed;
  }
  if (existsSync(journalPathIn(outDir))) {
    throw new UserError(
      `${outDir} already holds a run; continue it with --resume ${outDir}, or choose another --out`,
    );
  }
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new UserError(
      `cannot create the output folder ${outDir}: ${(err as Error).message}; choose another --out`,
    );
  }
  const startedAt = new Date();
  const manifest: RunManifest = {
    schemaVersion: RUN_MANIFEST_SCHEMA_VERSION,
    runId: newRunId(startedAt),
    createdAt: startedAt.toISOString(),
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    suite: plan.suite.name,
    gate: plan.suite.gate,
    ...(options.shard ? { shard: formatShard(options.shard) } : {}),
    config: {
      hash: plan.configHash,
      file: options.config.entryFile,
      // Reports point Code Quality issues at definition files through it.
      definitions: options.config.definitionsDir,
      resolved: plan.resolvedConfig,
    },
    planned: plan.pairs.reduce((sum, p) => sum + p.planned, 0),
    pairs: manifestPairs(plan.pairs),
    complete: false,
    invocation: options.invocation,
  };
  await writeRunManifest(outDir, manifest);
  return manifest;
}

function gatewaySettings(config: LoadedConfig, urlOverride: string | undefined): GatewaySettings {
  const gateway = config.entry.value.gateway;
  if (!gateway) {
    throw new UserError(
      "the suite sets via_gateway: true but evalgate.yaml has no gateway: section; add gateway: {url: ...}",
      config.entry.positionOf(["suites"]),
    );
  }
  return {
    url: urlOverride ?? gateway.url,
    apiVersion: gateway.api_version,
    ...(gateway.token_env ? { tokenEnv: gateway.token_env } : {}),
  };
}

/** Values of every secret the run may send, so the journal can mask an echo of one. */
function secretValues(models: Iterable<CatalogModel>, env: NodeJS.ProcessEnv, tokenEnv?: string) {
  const values: string[] = [];
  for (const model of models) {
    const value = model.apiKeyEnv ? env[model.apiKeyEnv] : undefined;
    if (value) values.push(value);
  }
  if (tokenEnv && env[tokenEnv]) values.push(env[tokenEnv]!);
  return values;
}

/** The highest folder of `dir`'s path that does not exist yet (what mkdir -p would create). */
function topmostMissingFolder(dir: string): string | undefined {
  let missing: string | undefined;
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing = d;
    if (dirname(d) === d) break;
  }
  return missing;
}

export async function runSuite(options: RunSuiteOptions): Promise<RunSuiteResult> {
  const cache = new ResponseCache({
    enabled: options.cache.enabled,
    cwd: options.cache.cwd,
    ...(options.cache.dir ? { dir: options.cache.dir } : {}),
  });
  // Before run.json: a bad --cache-dir is a usage error that leaves no run folder behind.
  if (cache.enabled) checkCacheDir(cache.dir);
  // The lock needs the folder; a run that fails before its manifest (a missing key variable)
  // removes a folder it created, so a mistake found before the first call leaves nothing.
  const created = topmostMissingFolder(options.outDir);
  try {
    await mkdir(options.outDir, { recursive: true });
  } catch (err) {
    throw new UserError(
      `cannot create the output folder ${options.outDir}: ${(err as Error).message}; choose another --out`,
    );
  }
  const lock = acquireRunLock(options.outDir);
  try {
    return await runLocked(options, cache);
  } catch (err) {
    lock.release();
    if (created && !existsSync(join(options.outDir, RUN_MANIFEST_FILE))) {
      await rm(created, { recursive: true, force: true });
    }
    throw err;
  } finally {
    lock.release();
  }
}

async function runLocked(options: RunSuiteOptions, cache: ResponseCache): Promise<RunSuiteResult> {
  const { plan, env } = options;
  const viaGateway = plan.suite.viaGateway;
  const gateway = viaGateway ? gatewaySettings(options.config, options.gatewayUrl) : undefined;
  const judgeModels = [
    ...new Set([...plan.judgeOf.values(), ...[...plan.panels.values()].flatMap((p) => p.members)]),
  ];
  const reach = options.reachModel ?? ((m: CatalogModel) => m);
  const allModels = [...new Set([...plan.models, ...judgeModels])];
  const underTest = new Set(plan.models.map((m) => m.name));

  const calls = new ModelCalls({
    env,
    cache,
    ...(options.reachModel ? { reachModel: options.reachModel } : {}),
    ...(options.simulation !== undefined ? { simulation: options.simulation } : {}),
    queues: options.breakAfter !== undefined ? { breakAfter: options.breakAfter } : {},
  });
  const scheduled = new Map<string, ModelClient>();
  // Only once every client is made (a missing key variable throws here) does the run folder
  // appear: a mistake found before the first call leaves nothing behind.
  const manifest = await (async () => {
    for (const catalogModel of allModels) {
      const isJudgeOnly = !underTest.has(catalogModel.name);
      // Judge prompts are evalgate's own, so judges are always called directly, never via the gateway.
      const useGateway = gateway && !isJudgeOnly ? gateway : undefined;
      scheduled.set(
        catalogModel.name,
        calls.clientFor(catalogModel, {
          ...(useGateway ? { gateway: useGateway } : {}),
          priority: isJudgeOnly ? 1 : 0,
        }),
      );
    }
    return startManifest(options);
  })().catch(async (err: unknown) => {
    await calls.close();
    throw err;
  });
  let retried = 0;
  if (options.resume) {
    // startManifest checked the config hash: records are only dropped from a journal that
    // is going to be resumed. Cells that never reached a down endpoint always run again;
    // retry-errors adds every error.
    const drop = options.retryErrors
      ? (r: CellRecord) => r.status === "error"
      : (r: CellRecord) => isEndpointDown(r);
    retried = (await dropJournalRecords(options.outDir, drop)).dropped;
  }
  // A model that is also another model's judge shares one client and queue, as it would in
  // production: its judge calls get priority through the judge wrapper below.
  const judges = new Map<string, Judge>();
  const pairOf = new Map(plan.pairs.map((p) => [`${p.feature}\u0000${p.model}`, p]));
  const featureOf = new Map(plan.features.map((f) => [f.id, f]));
  const modelOf = new Map(allModels.map((m) => [m.name, m]));
  const judgeFor = (cell: PlannedCell): Judge => {
    const feature = featureOf.get(cell.feature)!;
    const panel = plan.panels.get(pairKey(cell.feature, cell.model))!;
    const key = `${feature.evaluator}\u0000${panel.name}`;
    let judge = judges.get(key);
    if (!judge) {
      judge = createPanelJudge(plan.evaluators.get(feature.evaluator!)!, panel, (m) =>
        judgeModelFor(m, scheduled.get(m.name)!, reach),
      );
      judges.set(key, judge);
    }
    return judge;
  };
  const pairFor = (cell: PlannedCell) => pairOf.get(`${cell.feature}\u0000${cell.model}`)!;

  const prompts = await PromptStore.open(promptsPathIn(options.outDir));
  const execute = createCellExecutor({
    storePrompt: (messages) => prompts.store(messages),
    render: (cell) =>
      plan.registry.render(
        pairFor(cell).resolved,
        cell.example.inputs,
        modelOf.get(cell.model)!.params,
        cell.example.source,
      ),
    clientFor: (cell) => scheduled.get(cell.model)!,
    judgeFor,
    ...(viaGateway
      ? {
          toRequest: (cell: PlannedCell, prompt) => {
            const { resolved } = pairFor(cell);
            return {
              messages: prompt.messages,
              params: prompt.params,
              cell: {
                cellId: cell.cellId,
                feature: cell.feature,
                model: cell.model,
                exampleId: cell.exampleId,
                repeat: cell.repeat,
              },
              gatewayPrompt: {
                promptId: resolved.promptId,
                promptVersion: resolved.version,
                inputs: cell.example.inputs,
              },
            };
          },
        }
      : {}),
  });

  const resumeState = await loadResumeState(options.outDir);
  const journal = await JournalWriter.open(journalPathIn(options.outDir), {
    secrets: secretValues(allModels, env, gateway?.tokenEnv),
  });
  let pending: AsyncIterable<PlannedCell>;
  let sink: JournalSink = journal;
  let executeCell = execute;
  if (options.adaptive) {
    const schedule = await scheduleAdaptively(
      plan,
      options.adaptive,
      modelOf,
      resumeState.finished,
    );
    if (resumeState.journalExists) {
      await forEachJournalRecord(journalPathIn(options.outDir), (r) => schedule.observe(r));
    }
    pending = schedule.cells(options.signal);
    sink = {
      append: (record) => {
        schedule.observe(record);
        return journal.append(record);
      },
    };
    executeCell = async (cell, signal) => schedule.skipRecordFor(cell) ?? execute(cell, signal);
  } else {
    const cells = planCells({
      features: plan.features.map((f) => {
        const dataset = plan.datasets.get(f.id)!;
        return { id: f.id, examples: dataset.read(), idsChecked: dataset.idsChecked };
      }),
      models: plan.models.map((m) => m.name),
      repeats: plan.repeats,
    });
    pending = skipFinished(cells, resumeState.finished);
  }
  try {
    const result = await runCells({
      cells: pending,
      execute: executeCell,
      journal: sink,
      total: manifest.planned as number,
      skipped: resumeState.finished.size,
      maxInFlight: inFlightLimitFor(allModels.map((m) => m.limits.concurrency)),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      backoff: () => calls.retry.state(),
      pausedForMs: () => Math.max(0, ...calls.queues.states().map((q) => q.pausedForMs)),
    });
    let pruned = 0;
    if (cache.enabled) {
      const maxBytes = options.cache.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
      // A cache that cannot be pruned (read-only, removed meanwhile) is no reason to fail a run.
      pruned = (await pruneCache(cache.dir, maxBytes).catch(() => ({ removed: 0 }))).removed;
    }
    return {
      manifest,
      result,
      cache: { ...cache.stats(), dir: cache.dir, enabled: cache.enabled, pruned },
      downEndpoints: calls.queues.down(),
      retried,
    };
  } finally {
    await journal.close();
    prompts.close();
    await calls.close();
  }
}
