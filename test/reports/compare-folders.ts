/**
 * Run folders written by hand (run.json + journal.jsonl), for compare tests that need exact
 * pass/fail vectors or hostile responses; `compare` is a pure function of run folders.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CellRecord } from "../../src/core/types.js";

export interface CellSpec {
  exampleId: string;
  score: number | null;
  response?: string;
  judgeExplanation?: string;
  repeat?: number;
  latencyMs?: number;
}

export function cellRecord(feature: string, model: string, cell: CellSpec): CellRecord {
  const repeat = cell.repeat ?? 0;
  const record: CellRecord = {
    cellId: `${feature}/${model}/${cell.exampleId}/${repeat}`,
    feature,
    model,
    exampleId: cell.exampleId,
    repeat,
    status: cell.score === null ? "unscored" : "scored",
    finishedAt: "2026-01-01T00:00:00.000Z",
    latencyMs: cell.latencyMs ?? 100,
    usage: { inputTokens: 1000, outputTokens: 500 },
    response: cell.response ?? `answer of ${model} to ${cell.exampleId}`,
    judgeExplanation: cell.judgeExplanation ?? `judged ${cell.score}`,
    judge: "judge-model",
  };
  if (cell.score !== null) {
    record.score = cell.score;
    record.passed = cell.score >= 3;
  } else {
    record.reason = "no_score";
  }
  return record;
}

/** Writes a run folder with one (feature, model) pair per entry of `pairs`. */
export async function writeRunFolder(
  dir: string,
  pairs: { feature: string; model: string; cells: CellSpec[]; pricePerMillion?: number }[],
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const manifest = {
    schemaVersion: 1,
    runId: `run-${pairs.map((p) => p.model).join("-")}`,
    config: { hash: "test" },
    pairs: pairs.map((p) => ({
      feature: p.feature,
      model: p.model,
      planned: p.cells.length,
      threshold: 0.8,
      yellowBand: 0.1,
      gated: false,
      ...(p.pricePerMillion === undefined
        ? {}
        : { prices: { inputPerMillion: p.pricePerMillion, outputPerMillion: p.pricePerMillion } }),
    })),
  };
  await writeFile(join(dir, "run.json"), JSON.stringify(manifest));
  const lines = pairs.flatMap((p) =>
    p.cells.map((c) => JSON.stringify(cellRecord(p.feature, p.model, c))),
  );
  await writeFile(join(dir, "journal.jsonl"), `${lines.join("\n")}\n`);
  return dir;
}

/** `n` cells with ids ex-000…, scored 4 where `passes[i]` is 1, else 1. */
export function cellsFromVector(passes: readonly (0 | 1)[]): CellSpec[] {
  return passes.map((p, i) => ({
    exampleId: `ex-${String(i).padStart(3, "0")}`,
    score: p ? 4 : 1,
  }));
}
