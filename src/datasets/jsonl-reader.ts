import { UserError } from "../core/errors.js";
import type { Example } from "../core/types.js";
import { openDatasetStream } from "./dataset-file.js";
import {
  DuplicateIdGuard,
  exampleOrSkip,
  type ProblemSink,
  recordToExample,
} from "./example-record.js";

/**
 * V8's messages quote a snippet of the offending text (`"hello worl"... is not valid JSON`);
 * datasets may hold private inputs, so the snippet is dropped and the position kept.
 */
function describeJsonError(err: unknown): { reason: string; column: number | undefined } {
  const message = err instanceof Error ? err.message : String(err);
  const position = /at position (\d+)/.exec(message);
  const reason = message
    .replace(/, ".*is not valid JSON$/s, "")
    .replace(/ in JSON at position \d+.*$/s, "")
    .replace(/^\w/, (c) => c.toLowerCase());
  return { reason, column: position ? Number(position[1]) + 1 : undefined };
}

/**
 * Splits `text` at `\n` (dropping a `\r` before it) and hands each complete line to
 * `onLine`; returns the unfinished tail. Lines are split synchronously per chunk rather than
 * pulled one by one through node:readline's async iterator, which costs a promise per line:
 * every line becomes a cell, so that showed up in the run's CPU profile.
 */
export function completeLines(text: string, onLine: (line: string) => void): string {
  let start = 0;
  for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
    onLine(
      end > start && text.charCodeAt(end - 1) === 13
        ? text.slice(start, end - 1)
        : text.slice(start, end),
    );
    start = end + 1;
  }
  return text.slice(start);
}

/**
 * One JSON object per line; blank lines skipped. Holds one chunk of the file at a time, and
 * parses a line only when its example is asked for (so `--limit` never reads past its lines
 * and a broken line is reported after every example before it).
 */
export async function* readJsonlExamples(
  file: string,
  limit: number,
  onProblem?: ProblemSink,
): AsyncGenerator<Example> {
  if (limit <= 0) return;
  const stream = await openDatasetStream(file);
  const ids = new DuplicateIdGuard(file);
  let lineNumber = 0;
  let yielded = 0;
  const toExample = (raw: string): Example | undefined => {
    lineNumber++;
    const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, "") : raw;
    if (line.trim() === "") return undefined;
    return exampleOrSkip(onProblem, () => parseLine(line));
  };
  const parseLine = (line: string): Example => {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (err) {
      const { reason, column } = describeJsonError(err);
      throw new UserError(`invalid JSON (${reason}); each line must be one complete JSON object`, {
        file,
        line: lineNumber,
        column,
      });
    }
    const example = recordToExample(record, { file, line: lineNumber });
    ids.check(example);
    return example;
  };
  const lines: string[] = [];
  const collect = (line: string) => {
    lines.push(line);
  };
  let rest = "";
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      rest = completeLines(rest + chunk, collect);
      for (const line of lines) {
        const example = toExample(line);
        if (example === undefined) continue;
        yield example;
        if (++yielded >= limit) return;
      }
      lines.length = 0;
    }
    const example =
      rest === "" ? undefined : toExample(rest.endsWith("\r") ? rest.slice(0, -1) : rest);
    if (example !== undefined) yield example;
  } finally {
    // Stopping early (limit, or the consumer breaking out) must release the file now.
    stream.destroy();
  }
}
