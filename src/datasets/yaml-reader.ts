import { readFile } from "node:fs/promises";
import { z } from "zod";
import { parseYamlText } from "../config/index.js";
import type { Example } from "../core/types.js";
import { unreadable } from "./dataset-file.js";
import {
  DuplicateIdGuard,
  exampleOrSkip,
  type ProblemSink,
  recordToExample,
} from "./example-record.js";

// The list itself is checked here; each item is checked by recordToExample so YAML and JSONL
// give the same messages for the same mistakes.
const exampleListSchema = z.array(z.unknown(), {
  error: (issue) =>
    issue.input === undefined || issue.input === null
      ? "the file is empty; a YAML dataset is a list of {inputs, outputs} objects"
      : "a YAML dataset must be a list of {inputs, outputs} objects (start each with `- inputs:`)",
});

/** YAML needs the whole document to parse, so this reads the file at once; use JSONL for large sets. */
export async function* readYamlExamples(
  file: string,
  limit: number,
  onProblem?: ProblemSink,
): AsyncGenerator<Example> {
  if (limit <= 0) return;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw unreadable(file, err);
  }
  const loaded = parseYamlText(file, text, exampleListSchema);
  const ids = new DuplicateIdGuard(file);
  const items = loaded.value.slice(0, limit);
  for (const [index, item] of items.entries()) {
    const positionOf = (path: readonly (string | number)[]) => loaded.positionOf([index, ...path]);
    const example = exampleOrSkip(onProblem, () => {
      const read = recordToExample(item, { file, line: positionOf([]).line ?? 1, positionOf });
      ids.check(read);
      return read;
    });
    if (example !== undefined) yield example;
  }
}
