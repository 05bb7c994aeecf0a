import type { ModelParams, ModelRequest } from "../core/types.js";
import type { FailureParts } from "./error-classification.js";

export const DEFAULT_TIMEOUT_MS = 60_000;

/** Per-call timeout: the definition's `params.timeout` (seconds), else the client default. */
export function timeoutMsFor(params: ModelParams, defaultTimeoutMs: number): number {
  const seconds = params.timeout;
  if (typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0) {
    return Math.round(seconds * 1000);
  }
  return defaultTimeoutMs;
}

/**
 * One signal that fires on the per-call timeout or on the caller's abort, remembering
 * which: both surface from the SDKs as the same "aborted" error, but a timeout is worth a
 * retry and a user's Ctrl-C is not.
 */
export class CallDeadline {
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly callerSignal: AbortSignal | undefined;
  private reason: "timeout" | "aborted" | undefined;
  private timedOutByCaller = false;
  // A caller's own deadline (AbortSignal.timeout(), the runner's per-call timer) aborts with
  // a TimeoutError: that is a timeout, not a user cancelling the run.
  private readonly onCallerAbort = () => {
    this.timedOutByCaller = isTimeoutReason(this.callerSignal?.reason);
    this.fire(this.timedOutByCaller ? "timeout" : "aborted");
  };

  constructor(timeoutMs: number, callerSignal: AbortSignal | undefined) {
    this.timeoutMs = timeoutMs;
    this.signal = this.controller.signal;
    this.timer = setTimeout(() => this.fire("timeout"), timeoutMs);
    this.callerSignal = callerSignal;
    if (callerSignal?.aborted) this.onCallerAbort();
    else callerSignal?.addEventListener("abort", this.onCallerAbort, { once: true });
  }

  private fire(reason: "timeout" | "aborted"): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort(new Error(reason));
  }

  /** Why the call was cut short, if it was. */
  get expired(): "timeout" | "aborted" | undefined {
    return this.reason;
  }

  /** The failure to report when the deadline fired, whatever error the SDK threw for it. */
  failure(): FailureParts | undefined {
    if (this.reason === "timeout") {
      return {
        errorClass: "timeout",
        message: this.timedOutByCaller
          ? "no response before the caller's deadline"
          : `no response within ${this.timeoutMs / 1000} s (params.timeout, else the default timeout)`,
      };
    }
    if (this.reason === "aborted") {
      // Aborted by the caller (Ctrl-C, runner shutdown): not a model fault, and retrying
      // is the caller's call; `connection` keeps it out of the quality numbers.
      return { errorClass: "connection", message: "aborted" };
    }
    return undefined;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener("abort", this.onCallerAbort);
  }
}

function isTimeoutReason(reason: unknown): boolean {
  return (reason as { name?: unknown } | undefined)?.name === "TimeoutError";
}

/** Starts the deadline for one request; callers must `dispose()` it in a `finally`. */
export function startDeadline(request: ModelRequest, defaultTimeoutMs: number): CallDeadline {
  return new CallDeadline(timeoutMsFor(request.params, defaultTimeoutMs), request.signal);
}
