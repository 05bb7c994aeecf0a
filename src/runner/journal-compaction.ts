/**
 * Taking records out of a journal so their cells run again (`--resume` after an endpoint was
 * down, `evalgate retry-errors`). Readers count one terminal record per cell, so appending a
 * second record would not supersede the first: the journal is rewritten without the dropped
 * records instead, into a temp file in the same folder that is flushed and then renamed over
 * the journal, so a kill at any point leaves either the old journal or the new one, whole.
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CellRecord } from "../core/types.js";
import { forEachJournalRecord, journalPathIn } from "./journal.js";

/** Records of cells that never reached their endpoint; they always run again on resume. */
export function isEndpointDown(record: CellRecord): boolean {
  return record.errorClass === "endpoint_down";
}

export interface CompactionResult {
  kept: number;
  dropped: number;
}

/** Rewrites `<outDir>/journal.jsonl` without the records `drop` selects. */
export async function dropJournalRecords(
  outDir: string,
  drop: (record: CellRecord) => boolean,
): Promise<CompactionResult> {
  const file = journalPathIn(outDir);
  if (!existsSync(file)) return { kept: 0, dropped: 0 };
  const kept: string[] = [];
  let dropped = 0;
  await forEachJournalRecord(file, (record) => {
    if (drop(record)) dropped++;
    else kept.push(JSON.stringify(record));
  });
  if (dropped === 0) return { kept: kept.length, dropped };
  const tmp = join(dirname(file), `.journal.${process.pid}.compact.tmp`);
  const fd = openSync(tmp, "w");
  try {
    const bytes = Buffer.from(kept.length > 0 ? `${kept.join("\n")}\n` : "", "utf8");
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, file);
  return { kept: kept.length, dropped };
}
