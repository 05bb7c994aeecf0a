/**
 * The journal: `<out>/journal.jsonl`, one CellRecord per line, appended as each cell
 * finishes. It is the run's source of truth: resume, merge and every report read it.
 *
 * Durability: each batch of records is written with writeSync on an O_APPEND descriptor
 * before the records count as done, so a kill -9 loses at most the line being written. That
 * torn line (no trailing newline) is ignored by readers and cut off by the next writer.
 */
import {
  closeSync,
  createReadStream,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  writeSync,
} from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { RunIncompleteError, UserError } from "../core/errors.js";
import type { CellRecord } from "../core/types.js";

export const JOURNAL_FILE = "journal.jsonl";

export function journalPathIn(outDir: string): string {
  return join(outDir, JOURNAL_FILE);
}

export interface JournalWriterOptions {
  /**
   * Secret values (API keys read from the environment) to blank out should any error
   * message echo one. Records carry no key fields; this guards free text.
   */
  secrets?: readonly string[];
}

export interface JournalSink {
  /** Resolves once the record is on disk. */
  append(record: CellRecord): Promise<void>;
}

/** Removes an unterminated last line; returns how many bytes were cut. */
export function truncateTornTail(file: string): number {
  if (!existsSync(file)) return 0;
  const fd = openSync(file, "r+");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return 0;
    const keep = lastNewlineEnd(fd, size);
    ftruncateSync(fd, keep);
    return size - keep;
  } finally {
    closeSync(fd);
  }
}

/** Offset just past the last `\n` (0 if none), scanning backwards in chunks. */
function lastNewlineEnd(fd: number, size: number): number {
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const length = end - start;
    readSync(fd, chunk, 0, length, start);
    const at = chunk.subarray(0, length).lastIndexOf(0x0a);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

export class JournalWriter implements JournalSink {
  readonly file: string;
  private fd: number | undefined;
  private readonly redactions: [string, string][];
  private pending: { line: string; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushScheduled = false;
  private failure: unknown;
  private count = 0;

  private constructor(file: string, fd: number, options: JournalWriterOptions) {
    this.file = file;
    this.fd = fd;
    this.redactions = (options.secrets ?? [])
      .filter((s) => s.length >= 4)
      .map((s) => [JSON.stringify(s).slice(1, -1), "[redacted]"]);
  }

  /**
   * Opens `file` for appending (creating its folder), after cutting any torn last line left
   * by a killed run so the file stays valid JSONL.
   */
  static async open(file: string, options: JournalWriterOptions = {}): Promise<JournalWriter> {
    await mkdir(dirname(file), { recursive: true });
    truncateTornTail(file);
    return new JournalWriter(file, openSync(file, "a"), options);
  }

  /** Records written by this writer. */
  get written(): number {
    return this.count;
  }

  append(record: CellRecord): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.fd === undefined) {
      return Promise.reject(
        new Error(`journal ${this.file} is closed; cannot record ${record.cellId}`),
      );
    }
    let line = JSON.stringify(record);
    for (const [secret, mask] of this.redactions) line = line.split(secret).join(mask);
    return new Promise((resolve, reject) => {
      this.pending.push({ line: `${line}\n`, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // Records finishing in the same tick share one write; none waits longer than a tick.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes every pending record now. */
  flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      if (this.fd === undefined) throw new Error(`journal ${this.file} is closed`);
      const bytes = Buffer.from(batch.map((p) => p.line).join(""), "utf8");
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
      this.count += batch.length;
      for (const p of batch) p.resolve();
    } catch (err) {
      // Exit 3 with the fix, not an "internal error": a full disk is not a bug.
      this.failure = new RunIncompleteError(
        `could not write to the journal ${this.file}: ${err instanceof Error ? err.message : err}; ` +
          "free disk space or fix permissions, then run again to resume",
      );
      for (const p of batch) p.reject(this.failure);
    }
  }

  async close(): Promise<void> {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface JournalReadResult {
  /** Complete records, in file order. */
  count: number;
  /** True when an unterminated last line (a write cut short by a kill) was ignored. */
  tornTail: boolean;
}

/**
 * Streams the lines of a JSONL file without holding it in memory. An unterminated last line
 * (a write cut short by a kill) is not passed on; `tornTail` says whether there was one.
 */
export async function forEachJsonlLine(
  file: string,
  onLine: (text: string, line: number) => void,
): Promise<{ tornTail: boolean }> {
  const stream = createReadStream(file, { encoding: "utf8" });
  let rest = "";
  let line = 0;
  for await (const chunk of stream as AsyncIterable<string>) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    for (const part of parts) onLine(part, ++line);
  }
  return { tornTail: rest.length > 0 };
}

/**
 * Streams the records of a journal to `onRecord` without holding the file in memory. An
 * unterminated last line is ignored; a broken line elsewhere is a UserError naming it.
 */
export async function forEachJournalRecord(
  file: string,
  onRecord: (record: CellRecord, line: number) => void,
): Promise<JournalReadResult> {
  let count = 0;
  const { tornTail } = await forEachJsonlLine(file, (text, line) => {
    if (text.trim() === "") return;
    let record: CellRecord;
    try {
      record = JSON.parse(text) as CellRecord;
    } catch {
      throw new UserError("journal line is not valid JSON; delete that line to re-run its cell", {
        file,
        line,
      });
    }
    if (typeof record?.cellId !== "string" || typeof record.status !== "string") {
      throw new UserError("journal line is not a cell record (no cellId/status); delete it", {
        file,
        line,
      });
    }
    count++;
    onRecord(record, line);
  });
  return { count, tornTail };
}

export interface JournalContents {
  records: CellRecord[];
  tornTail: boolean;
}

/** All complete records of a journal (see forEachJournalRecord for large runs). */
export async function readJournal(file: string): Promise<JournalContents> {
  const records: CellRecord[] = [];
  const { tornTail } = await forEachJournalRecord(file, (r) => records.push(r));
  return { records, tornTail };
}
