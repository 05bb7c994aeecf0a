/**
 * The runner's backstop for the per-call timeout. Each provider client owns the deadline of
 * its calls (it aborts its SDK request and reports a precise `timeout` failure); the runner
 * only makes sure a client that ignores its deadline cannot hold a cell forever. One shared
 * timer serves every guarded call, so guarding costs no AbortController and no timer per call:
 * at thousands of calls per second those were a measurable share of the harness's CPU.
 */
import type { ModelFailure, ModelResponse } from "../core/types.js";

/** How long past its own deadline a client gets before the backstop answers for it. */
export const BACKSTOP_GRACE_MS = 2_000;

interface Guarded {
  deadline: number;
  limitMs: number;
  started: number;
  settle: (response: ModelResponse) => void;
}

export interface CallWatchdogOptions {
  now?: () => number;
}

export class CallWatchdog {
  private readonly guarded = new Set<Guarded>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(options: CallWatchdogOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Settles like `start()`, except: a call still running `limitMs` after it started becomes a
   * `timeout` failure, and a call that throws becomes a `connection` failure (clients must not
   * throw; a thrown error is treated as a lost connection, which is worth a retry). A late
   * answer after the backstop fired is dropped.
   */
  guard(start: () => Promise<ModelResponse>, limitMs: number): Promise<ModelResponse> {
    return new Promise<ModelResponse>((resolve) => {
      const started = this.now();
      const entry: Guarded = { deadline: started + limitMs, limitMs, started, settle: resolve };
      this.guarded.add(entry);
      if (entry.deadline < this.timerAt) this.arm(entry.deadline);
      let call: Promise<ModelResponse>;
      try {
        call = start();
      } catch (err) {
        call = Promise.reject(err);
      }
      call.then(
        (response) => {
          if (this.release(entry)) resolve(response);
        },
        (err: unknown) => {
          if (!this.release(entry)) return;
          const message = err instanceof Error ? err.message : String(err);
          resolve({
            ok: false,
            errorClass: "connection",
            message: `model client threw: ${message}`,
            latencyMs: this.now() - started,
            requestId: undefined,
          });
        },
      );
    });
  }

  /** Calls being guarded right now. */
  get size(): number {
    return this.guarded.size;
  }

  /** Stops the timer; calls still guarded then settle only when their client answers. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private release(entry: Guarded): boolean {
    if (!this.guarded.delete(entry)) return false;
    if (this.guarded.size === 0) this.close();
    return true;
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.expire(), Math.max(0, at - this.now()));
  }

  private expire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.guarded) {
      if (entry.deadline <= now) {
        this.guarded.delete(entry);
        entry.settle(timeoutFailure(entry.limitMs, now - entry.started));
      } else if (entry.deadline < next) {
        next = entry.deadline;
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }
}

function timeoutFailure(limitMs: number, latencyMs: number): ModelFailure {
  return {
    ok: false,
    errorClass: "timeout",
    message: `no response within ${limitMs} ms: the model client did not honour its own deadline`,
    latencyMs,
    requestId: undefined,
  };
}
