import { CsvError, type Info, parse } from "csv-parse";
import { UserError } from "../core/errors.js";
import type { Example } from "../core/types.js";
import { openDatasetStream } from "./dataset-file.js";
import {
  DuplicateIdGuard,
  exampleIdFor,
  exampleOrSkip,
  type ProblemSink,
} from "./example-record.js";

const REFERENCE_COLUMNS = ["reference", "expected"] as const;

interface CsvHeader {
  /** Column index -> input name, for columns that become inputs. */
  inputs: [number, string][];
  referenceIndex: number | undefined;
  idIndex: number | undefined;
  width: number;
}

function readHeader(file: string, line: number, record: string[]): CsvHeader {
  const names = record.map((name) => name.trim());
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === "") {
      throw new UserError(
        `header column ${i + 1} has no name; every column needs a name (it becomes a template variable)`,
        { file, line },
      );
    }
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new UserError(
        `duplicate header "${name}" in columns ${earlier + 1} and ${i + 1}; rename one of them`,
        { file, line },
      );
    }
    seen.set(name, i);
  });
  const referenceColumns = REFERENCE_COLUMNS.filter((name) => seen.has(name));
  if (referenceColumns.length > 1) {
    throw new UserError(
      `both "reference" and "expected" columns are present; keep one as the reference answer`,
      { file, line },
    );
  }
  const referenceIndex = referenceColumns[0] ? seen.get(referenceColumns[0]) : undefined;
  const idIndex = seen.get("id");
  return {
    inputs: names
      .map((name, i): [number, string] => [i, name])
      .filter(([i]) => i !== referenceIndex && i !== idIndex),
    referenceIndex,
    idIndex,
    width: names.length,
  };
}

function countLineBreaks(text: string): { breaks: number; crlf: number } {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const lone = text.match(/\r(?!\n)|(?<!\r)\n/g)?.length ?? 0;
  return { breaks: crlf + lone, crlf };
}

/**
 * csv-parse reports the line where a record ends, but counts the two characters of a CRLF
 * inside a quoted value as two lines; this keeps the correction so reported lines match
 * what an editor shows.
 */
class LineTracker {
  private crlfInsideValues = 0;

  /** The 1-based line where `record` starts. */
  startLine(record: string[], info: Info): number {
    let breaks = 0;
    let crlf = 0;
    for (const value of record) {
      const counted = countLineBreaks(value);
      breaks += counted.breaks;
      crlf += counted.crlf;
    }
    this.crlfInsideValues += crlf;
    return info.lines - this.crlfInsideValues - breaks;
  }

  errorLine(err: CsvError): number | undefined {
    const lines = (err as unknown as { lines?: number }).lines;
    return typeof lines === "number" ? lines - this.crlfInsideValues : undefined;
  }
}

function rowToExample(file: string, line: number, header: CsvHeader, record: string[]): Example {
  if (record.length !== header.width) {
    throw new UserError(
      `row has ${record.length} value${record.length === 1 ? "" : "s"} but the header has ${header.width} columns; quote values that contain commas or line breaks`,
      { file, line },
    );
  }
  const inputs: Record<string, unknown> = {};
  for (const [i, name] of header.inputs) inputs[name] = record[i];
  const id = header.idIndex === undefined ? "" : record[header.idIndex]!.trim();
  const reference = header.referenceIndex === undefined ? "" : record[header.referenceIndex]!;
  return {
    id: id === "" ? exampleIdFor(inputs) : id,
    inputs,
    // A CSV cell cannot tell "no reference" from "empty reference"; empty means none.
    reference: reference === "" ? undefined : reference,
    source: { file, line },
  };
}

/** Header row required; values stay strings; rows whose values are all empty are skipped. */
export async function* readCsvExamples(
  file: string,
  limit: number,
  onProblem?: ProblemSink,
): AsyncGenerator<Example> {
  if (limit <= 0) return;
  const stream = await openDatasetStream(file);
  const parser = stream.pipe(
    parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }),
  );
  const lines = new LineTracker();
  const ids = new DuplicateIdGuard(file);
  let header: CsvHeader | undefined;
  let yielded = 0;
  try {
    for await (const row of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const line = lines.startLine(row.record, row.info);
      if (header === undefined) {
        header = readHeader(file, line, row.record);
        continue;
      }
      if (row.record.every((value) => value === "")) continue;
      const current = header;
      const example = exampleOrSkip(onProblem, () => {
        const read = rowToExample(file, line, current, row.record);
        ids.check(read);
        return read;
      });
      if (example === undefined) continue;
      yield example;
      if (++yielded >= limit) return;
    }
  } catch (err) {
    if (err instanceof CsvError) {
      throw new UserError(`invalid CSV: ${err.message.replace(/ at line \d+/, "")}`, {
        file,
        line: lines.errorLine(err),
      });
    }
    throw err;
  } finally {
    parser.destroy();
    stream.destroy();
  }
  if (header === undefined) {
    throw new UserError(
      "the CSV file is empty; it needs a header row naming the columns (inputs, plus optional id and reference/expected)",
      { file },
    );
  }
}
