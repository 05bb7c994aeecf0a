/** Records and matrices built by hand, so report tests can assert exact outputs. */
import type { CellRecord } from "../../src/core/types.js";
import { MatrixAccumulator, type MatrixEntry, type PairPlan } from "../../src/scoring/index.js";

export function plan(feature: string, model: string, extra: Partial<PairPlan> = {}): PairPlan {
  return {
    feature,
    model,
    planned: 5,
    threshold: 0.8,
    yellowBand: 0.1,
    gated: true,
    minScored: 1,
    judge: "judge-a",
    ...extra,
  };
}

type RecordFields = Partial<CellRecord> & Pick<CellRecord, "feature" | "model" | "exampleId">;

export function record(fields: RecordFields): CellRecord {
  const repeat = fields.repeat ?? 0;
  const base: CellRecord = {
    cellId: `${fields.feature}/${fields.model}/${fields.exampleId}/${repeat}`,
    feature: fields.feature,
    model: fields.model,
    exampleId: fields.exampleId,
    repeat,
    status: "scored",
    finishedAt: "2026-01-01T00:00:00Z",
    latencyMs: 250,
    judge: "judge-a",
  };
  return { ...base, ...fields, repeat };
}

/** `scores` one per example (ids `<prefix>-1`, …); a passing score gets no reasoning. */
export function scored(
  feature: string,
  model: string,
  scores: number[],
  prefix = "ex",
): CellRecord[] {
  return scores.map((score, i) =>
    record({
      feature,
      model,
      exampleId: `${prefix}-${i + 1}`,
      score,
      passed: score >= 3,
      ...(score < 3 ? { judgeExplanation: `missed point ${i + 1}` } : {}),
    }),
  );
}

export function matrixOf(plans: PairPlan[], records: readonly CellRecord[]): MatrixEntry[] {
  const acc = new MatrixAccumulator(plans);
  for (const r of records) acc.add(r);
  return acc.entries();
}
