import type { SwappedVerdict } from "../judges/index.js";
import type { PairJudgingCalls } from "../runner/index.js";

/** A pair of one feature with no pairwise verdict, and why. */
export interface UnjudgedPair {
  exampleId: string;
  repeat: number;
  /** `failed`: a judge call failed after the retries; `unscored`: a reply had no readable verdict. */
  outcome: "failed" | "unscored";
  /** Names the judge and its endpoint, and what went wrong. */
  reason: string;
}

/** Swap-consistent pairwise judging of the paired responses of one feature. */
export interface PairwiseTally {
  judge: string;
  /** Pairs judged in both orders with a verdict each time. */
  judged: number;
  /** The candidate won in both orders. */
  candWins: number;
  baseWins: number;
  /** A tie in both orders, or a win that flipped with the order. */
  ties: number;
  /** Pairs where one of the two replies had no readable verdict (after its re-ask). */
  unscored: number;
  /** Pairs left unjudged because a judge call still failed after the retries. */
  failed: number;
  /** Share of judged pairs whose two verdicts agreed once the swap is undone. */
  consistencyRate: number | null;
  /** Every unscored or failed pair with its reason, in pair order. */
  unjudged: UnjudgedPair[];
}

/** What the judge calls of one `compare --pairwise` took, as the runner's call stack saw them. */
export type PairwiseCalls = PairJudgingCalls & {
  /** With `--simulate`: requests the simulator answered. */
  simulatorRequests?: number;
};

/** One pair's verdict and where it belongs. */
export type PairwiseVerdictRow = Pick<SwappedVerdict, "result" | "consistent" | "reason"> & {
  exampleId: string;
  repeat: number;
};

/**
 * Wins, losses and ties of swap-consistent pairwise verdicts, with the consistency rate. A
 * pair without a verdict (unreadable reply, failed call) is counted apart with its reason and
 * never as a win or a tie.
 */
export function tallyPairwise(
  judge: string,
  verdicts: readonly PairwiseVerdictRow[],
): PairwiseTally {
  const tally: PairwiseTally = {
    judge,
    judged: 0,
    candWins: 0,
    baseWins: 0,
    ties: 0,
    unscored: 0,
    failed: 0,
    consistencyRate: null,
    unjudged: [],
  };
  let consistent = 0;
  for (const v of verdicts) {
    if (v.result === "unscored" || v.result === "failed") {
      tally[v.result]++;
      tally.unjudged.push({
        exampleId: v.exampleId,
        repeat: v.repeat,
        outcome: v.result,
        reason:
          v.reason ?? (v.result === "failed" ? "the judge call failed" : "no readable verdict"),
      });
      continue;
    }
    tally.judged++;
    if (v.consistent) consistent++;
    if (v.result === "cand") tally.candWins++;
    else if (v.result === "base") tally.baseWins++;
    else tally.ties++;
  }
  tally.consistencyRate = tally.judged > 0 ? consistent / tally.judged : null;
  return tally;
}
