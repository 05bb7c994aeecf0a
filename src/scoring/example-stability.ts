/**
 * How much the repeats of each example agree (`--repeats K`): an example whose repeats
 * straddle pass/fail is flaky, and a verdict resting on many flaky examples is one run's luck.
 */

const PASSING_SCORE = 3;

export interface FlakyExample {
  /** Scored repeats, and how many of them passed. */
  scored: number;
  passed: number;
  /** Highest minus lowest score. */
  spread: number;
}

export interface RepeatStability {
  /** Examples with at least two scored repeats (the only ones stability can be seen in). */
  examples: number;
  /**
   * Mean over those examples of the share of repeats agreeing with the example's majority
   * outcome (pass or fail): 1 when every example's repeats agree, 0.5 at worst for K = 2.
   */
  meanAgreement: number | null;
  /** The least agreeing example's share. */
  minAgreement: number | null;
  /** Mean and largest score spread (highest − lowest score) per example. */
  meanSpread: number | null;
  maxSpread: number | null;
  /** Examples whose repeats straddle pass/fail. */
  flaky: number;
  /** Per flaky example: its counts, so a reader sees 2 of 3 from 1 of 3. */
  flakyCounts: Record<string, FlakyExample>;
}

/** Folds examples' scored repeats one example at a time (no list of all examples is kept). */
export class StabilityTally {
  private examples = 0;
  private agreementSum = 0;
  private minAgreement = Number.POSITIVE_INFINITY;
  private spreadSum = 0;
  private maxSpread = 0;
  private readonly flaky = new Map<string, FlakyExample>();

  add(exampleId: string, scores: readonly number[]): void {
    if (scores.length < 2) return;
    let passed = 0;
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (const s of scores) {
      if (s >= PASSING_SCORE) passed++;
      low = Math.min(low, s);
      high = Math.max(high, s);
    }
    const agreement = Math.max(passed, scores.length - passed) / scores.length;
    const spread = high - low;
    this.examples++;
    this.agreementSum += agreement;
    this.minAgreement = Math.min(this.minAgreement, agreement);
    this.spreadSum += spread;
    this.maxSpread = Math.max(this.maxSpread, spread);
    if (passed > 0 && passed < scores.length) {
      this.flaky.set(exampleId, { scored: scores.length, passed, spread });
    }
  }

  /** Flaky example ids in ascending order. */
  flakyExamples(): string[] {
    return [...this.flaky.keys()].sort();
  }

  result(): RepeatStability {
    const n = this.examples;
    return {
      examples: n,
      meanAgreement: n > 0 ? this.agreementSum / n : null,
      minAgreement: n > 0 ? this.minAgreement : null,
      meanSpread: n > 0 ? this.spreadSum / n : null,
      maxSpread: n > 0 ? this.maxSpread : null,
      flaky: this.flaky.size,
      flakyCounts: Object.fromEntries(this.flakyExamples().map((id) => [id, this.flaky.get(id)!])),
    };
  }
}
