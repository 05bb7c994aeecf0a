import { createInterface } from "node:readline";
import { UserError } from "../core/errors.js";
import type { Example } from "../core/types.js";
import { openDatasetStream } from "./dataset-file.js";
import { DuplicateIdGuard, recordToExample } from "./example-record.js";

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

/** One JSON object per line; blank lines skipped. Holds one line at a time. */
export async function* readJsonlExamples(file: string, limit: number): AsyncGenerator<Example> {
  if (limit <= 0) return;
  const stream = await openDatasetStream(file);
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const ids = new DuplicateIdGuard(file);
  let lineNumber = 0;
  let yielded = 0;
  try {
    for await (const raw of lines) {
      lineNumber++;
      const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, "") : raw;
      if (line.trim() === "") continue;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (err) {
        const { reason, column } = describeJsonError(err);
        throw new UserError(
          `invalid JSON (${reason}); each line must be one complete JSON object`,
          { file, line: lineNumber, column },
        );
      }
      const example = recordToExample(record, { file, line: lineNumber });
      ids.check(example);
      yield example;
      if (++yielded >= limit) return;
    }
  } finally {
    // Stopping early (limit, or the consumer breaking out) must release the file now.
    lines.close();
    stream.destroy();
  }
}
