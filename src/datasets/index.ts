import { extname } from "node:path";
import { UserError } from "../core/errors.js";
import type { Example } from "../core/types.js";
import { readCsvExamples } from "./csv-reader.js";
import { readJsonlExamples } from "./jsonl-reader.js";
import { readYamlExamples } from "./yaml-reader.js";

export { exampleIdFor } from "./example-record.js";
export { type LabelFile, type LabelledResponse, readLabelFile } from "./label-file.js";

export interface ReadExamplesOptions {
  /** Stop after this many examples (and close the file). */
  limit?: number;
}

const READERS: Record<string, (file: string, limit: number) => AsyncGenerator<Example>> = {
  ".jsonl": readJsonlExamples,
  ".csv": readCsvExamples,
  ".yaml": readYamlExamples,
  ".yml": readYamlExamples,
};

export const SUPPORTED_DATASET_EXTENSIONS: readonly string[] = Object.keys(READERS);

function checkedLimit(limit: number | undefined): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new UserError(`limit must be a whole number of examples (0 or more), got ${limit}`);
  }
  return limit;
}

/**
 * Streams examples from .jsonl / .csv / .yaml|.yml. Throws UserError naming file:line.
 * JSONL and CSV are read incrementally; YAML is parsed whole.
 */
export function readExamples(
  file: string,
  options: ReadExamplesOptions = {},
): AsyncIterable<Example> {
  const extension = extname(file).toLowerCase();
  const reader = READERS[extension];
  if (reader === undefined) {
    throw new UserError(
      `unsupported dataset format "${extension || "(no extension)"}"; use one of ${SUPPORTED_DATASET_EXTENSIONS.join(", ")}`,
      { file },
    );
  }
  return reader(file, checkedLimit(options.limit));
}

export async function loadExamples(
  file: string,
  options: ReadExamplesOptions = {},
): Promise<Example[]> {
  const examples: Example[] = [];
  for await (const example of readExamples(file, options)) examples.push(example);
  return examples;
}
