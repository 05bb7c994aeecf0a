/**
 * Per (feature, model): the baseline's rate and verdict beside this run's. A plain difference
 * of rates, no test: `evalgate compare` does the paired statistics. "Regressed" means the
 * verdict got worse (green → yellow → red; any verdict → insufficient counts as worse).
 */
import type { MatrixEntry } from "../scoring/index.js";

export interface BaselineChange {
  feature: string;
  model: string;
  before: MatrixEntry | undefined;
  after: MatrixEntry | undefined;
  /** after − before pass rate, when both have one. */
  difference: number | null;
  direction: "regressed" | "improved" | "same" | "new" | "dropped";
}

const RANK: Record<MatrixEntry["verdict"], number> = {
  green: 3,
  yellow: 2,
  red: 1,
  insufficient: 0,
};

export function baselineChanges(
  baseline: readonly MatrixEntry[],
  current: readonly MatrixEntry[],
): BaselineChange[] {
  const key = (e: MatrixEntry) => `${e.feature}\u0000${e.model}`;
  const before = new Map(baseline.map((e) => [key(e), e]));
  const changes: BaselineChange[] = current.map((after) => {
    const b = before.get(key(after));
    before.delete(key(after));
    if (!b) {
      return {
        feature: after.feature,
        model: after.model,
        before: b,
        after,
        difference: null,
        direction: "new",
      };
    }
    const rank = RANK[after.verdict] - RANK[b.verdict];
    return {
      feature: after.feature,
      model: after.model,
      before: b,
      after,
      difference:
        after.passRate !== null && b.passRate !== null ? after.passRate - b.passRate : null,
      direction: rank < 0 ? "regressed" : rank > 0 ? "improved" : "same",
    };
  });
  for (const b of before.values()) {
    changes.push({
      feature: b.feature,
      model: b.model,
      before: b,
      after: undefined,
      difference: null,
      direction: "dropped",
    });
  }
  // Regressions first, then improvements, then the rest, each in the run's own order.
  const order = { regressed: 0, improved: 1, new: 2, dropped: 3, same: 4 } as const;
  return changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => order[a.c.direction] - order[b.c.direction] || a.i - b.i)
    .map(({ c }) => c);
}
