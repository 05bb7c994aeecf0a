/**
 * A ModelClient that goes through the runner: cache, then the retry layer, each attempt
 * queued on its endpoint's queue and guarded by the watchdog. Give one to the cell executor
 * for the model under test and one to the judge for its judge model, so both kinds of call
 * are scheduled, retried and cached the same way.
 *
 * The per-call timeout belongs to the provider client, which aborts its own request at the
 * deadline and says so; the watchdog only answers for a client that fails to.
 */
import type { ModelClient, ModelRequest, ModelResponse } from "../core/types.js";
import { DEFAULT_TIMEOUT_MS, timeoutMsFor } from "../providers/index.js";
import { BACKSTOP_GRACE_MS, CallWatchdog } from "./call-watchdog.js";
import { type EndpointQueue, estimateRequestTokens } from "./endpoint-queue.js";
import { cacheKeyFor, type ResponseCache } from "./response-cache.js";
import type { RetryPolicy } from "./retry-policy.js";

/** A response plus how it was obtained. */
export type ScheduledResponse = ModelResponse & {
  /** Attempts made; 0 for a cache hit. */
  attempts: number;
  cached: boolean;
};

export interface ScheduledClient extends ModelClient {
  complete(request: ModelRequest): Promise<ScheduledResponse>;
}

export interface ScheduledClientOptions {
  /** The provider's client (with its SDK retries off). */
  client: ModelClient;
  queue: EndpointQueue;
  retry: RetryPolicy;
  /** Omit, or pass a disabled cache, for `--no-cache`. */
  cache?: ResponseCache;
  /** Cache identity of the model, from `cacheIdentityFor(model)`. Defaults to `servedName`. */
  modelIdentity?: string;
  servedName: string;
  /**
   * The client's per-call timeout when the request's `params.timeout` (seconds) is not set;
   * the watchdog answers BACKSTOP_GRACE_MS after it. Default: the providers' default, 60 s.
   */
  defaultTimeoutMs?: number;
  /** Shared by the clients of a run so one timer guards every call. Default: one of its own. */
  watchdog?: CallWatchdog;
  /** Queue priority of these calls (judge calls: 1). */
  priority?: number;
}

export function scheduleClient(options: ScheduledClientOptions): ScheduledClient {
  const { client, queue, retry, cache } = options;
  const modelIdentity = options.modelIdentity ?? options.servedName;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const watchdog = options.watchdog ?? new CallWatchdog();
  const priority = options.priority ?? 0;
  return {
    async complete(request: ModelRequest): Promise<ScheduledResponse> {
      const key = cache?.enabled
        ? cacheKeyFor({
            model: modelIdentity,
            request,
            repeat: request.cell?.repeat ?? 0,
          })
        : undefined;
      if (key && cache) {
        const hit = await cache.get(key);
        if (hit) return { ...hit, attempts: 0, cached: true };
      }
      const limitMs = timeoutMsFor(request.params, defaultTimeoutMs) + BACKSTOP_GRACE_MS;
      const { signal } = request;
      const schedule = { estimatedTokens: estimateRequestTokens(request), priority, signal };
      const call = () => client.complete(request);
      const attempt = () => queue.schedule(() => watchdog.guard(call, limitMs), schedule);
      const { response, attempts } = await retry.run(attempt, signal);
      // A cache that cannot be written (disk full, read-only) must never cost a cell its answer.
      if (key && cache && response.ok) await cache.set(key, response).catch(() => {});
      // The response is this call's own object: annotate it rather than copy it.
      const scheduled = response as ScheduledResponse;
      scheduled.attempts = attempts;
      scheduled.cached = false;
      return scheduled;
    },
    close: client.close ? () => client.close!() : undefined,
  };
}
