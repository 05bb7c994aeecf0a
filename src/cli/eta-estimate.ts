/**
 * An ETA that stays honest under backoff and rate limits. The run loop's own estimate divides
 * what is left by the average rate since the start, so a run that went fast until the
 * endpoint began answering 429 kept promising seconds while it took minutes. This one uses
 * the rate over the recent window (which already includes the time spent waiting), and
 * adds the endpoint pause a Retry-After imposes right now, which no rate has seen yet.
 */
import type { RunProgress } from "../runner/index.js";

export interface EtaOptions {
  /** How far back the rate is measured. Default 30 s. */
  windowMs?: number;
  /** The clock; a test passes a fake one. */
  now?: () => number;
}

interface Sample {
  at: number;
  finished: number;
}

export class EtaEstimator {
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly samples: Sample[] = [];

  constructor(options: EtaOptions = {}) {
    this.windowMs = options.windowMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Milliseconds until the run ends, or undefined before anything finished in this session.
   * `p.pausedForMs`: the longest Retry-After pause an endpoint is in, added; the longest
   * retry backoff bounds the ETA from below while cells wait to retry.
   */
  estimate(p: RunProgress): number | undefined {
    const pausedForMs = p.pausedForMs ?? 0;
    const at = this.now();
    const finished = p.done;
    // A sample per quarter second at most: updates come per record, thousands a second.
    const latest = this.samples[this.samples.length - 1];
    if (latest === undefined || at - latest.at >= 250) this.samples.push({ at, finished });
    // Keep one sample older than the window, so the window is always fully covered.
    while (this.samples.length > 2 && this.samples[1]!.at <= at - this.windowMs) {
      this.samples.shift();
    }
    if (p.total === undefined) return undefined;
    const remaining = Math.max(0, p.total - p.skipped - p.done);
    if (remaining === 0) return 0;
    const first = this.samples[0]!;
    const span = at - first.at;
    const recent = finished - first.finished;
    // Nothing finished in the window (every call waiting): the average since the start,
    // stretched by the time since the last completion, is the best there is.
    const rate =
      recent > 0 && span > 0
        ? recent / span
        : p.done > 0 && p.elapsedMs > 0
          ? p.done / (p.elapsedMs + span)
          : 0;
    if (rate <= 0) return undefined;
    return Math.max(remaining / rate + pausedForMs, p.backoff?.longestWaitMs ?? 0);
  }
}
