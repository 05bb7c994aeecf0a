/**
 * Resume: the journal says which cells finished; a re-run skips exactly those. Cells that
 * were in flight when the run stopped have no record and simply run again.
 */
import { existsSync } from "node:fs";
import { forEachJournalRecord, journalPathIn } from "./journal.js";
import type { PlannedCell } from "./plan-cells.js";

export interface ResumeState {
  /** cellIds with a terminal record. */
  finished: Set<string>;
  /** Records read (more than `finished.size` only if a journal was edited by hand). */
  records: number;
  /** A torn last line was found; the journal writer cuts it off when it opens. */
  tornTail: boolean;
  journalExists: boolean;
}

/** Reads `<outDir>/journal.jsonl`, if there is one. */
export async function loadResumeState(outDir: string): Promise<ResumeState> {
  const file = journalPathIn(outDir);
  const finished = new Set<string>();
  if (!existsSync(file)) return { finished, records: 0, tornTail: false, journalExists: false };
  const { count, tornTail } = await forEachJournalRecord(file, (r) => finished.add(r.cellId));
  return { finished, records: count, tornTail, journalExists: true };
}

/** Drops cells already finished; `onSkip` counts them for progress. */
export async function* skipFinished(
  cells: AsyncIterable<PlannedCell> | Iterable<PlannedCell>,
  finished: ReadonlySet<string>,
  onSkip?: (cell: PlannedCell) => void,
): AsyncGenerator<PlannedCell> {
  for await (const cell of cells) {
    if (finished.has(cell.cellId)) onSkip?.(cell);
    else yield cell;
  }
}
