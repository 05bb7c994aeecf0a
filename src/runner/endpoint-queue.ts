/**
 * One queue per endpoint, so each endpoint runs at its own limits and a slow or throttled
 * endpoint never holds up the others. Limits: concurrency (adapted by AIMD on 429s),
 * requests per minute (p-queue's sliding window) and tokens per minute (a token bucket).
 */
import PQueue from "p-queue";
import type { CatalogModel, ModelLimits, ModelRequest, ModelResponse } from "../core/types.js";
import { abortReason } from "./abort-signals.js";
import { sharedSendBatch } from "./send-batch.js";
import { TokenBucket } from "./token-bucket.js";

/**
 * The queue key of a model: provider + endpoint + served name. Two catalog entries for the
 * same served model on the same endpoint share a queue, because they share its limits.
 * In gateway mode every model goes through the gateway, so pass its URL.
 */
export function endpointKeyFor(model: CatalogModel, options: { gatewayUrl?: string } = {}): string {
  if (options.gatewayUrl) return `gateway|${options.gatewayUrl}|${model.identifier}`;
  return `${model.provider}|${model.endpoint ?? model.region ?? ""}|${model.servedName}`;
}

/**
 * Rough token count of a request before it is sent: ~4 characters per token for the prompt
 * plus the completion budget, which is what rate limiters on the server side reserve too.
 */
export function estimateRequestTokens(request: ModelRequest): number {
  let chars = 0;
  for (const m of request.messages) chars += m.content.length;
  const completion =
    typeof request.params.max_tokens === "number" ? request.params.max_tokens : 256;
  return Math.ceil(chars / 4) + completion;
}

export interface EndpointQueueOptions {
  /** Successes in a row that earn back one concurrency slot after a 429. Default 10. */
  recoveryWindow?: number;
  /** Longest pause a Retry-After may impose on the whole endpoint. Default 120 s. */
  maxPauseMs?: number;
  /**
   * Consecutive connection or auth failures after which the endpoint counts as down: every
   * call still queued or scheduled later ends at once as `endpoint_down`, unsent. Default 5;
   * 0 never opens the breaker.
   */
  breakAfter?: number;
  /** What the reply of a down endpoint tells the user to do. Default: fix it, then --resume. */
  downAdvice?: string;
  now?: () => number;
}

export interface ScheduleOptions {
  /** Tokens to reserve; defaults to 0 (no token limit applies). */
  estimatedTokens?: number;
  /** Higher runs first. Judge calls use 1 so started cells finish before new ones start. */
  priority?: number;
  /** Removes the call from the queue (or aborts the wait for tokens). */
  signal?: AbortSignal;
}

export interface EndpointState {
  key: string;
  /** Configured `limits.concurrency`. */
  maxConcurrency: number;
  /** Current AIMD concurrency (≤ max). */
  concurrency: number;
  inFlight: number;
  queued: number;
  /** Remaining Retry-After pause, 0 when running. */
  pausedForMs: number;
  /** 429 responses seen. */
  rateLimited: number;
  /** True once the circuit breaker opened: no more calls are sent to this endpoint. */
  down: boolean;
}

/** Failures that say the endpoint cannot answer anyone, as opposed to this one request. */
const BREAKING_CLASSES: ReadonlySet<string> = new Set(["connection", "auth"]);

export class EndpointQueue {
  readonly key: string;
  readonly limits: ModelLimits;
  private readonly queue: PQueue;
  private readonly tokens: TokenBucket | undefined;
  private readonly recoveryWindow: number;
  private readonly maxPauseMs: number;
  private readonly now: () => number;
  private current: number;
  private successesSinceChange = 0;
  private started = 0;
  private startedAtLastDecrease = 0;
  private rateLimitedCount = 0;
  private pausedUntil = 0;
  private resumeTimer: NodeJS.Timeout | undefined;
  private readonly breakAfter: number;
  private readonly downAdvice: string;
  private consecutiveBreaking = 0;
  private downBecause: string | undefined;

  constructor(key: string, limits: ModelLimits, options: EndpointQueueOptions = {}) {
    this.key = key;
    this.limits = limits;
    this.now = options.now ?? Date.now;
    this.recoveryWindow = options.recoveryWindow ?? 10;
    this.maxPauseMs = options.maxPauseMs ?? 120_000;
    this.breakAfter = Math.max(0, options.breakAfter ?? 5);
    this.downAdvice = options.downAdvice ?? "Fix the endpoint, then finish the run with --resume";
    this.current = Math.max(1, Math.floor(limits.concurrency));
    this.queue = new PQueue({ concurrency: this.current, ...rateWindow(limits.requestsPerMinute) });
    this.tokens = limits.tokensPerMinute
      ? new TokenBucket(limits.tokensPerMinute, this.now)
      : undefined;
  }

