import { extname } from "node:path";
import { UserError, UserErrors } from "../core/errors.js";
import type { Example } from "../core/types.js";
import { readCsvExamples } from "./csv-reader.js";
import type { ProblemSink } from "./example-record.js";
import { readJsonlExamples } from "./jsonl-reader.js";
import { readYamlExamples } from "./yaml-reader.js";

export { exampleIdFor } from "./example-record.js";
export { type LabelFile, type LabelledResponse, readLabelFile } from "./label-file.js";

export interface ReadExamplesOptions {
  /** Stop after this many examples (and close the file). */
  limit?: number;
  /**
   * Receives each bad record's problem, and reading goes on with the next record; without it
   * the first bad record throws. Problems with the file as a whole (unreadable, not a list,
   * broken CSV quoting) still throw.
   */
  onProblem?: ProblemSink;
}

type Reader = (file: string, limit: number, onProblem?: ProblemSink) => AsyncGenerator<Example>;

const READERS: Record<string, Reader> = {
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
  return reader(file, checkedLimit(options.limit), options.onProblem);
}

export async function loadExamples(
  file: string,
  options: ReadExamplesOptions = {},
): Promise<Example[]> {
  const examples: Example[] = [];
  for await (const example of readExamples(file, options)) examples.push(example);
  return examples;
}

export interface DatasetCheck {
  examples: Example[];
  /** Every bad record (up to `maxProblems`, then one line saying how many more), or why the file is unusable. */
  problems: UserError[];
}

/**
 * Reads a whole dataset for `validate`: every bad record is a problem, not just the first,
 * and a dataset without examples is one too (a run would end "insufficient 0/0").
 */
export async function checkExamples(
  file: string,
  options: { maxProblems?: number } = {},
): Promise<DatasetCheck> {
  const max = options.maxProblems ?? 100;
  const examples: Example[] = [];
  const problems: UserError[] = [];
  let unlisted = 0;
  const onProblem = (problem: UserError) => {
    if (problems.length < max) problems.push(problem);
    else unlisted++;
  };
  try {
    for await (const example of readExamples(file, { onProblem })) examples.push(example);
  } catch (err) {
    if (err instanceof UserErrors) problems.push(...err.problems);
    else if (err instanceof UserError) problems.push(err);
    else throw err;
  }
  if (unlisted > 0) {
    problems.push(
      new UserError(
        `${unlisted} more bad record(s) in this file not listed (stopped listing after ${max}); fix the ones above and run validate again`,
        { file },
      ),
    );
  }
  if (examples.length === 0 && problems.length === 0) {
    problems.push(
      new UserError(
        'the dataset has no examples; add at least one line like {"inputs": {...}, "outputs": {"output": "..."}}',
        { file },
      ),
    );
  }
  return { examples, problems };
}
