/**
 * The stack every call of a session goes through: one retry policy, a queue per endpoint
 * (its `limits`, AIMD on 429s, Retry-After pauses, the circuit breaker), one watchdog and the
 * response cache. `evalgate run`, `calibrate` and `compare --pairwise` all make their
 * clients here, so a judge call is scheduled, retried and cached the same way whichever
 * command makes it.
 */
import type { CatalogModel, ModelClient } from "../core/types.js";
import { createModelClient, type GatewaySettings } from "../providers/index.js";
import { CallWatchdog } from "./call-watchdog.js";
import { type EndpointQueueOptions, EndpointQueues } from "./endpoint-queue.js";
import { cacheIdentityFor, type ResponseCache } from "./response-cache.js";
import { RetryPolicy } from "./retry-policy.js";
import { type ScheduledClient, scheduleClient } from "./scheduled-client.js";

export interface ModelCallsOptions {
  env: NodeJS.ProcessEnv;
  cache: ResponseCache;
  /**
   * The model as this session reaches it (`--simulate` swaps endpoint and credentials).
   * Queues key on the result; the cache keys on the catalog model's identity plus
   * "simulated", so simulated answers are never served to a real session.
   */
  reachModel?: (model: CatalogModel) => CatalogModel;
  /**
   * Which simulator answers, for the cache identity (`SimulatedEndpoints.simulation`).
   * Default: `true` when `reachModel` is given.
   */
  simulation?: true | string;
  /** Options of every endpoint queue (the breaker's threshold, what a down endpoint advises). */
  queues?: EndpointQueueOptions;
}

export interface ClientOptions {
  /** Send this model's calls through the AI gateway. */
  gateway?: GatewaySettings;
  /** Queue priority (judge calls: 1, so started cells finish before new ones start). */
  priority?: number;
}

export class ModelCalls {
  readonly queues: EndpointQueues;
  readonly retry = new RetryPolicy();
  readonly watchdog = new CallWatchdog();
  readonly cache: ResponseCache;
  private readonly options: ModelCallsOptions;
  private readonly providerClients: ModelClient[] = [];

  constructor(options: ModelCallsOptions) {
    this.options = options;
    this.cache = options.cache;
    this.queues = new EndpointQueues(options.queues ?? {});
  }

  /** `model` as this session reaches it. */
  reach(model: CatalogModel): CatalogModel {
    return this.options.reachModel ? this.options.reachModel(model) : model;
  }

  /**
   * A scheduled client for the catalog model `model`. Throws the provider's UserError when a
   * key variable the catalog names is unset, before anything is sent.
   */
  clientFor(model: CatalogModel, options: ClientOptions = {}): ScheduledClient {
    const reached = this.reach(model);
    const { gateway } = options;
    const client = createModelClient(reached, {
      env: this.options.env,
      ...(gateway ? { gateway } : {}),
    });
    this.providerClients.push(client);
    return scheduleClient({
      client,
      queue: this.queues.forModel(reached, gateway ? { gatewayUrl: gateway.url } : {}),
      retry: this.retry,
      cache: this.cache,
      watchdog: this.watchdog,
      servedName: reached.servedName,
      modelIdentity: cacheIdentityFor(model, {
        viaGateway: gateway !== undefined,
        simulated: this.options.simulation ?? this.options.reachModel !== undefined,
      }),
      priority: options.priority ?? 0,
    });
  }

  /** Stops the queues' and the watchdog's timers and closes every provider client. */
  async close(): Promise<void> {
    this.queues.close();
    this.watchdog.close();
    await Promise.all(this.providerClients.map((c) => c.close?.()));
  }
}