  /** Runs `call` when the endpoint has room, and learns from its response. */
  schedule(
    call: () => Promise<ModelResponse>,
    options: ScheduleOptions = {},
  ): Promise<ModelResponse> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.downBecause !== undefined) return Promise.resolve(this.downResponse());
    const estimate = options.estimatedTokens ?? 0;
    const tokens = estimate > 0 ? this.tokens : undefined;
    const task = tokens
      ? () => tokens.take(estimate, signal).then(() => this.start(call, estimate, signal))
      : () => this.start(call, estimate, signal);
    // p-queue's abort support costs two listener registrations and a Promise.race per task,
    // which shows at thousands of calls per second. It is only needed where the wait can be
    // long: a paused endpoint, or one with a rate or token limit. Elsewhere a cancelled call
    // waits for a slot, which frees as fast as the calls ahead of it end (they are being
    // cancelled too), and then gives up without being sent.
    const mayWaitLong =
      this.tokens !== undefined ||
      this.limits.requestsPerMinute !== undefined ||
      this.pausedUntil > this.now();
    return this.queue.add(task, {
      priority: options.priority ?? 0,
      signal: mayWaitLong ? signal : undefined,
    });
  }

  private start(
    call: () => Promise<ModelResponse>,
    estimate: number,
    signal: AbortSignal | undefined,
  ): Promise<ModelResponse> {
    // The call is sent with the others that got a slot in this turn of the event loop.
    return sharedSendBatch.later(() => {
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      // Queued before the breaker opened: still not sent.
      if (this.downBecause !== undefined) return Promise.resolve(this.downResponse());
      const startNumber = ++this.started;
      return call().then((response) => {
        this.observe(response, startNumber, estimate);
        return response;
      });
    });
  }

  state(): EndpointState {
    return {
      key: this.key,
      maxConcurrency: Math.max(1, Math.floor(this.limits.concurrency)),
      concurrency: this.current,
      inFlight: this.queue.pending,
      queued: this.queue.size,
      pausedForMs: Math.max(0, this.pausedUntil - this.now()),
      rateLimited: this.rateLimitedCount,
      down: this.downBecause !== undefined,
    };
  }

  /** The reply every call gets once the endpoint is down; it names the endpoint and why. */
  private downResponse(): ModelResponse {
    return {
      ok: false,
      errorClass: "endpoint_down",
      message: `endpoint_down: ${this.key} is down (${this.downBecause}); not sent. ${this.downAdvice}`,
      latencyMs: 0,
      requestId: undefined,
    };
  }

  /** Stops the Retry-After timer so a finished run does not keep the process alive. */
  close(): void {
    clearTimeout(this.resumeTimer);
    this.queue.start();
  }

  private observe(response: ModelResponse, startNumber: number, estimate: number): void {
    this.watchHealth(response);
    if (response.ok) {
      if (this.tokens && response.usage) {
        this.tokens.adjust(response.usage.inputTokens + response.usage.outputTokens - estimate);
      }
      this.successesSinceChange++;
      const max = Math.max(1, Math.floor(this.limits.concurrency));
      if (this.successesSinceChange >= this.recoveryWindow && this.current < max) {
        this.setConcurrency(this.current + 1);
      }
      return;
    }
    if (response.errorClass !== "rate_limited") return;
    this.rateLimitedCount++;
    // Calls started before the last decrease belong to the burst that caused it; halving
    // again for each of them would collapse concurrency to 1 after a single overload.
    if (startNumber > this.startedAtLastDecrease) {
      this.startedAtLastDecrease = this.started;
      this.setConcurrency(Math.max(1, Math.floor(this.current / 2)));
    } else {
      this.successesSinceChange = 0;
    }
    if (response.retryAfterMs !== undefined && response.retryAfterMs > 0) {
      this.pauseFor(Math.min(response.retryAfterMs, this.maxPauseMs));
    }
  }

  private watchHealth(response: ModelResponse): void {
    if (response.ok) {
      this.consecutiveBreaking = 0;
      return;
    }
    if (!BREAKING_CLASSES.has(response.errorClass)) return;
    this.consecutiveBreaking++;
    if (this.breakAfter > 0 && this.consecutiveBreaking >= this.breakAfter) {
      this.downBecause ??= `${this.consecutiveBreaking} ${response.errorClass} failures in a row, the last: ${response.message}`;
    }
  }

  private setConcurrency(value: number): void {
    this.current = value;
    this.successesSinceChange = 0;
    this.queue.concurrency = value;
  }

  private pauseFor(ms: number): void {
    const until = this.now() + ms;
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.queue.pause();
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = undefined;
      this.queue.start();
    }, ms);
  }
}

/** A smooth requests-per-minute window: per second when ≥ 60 rpm, else one per interval. */
function rateWindow(rpm: number | undefined): {
  intervalCap?: number;
  interval?: number;
  strict?: boolean;
} {
  if (!rpm || rpm <= 0) return {};
  if (rpm >= 60) return { intervalCap: Math.floor(rpm / 60), interval: 1000, strict: true };
  return { intervalCap: 1, interval: Math.ceil(60_000 / rpm), strict: true };
}

/** The queues of one run, created on first use. */
export class EndpointQueues {
  private readonly queues = new Map<string, EndpointQueue>();
  private readonly options: EndpointQueueOptions;

  constructor(options: EndpointQueueOptions = {}) {
    this.options = options;
  }

  /** The queue for `key`; the first caller's limits define it. */
  get(key: string, limits: ModelLimits): EndpointQueue {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new EndpointQueue(key, limits, this.options);
      this.queues.set(key, queue);
    }
    return queue;
  }

  /** Keys of the endpoints whose circuit breaker opened. */
  down(): string[] {
    return [...this.queues.values()].filter((q) => q.state().down).map((q) => q.key);
  }

  forModel(model: CatalogModel, options: { gatewayUrl?: string } = {}): EndpointQueue {
    return this.get(endpointKeyFor(model, options), model.limits);
  }

  states(): EndpointState[] {
    return [...this.queues.values()].map((q) => q.state());
  }

  /** Sum of configured concurrencies: how many calls all endpoints can take at once. */
  totalConcurrency(): number {
    let sum = 0;
    for (const q of this.queues.values()) sum += q.state().maxConcurrency;
    return sum;
  }

  close(): void {
    for (const q of this.queues.values()) q.close();
  }
}
