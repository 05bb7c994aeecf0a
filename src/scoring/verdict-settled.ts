/**
 * Whether an early-stopping run may stop sampling a (feature, model): its verdict can no
 * longer change.
 */
import { confidenceSequence } from "./confidence-sequence.js";
import { verdictRegion } from "./verdict.js";
import type { Interval } from "./wilson-interval.js";

export interface VerdictSettledOptions {
  threshold: number;
  yellowBand: number;
  /** Confidence of the anytime-valid sequence (e.g. 0.95). */
  confidence: number;
  /** Examples not yet sampled; enables the certain, arithmetic check. */
  remaining?: number;
  /**
   * The confidence sequence's mixing prior. Default Beta(10·threshold, 10·(1 − threshold)):
   * centred on the threshold, where the decision is hardest, so the sequence is tightest
   * there (fixed before any data, so the guarantee is untouched).
   */
  prior?: { a: number; b: number };
}

export interface VerdictSettlement {
  settled: boolean;
  /** The verdict it settled on, or null. */
  verdict: "green" | "yellow" | "red" | null;
  /**
   * `confidence-sequence`: the anytime-valid interval lies inside one verdict region, so the
   * true rate is there with probability ≥ confidence even though we looked after every
   * example. `arithmetic`: whatever the remaining examples score, the full run's observed
   * rate lands in one region (certain for the `point` policy).
   */
  by: "confidence-sequence" | "arithmetic" | null;
  interval: Interval;
}

export function verdictSettled(
  successes: number,
  n: number,
  options: VerdictSettledOptions,
): VerdictSettlement {
  const { threshold, yellowBand, confidence, remaining } = options;
  const strength = 10;
  const prior = options.prior ?? {
    a: Math.max(0.5, strength * threshold),
    b: Math.max(0.5, strength * (1 - threshold)),
  };
  const interval = confidenceSequence(successes, n, { confidence, prior });
  if (remaining !== undefined) {
    if (!Number.isInteger(remaining) || remaining < 0) {
      throw new RangeError(
        `verdictSettled: remaining must be a whole number ≥ 0, got ${remaining}`,
      );
    }
    const total = n + remaining;
    if (total > 0) {
      const worst = verdictRegion(successes / total, threshold, yellowBand);
      const best = verdictRegion((successes + remaining) / total, threshold, yellowBand);
      if (worst === best) return { settled: true, verdict: worst, by: "arithmetic", interval };
    }
  }
  const low = verdictRegion(interval.low, threshold, yellowBand);
  const high = verdictRegion(interval.high, threshold, yellowBand);
  if (n > 0 && low === high) {
    return { settled: true, verdict: low, by: "confidence-sequence", interval };
  }
  return { settled: false, verdict: null, by: null, interval };
}
