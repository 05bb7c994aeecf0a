/**
 * The lowest-scored failing cells of each (feature, model), kept while the journal streams
 * past: at most `perPair` each, reasoning already cut short, so memory stays bounded however
 * large the run.
 */
import type { CellRecord } from "../core/types.js";
import { truncateText } from "./bounded-text.js";

export interface WorstExample {
  exampleId: string;
  repeat: number;
  score: number;
  judge: string | undefined;
  reasoning: string;
}

export const WORST_EXAMPLES_PER_PAIR = 5;
const REASONING_LIMIT = 300;

function worse(a: WorstExample, b: WorstExample): number {
  return (
    a.score - b.score ||
    (a.exampleId < b.exampleId ? -1 : a.exampleId > b.exampleId ? 1 : 0) ||
    a.repeat - b.repeat
  );
}

export class WorstExamplesCollector {
  private readonly pairs = new Map<string, WorstExample[]>();

  constructor(private readonly perPair = WORST_EXAMPLES_PER_PAIR) {}

  add(record: CellRecord): void {
    if (record.status !== "scored" || record.score === undefined || record.score >= 3) return;
    const key = `${record.feature}\u0000${record.model}`;
    const list = this.pairs.get(key) ?? [];
    const candidate: WorstExample = {
      exampleId: record.exampleId,
      repeat: record.repeat,
      score: record.score,
      judge: record.judge,
      reasoning: truncateText(record.judgeExplanation ?? "", REASONING_LIMIT),
    };
    if (list.length >= this.perPair && worse(candidate, list.at(-1)!) >= 0) return;
    list.push(candidate);
    list.sort(worse);
    if (list.length > this.perPair) list.pop();
    this.pairs.set(key, list);
  }

  /** Worst first; empty when the pair has no failing cell. */
  of(feature: string, model: string): readonly WorstExample[] {
    return this.pairs.get(`${feature}\u0000${model}`) ?? [];
  }
}
