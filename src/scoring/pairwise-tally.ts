import type { SwappedVerdict } from "../judges/index.js";
import type { PairwiseTally } from "./compare-runs.js";

/** Wins, losses and ties of swap-consistent pairwise verdicts, with the consistency rate. */
export function tallyPairwise(
  judge: string,
  verdicts: readonly Pick<SwappedVerdict, "result" | "consistent">[],
): PairwiseTally {
  const tally: PairwiseTally = {
    judge,
    judged: 0,
    candWins: 0,
    baseWins: 0,
    ties: 0,
    unscored: 0,
    consistencyRate: null,
  };
  let consistent = 0;
  for (const v of verdicts) {
    if (v.result === "unscored") {
      tally.unscored++;
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
