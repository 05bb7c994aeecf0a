/**
 * Runs a planned suite into an output folder: writes `run.json` first (so merge and resume
 * know what the folder is), then executes every cell not already in the journal through
 * per-endpoint queues, the retry layer and the cache, journaling each record as it finishes.
 * Aggregation and reports happen after, from the journal alone.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { LoadedConfig } from "../config/index.js";
import { UserError } from "../core/errors.js";
import type { CatalogModel, ModelClient } from "../core/types.js";
import { createEvaluatorJudge, type Judge } from "../judges/index.js";
import { createModelClient, type GatewaySettings } from "../providers/index.js";
import { CallWatchdog } from "./call-watchdog.js";
import { EndpointQueues } from "./endpoint-queue.js";
import { createCellExecutor } from "./execute-cell.js";
import { JournalWriter, journalPathIn } from "./journal.js";
import { type PlannedCell, planCells } from "./plan-cells.js";
import { PromptStore, promptsPathIn } from "./prompt-store.js";
import { ResponseCache } from "./response-cache.js";
import { loadResumeState, skipFinished } from "./resume-run.js";
import { RetryPolicy } from "./retry-policy.js";
import { inFlightLimitFor, type RunCellsResult, type RunProgress, runCells } from "./run-cells.js";
import {
  newRunId,
  RUN_MANIFEST_SCHEMA_VERSION,
  type RunManifest,
  readRunManifest,
  writeRunManifest,
} from "./run-manifest.js";
import { scheduleClient } from "./scheduled-client.js";
import { formatShard, type Shard } from "./shard-cells.js";
import type { PlannedPair, SuitePlan } from "./suite-plan.js";

export interface RunSuiteOptions {
  config: LoadedConfig;
  plan: SuitePlan;
  outDir: string;
  /** Continue the run already in `outDir` (its config hash must match). */
  resume: boolean;
  shard?: Shard | undefined;
  cache: { enabled: boolean; dir?: string; cwd: string };
  env: NodeJS.ProcessEnv;
  /**
   * The model as this run reaches it (`--simulate` swaps endpoint and credentials). Queues
   * and the cache key on the result, so simulated answers are never served to a real run.
   */
  reachModel?: (model: CatalogModel) => CatalogModel;
  /** Replace the gateway URL of evalgate.yaml (`--simulate` in gateway mode). */
  gatewayUrl?: string;
  signal?: AbortSignal;
  graceMs?: number;
  onProgress?(progress: RunProgress): void;
  /** How the run was invoked, stored in run.json so `--resume` can repeat it. */
  invocation: Record<string, unknown>;
}

export interface RunSuiteResult {
  manifest: RunManifest;
  result: RunCellsResult;
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
  await mkdir(outDir, { recursive: true });
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

export async function runSuite(options: RunSuiteOptions): Promise<RunSuiteResult> {
  const { plan, env } = options;
  const manifest = await startManifest(options);
  const viaGateway = plan.suite.viaGateway;
  const gateway = viaGateway ? gatewaySettings(options.config, options.gatewayUrl) : undefined;
  const judgeModels = [...new Set(plan.judgeOf.values())];
  const reach = options.reachModel ?? ((m: CatalogModel) => m);
  const allModels = [...new Set([...plan.models, ...judgeModels])];
  const underTest = new Set(plan.models.map((m) => m.name));

  const queues = new EndpointQueues();
  const retry = new RetryPolicy();
  const watchdog = new CallWatchdog();
  const cache = new ResponseCache({
    enabled: options.cache.enabled,
    cwd: options.cache.cwd,
    ...(options.cache.dir ? { dir: options.cache.dir } : {}),
  });
  const raw = new Map<string, ModelClient>();
  const scheduled = new Map<string, ModelClient>();
  for (const catalogModel of allModels) {
    const model = reach(catalogModel);
    const isJudgeOnly = !underTest.has(model.name);
    // Judge prompts are evalgate's own, so judges are always called directly, never via the gateway.
    const useGateway = gateway && !isJudgeOnly ? gateway : undefined;
    const client = createModelClient(model, {
      env,
      ...(useGateway ? { gateway: useGateway } : {}),
    });
    raw.set(model.name, client);
    const queue = queues.forModel(model, useGateway ? { gatewayUrl: useGateway.url } : {});
    scheduled.set(
      model.name,
      scheduleClient({
        client,
        queue,
        retry,
        cache,
        watchdog,
        servedName: model.servedName,
        priority: isJudgeOnly ? 1 : 0,
      }),
    );
  }
  // A model that is also another model's judge shares one client and queue, as it would in
  // production: its judge calls get priority through the judge wrapper below.
  const judges = new Map<string, Judge>();
  const pairOf = new Map(plan.pairs.map((p) => [`${p.feature}\u0000${p.model}`, p]));
  const featureOf = new Map(plan.features.map((f) => [f.id, f]));
  const modelOf = new Map(allModels.map((m) => [m.name, m]));
  const judgeFor = (cell: PlannedCell): Judge => {
    const feature = featureOf.get(cell.feature)!;
    const judgeModel = plan.judgeOf.get(cell.model)!;
    const key = `${feature.evaluator}\u0000${judgeModel.name}`;
    let judge = judges.get(key);
    if (!judge) {
      const reached = reach(judgeModel);
      judge = createEvaluatorJudge({
        evaluator: plan.evaluators.get(feature.evaluator!)!,
        model: {
          client: scheduled.get(judgeModel.name)!,
          judgeName: judgeModel.name,
          endpoint:
            reached.endpoint ?? [reached.provider, reached.region].filter(Boolean).join(" "),
          params: judgeModel.params,
        },
      });
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
  const cells = planCells({
    features: plan.features.map((f) => {
      const dataset = plan.datasets.get(f.id)!;
      return { id: f.id, examples: dataset.read(), idsChecked: dataset.idsChecked };
    }),
    models: plan.models.map((m) => m.name),
    repeats: plan.repeats,
  });
  let skipped = 0;
  const pending = skipFinished(cells, resumeState.finished, () => skipped++);
  const journal = await JournalWriter.open(journalPathIn(options.outDir), {
    secrets: secretValues(allModels, env, gateway?.tokenEnv),
  });
  try {
    const result = await runCells({
      cells: pending,
      execute,
      journal,
      total: manifest.planned as number,
      skipped: resumeState.finished.size,
      maxInFlight: inFlightLimitFor(allModels.map((m) => m.limits.concurrency)),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      backoff: () => retry.state(),
    });
    return { manifest, result };
  } finally {
    await journal.close();
    prompts.close();
    queues.close();
    watchdog.close();
    await Promise.all([...raw.values()].map((c) => c.close?.()));
  }
}
