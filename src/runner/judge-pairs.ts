/**
 * `compare --pairwise`'s judge calls, one per order of every pair, through the same call stack
 * as a run's judge calls (model-calls.ts): the judge model's `limits`, the retry layer, the
 * circuit breaker and the response cache. A second identical comparison replays every answer
 * from the cache; a call that still fails after the retries leaves its pair unjudged, with a
 * reason naming the judge and its endpoint.
 */
import type { CatalogModel, ErrorClass, ModelClient } from "../core/types.js";
import { createPairwiseJudge, judgeBothOrders, type SwappedVerdict } from "../judges/index.js";
import { ModelCalls } from "./model-calls.js";
import { judgeModelFor } from "./panel-judge.js";
import { type CacheStats, ResponseCache } from "./response-cache.js";
import type { ScheduledClient } from "./scheduled-client.js";

/** Two runs' answers to one (feature, example, repeat), and what the judge needs to read them. */
export interface PairToJudge {
  feature: string;
  exampleId: string;
  repeat: number;
  /** The task as the judge reads it (the example's inputs). */
  task: string;
  reference: string | undefined;
  base: string;
  cand: string;
}

export interface JudgePairsOptions {
  /** The judge model, as the catalog has it. */
  judge: CatalogModel;
  pairs: readonly PairToJudge[];
  env: NodeJS.ProcessEnv;
  cache: { enabled: boolean; dir?: string; cwd: string };
  /** The model as reached (`--simulate` points it at the simulator). */
  reachModel?: (model: CatalogModel) => CatalogModel;
  /** Which simulator answers (its profile), for the cache. */
  simulation?: true | string;
  signal?: AbortSignal;
}

/** What the judge calls took. */
export interface PairJudgingCalls {
  judge: string;
  endpoint: string;
  /** Judge calls asked: one per order, plus re-asks after an unreadable reply. */
  calls: number;
  /** Of those, answered from the response cache. */
  cached: number;
  /** Requests sent to the endpoint, retries included. */
  requests: number;
  /** Retries, by the failure that caused them. */
  retries: Partial<Record<ErrorClass, number>>;
  /** Calls that still failed after the retries. */
  failed: number;
  cache: CacheStats & { enabled: boolean; dir: string };
  /** Endpoints whose circuit breaker opened. */
  downEndpoints: string[];
}

export interface JudgePairsResult {
  /** One per pair, in the order of `pairs`. */
  verdicts: SwappedVerdict[];
  calls: PairJudgingCalls;
}

/** Counts what the scheduled client did for each call, passing its responses through. */
function counted(client: ScheduledClient, calls: PairJudgingCalls): ModelClient {
  return {
    async complete(request) {
      const response = await client.complete(request);
      calls.calls++;
      if (response.cached) calls.cached++;
      // A call to an endpoint whose breaker opened ends without being sent.
      const unsent = !response.ok && response.errorClass === "endpoint_down" ? 1 : 0;
      if (!response.cached) calls.requests += response.attempts - unsent;
      if (!response.ok) calls.failed++;
      return response;
    },
  };
}

export async function judgePairs(options: JudgePairsOptions): Promise<JudgePairsResult> {
  const cache = new ResponseCache(options.cache);
  const stack = new ModelCalls({
    env: options.env,
    cache,
    ...(options.reachModel ? { reachModel: options.reachModel } : {}),
    ...(options.simulation !== undefined ? { simulation: options.simulation } : {}),
    queues: { downAdvice: "Fix the endpoint, then run the comparison again" },
  });
  try {
    const scheduled = stack.clientFor(options.judge, { priority: 1 });
    const reached = judgeModelFor(options.judge, scheduled, (m) => stack.reach(m));
    const calls: PairJudgingCalls = {
      judge: options.judge.name,
      endpoint: reached.endpoint ?? options.judge.provider,
      calls: 0,
      cached: 0,
      requests: 0,
      retries: {},
      failed: 0,
      cache: { hits: 0, misses: 0, writes: 0, enabled: cache.enabled, dir: cache.dir },
      downEndpoints: [],
    };
    const judge = createPairwiseJudge({
      ...reached,
      client: counted(scheduled, calls),
      params: { ...options.judge.params, temperature: 0 },
    });
    const verdicts = await Promise.all(
      options.pairs.map(({ base, cand, feature, exampleId, repeat, task, reference }) =>
        judgeBothOrders(judge, {
          feature,
          task,
          reference,
          base,
          cand,
          cell: {
            cellId: `pairwise/${feature}/${exampleId}/${repeat}`,
            feature,
            model: "pairwise",
            exampleId,
            repeat,
          },
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      ),
    );
    calls.retries = stack.retry.state().retries;
    calls.cache = { ...cache.stats(), enabled: cache.enabled, dir: cache.dir };
    calls.downEndpoints = stack.queues.down();
    return { verdicts, calls };
  } finally {
    await stack.close();
  }
}
