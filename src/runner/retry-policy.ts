/**
 * The one retry layer (DESIGN.md: SDK retries are off). It decides from `errorClass` alone
 * what to retry, backs off exponentially with full jitter, honours Retry-After, bounds the
 * attempts. The per-call timeout is the provider client's, with the runner's watchdog
 * (call-watchdog.ts) as the backstop.
 */
import type { ErrorClass, ModelResponse } from "../core/types.js";
import { abortReason, sleep } from "./abort-signals.js";

/** Transient failures worth another attempt; the rest would fail the same way again. */
export const RETRYABLE_ERROR_CLASSES: ReadonlySet<ErrorClass> = new Set<ErrorClass>([
  "rate_limited",
  "timeout",
  "server",
  "connection",
]);

export function isRetryable(errorClass: ErrorClass): boolean {
  return RETRYABLE_ERROR_CLASSES.has(errorClass);
}

export interface RetryOptions {
  /** Attempts in all, including the first. Default 5. */
  maxAttempts?: number;
  /** Backoff base: the n-th retry waits up to base × 2^(n-1). Default 500 ms. */
  baseDelayMs?: number;
  /** Backoff cap. Default 30 s. */
  maxDelayMs?: number;
  /** Longest Retry-After honoured, so a server cannot stall a run for hours. Default 120 s. */
  maxRetryAfterMs?: number;
  /** Uniform in [0, 1). Injectable for tests. */
  random?: () => number;
  /** Injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

/** Full jitter: uniform in [0, min(cap, base × 2^(retry-1))). `retry` is 1 for the first retry. */
export function backoffDelayMs(
  retry: number,
  options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs" | "random"> = {},
): number {
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 30_000;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, retry - 1));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

/** What the progress display shows about retries right now. */
export interface BackoffState {
  /** Calls currently sleeping before a retry. */
  waiting: number;
  /** Time left on the longest of those sleeps. */
  longestWaitMs: number;
  /** Retries started so far in this run, by the failure that caused them. */
  retries: Partial<Record<ErrorClass, number>>;
}

export interface RetryResult {
  response: ModelResponse;
  /** Attempts made (1 = no retry). */
  attempts: number;
}

export class RetryPolicy {
  readonly maxAttempts: number;
  private readonly options: RetryOptions;
  private readonly waits = new Map<number, number>();
  private nextWaitId = 0;
  private readonly retries: Partial<Record<ErrorClass, number>> = {};

  constructor(options: RetryOptions = {}) {
    this.options = options;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  }

  /**
   * Calls `attempt` until it succeeds, fails with a class not worth retrying, or runs out of
   * attempts; returns the last response. Rejects only when `signal` aborts.
   */
  async run(
    attempt: (attemptNumber: number) => Promise<ModelResponse>,
    signal?: AbortSignal,
  ): Promise<RetryResult> {
    const wait = this.options.sleep ?? sleep;
    const now = this.options.now ?? Date.now;
    for (let n = 1; ; n++) {
      if (signal?.aborted) throw abortReason(signal);
      const response = await attempt(n);
      if (response.ok || !isRetryable(response.errorClass) || n >= this.maxAttempts) {
        return { response, attempts: n };
      }
      const retryAfter = Math.min(
        response.retryAfterMs ?? 0,
        this.options.maxRetryAfterMs ?? 120_000,
      );
      const delay = Math.max(backoffDelayMs(n, this.options), retryAfter);
      this.retries[response.errorClass] = (this.retries[response.errorClass] ?? 0) + 1;
      const id = this.nextWaitId++;
      this.waits.set(id, now() + delay);
      try {
        await wait(delay, signal);
      } finally {
        this.waits.delete(id);
      }
    }
  }

  state(): BackoffState {
    const now = (this.options.now ?? Date.now)();
    let longest = 0;
    for (const until of this.waits.values()) longest = Math.max(longest, until - now);
    return {
      waiting: this.waits.size,
      longestWaitMs: Math.max(0, longest),
      retries: { ...this.retries },
    };
  }
}
