/**
 * A ModelClient that goes through the runner: cache, then the retry layer, each attempt
 * queued on its endpoint's queue with a per-call timeout. Give one to the cell executor for
 * the model under test and one to the judge for its judge model, so both kinds of call are
 * scheduled, retried and cached the same way.
 */
import type { ModelClient, ModelRequest, ModelResponse } from "../core/types.js";
import { type EndpointQueue, estimateRequestTokens } from "./endpoint-queue.js";
import { cacheKeyFor, type ResponseCache } from "./response-cache.js";
import { callWithTimeout, type RetryPolicy } from "./retry-policy.js";

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
  /** Cache identity of the endpoint, usually the queue key. Defaults to `queue.key`. */
  endpointIdentity?: string;
  servedName: string;
  /** Per-call timeout when the request's `params.timeout` (seconds) is not set. Default 120 s. */
  defaultTimeoutMs?: number;
  /** Queue priority of these calls (judge calls: 1). */
  priority?: number;
}

/** Per-call timeout: the definition's `params.timeout` (seconds) wins over the default. */
export function timeoutMsFor(request: ModelRequest, defaultTimeoutMs: number): number {
  const seconds = request.params.timeout;
  return typeof seconds === "number" && seconds > 0 ? seconds * 1000 : defaultTimeoutMs;
}

export function scheduleClient(options: ScheduledClientOptions): ScheduledClient {
  const { client, queue, retry, cache } = options;
  const endpoint = options.endpointIdentity ?? queue.key;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 120_000;
  return {
    async complete(request: ModelRequest): Promise<ScheduledResponse> {
      const key = cache?.enabled
        ? cacheKeyFor({
            endpoint,
            servedName: options.servedName,
            request,
            repeat: request.cell?.repeat ?? 0,
          })
        : undefined;
      if (key && cache) {
        const hit = await cache.get(key);
        if (hit) return { ...hit, attempts: 0, cached: true };
      }
      const timeoutMs = timeoutMsFor(request, defaultTimeoutMs);
      const estimatedTokens = estimateRequestTokens(request);
      const { signal } = request;
      const { response, attempts } = await retry.run(
        () =>
          queue.schedule(
            () =>
              callWithTimeout((s) => client.complete({ ...request, signal: s }), timeoutMs, signal),
            { estimatedTokens, priority: options.priority, signal },
          ),
        signal,
      );
      // A cache that cannot be written (disk full, read-only) must never cost a cell its answer.
      if (key && cache && response.ok) await cache.set(key, response).catch(() => {});
      return { ...response, attempts, cached: false };
    },
    close: client.close ? () => client.close!() : undefined,
  };
}
