import { UserError } from "../core/errors.js";
import { contentHash } from "../core/hashing.js";
import type { Example } from "../core/types.js";

/** Stable id for an example that has none: a short hash of its inputs, independent of key order. */
export function exampleIdFor(inputs: Record<string, unknown>): string {
  return contentHash(inputs);
}

/** Where a record sits in its file, and how to point at one of its keys (YAML knows columns). */
export interface RecordLocation {
  file: string;
  line: number;
  /** Position of a key path inside the record; JSONL only knows the line. */
  positionOf?: (path: readonly (string | number)[]) => { line?: number; column?: number };
}

/** A problem with one record, located at a key path inside it. */
class RecordProblem {
  constructor(
    readonly path: readonly (string | number)[],
    readonly message: string,
  ) {}
}

// LangSmith exports carry `metadata`; it is accepted and ignored. Anything else is most
// likely a misspelling (e.g. `output` instead of `outputs`) that would silently drop data.
const TOP_LEVEL_KEYS = new Set(["id", "inputs", "outputs", "metadata"]);

function describeJsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `a string`;
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readId(record: Record<string, unknown>): string | undefined {
  const id = record["id"];
  if (id === undefined || id === null) return undefined;
  if (typeof id === "number" && Number.isFinite(id)) return String(id);
  if (typeof id === "string" && id.trim() !== "") return id;
  throw new RecordProblem(
    ["id"],
    `"id" must be a non-empty string or a number, found ${describeJsonType(id)}; fix it or remove "id" to use a hash of the inputs`,
  );
}

function readReference(record: Record<string, unknown>): string | undefined {
  const outputs = record["outputs"];
  if (outputs === undefined || outputs === null) return undefined;
  if (!isPlainObject(outputs)) {
    throw new RecordProblem(
      ["outputs"],
      `"outputs" must be an object like {"output": "<reference>"}, found ${describeJsonType(outputs)}`,
    );
  }
  const keys = Object.keys(outputs);
  if (!("output" in outputs)) {
    if (keys.length === 0) return undefined;
    throw new RecordProblem(
      ["outputs"],
      `"outputs" has no "output" key (found ${keys.map((k) => `"${k}"`).join(", ")}); put the reference answer in "outputs": {"output": "..."}`,
    );
  }
  const output = outputs["output"];
  if (output === null) return undefined;
  if (typeof output !== "string") {
    throw new RecordProblem(
      ["outputs", "output"],
      `"outputs.output" must be a string (the reference answer), found ${describeJsonType(output)}`,
    );
  }
  return output;
}

function recordToParts(record: unknown): {
  id: string | undefined;
  inputs: Record<string, unknown>;
  reference: string | undefined;
} {
  if (!isPlainObject(record)) {
    throw new RecordProblem(
      [],
      `expected an object like {"inputs": {...}, "outputs": {"output": "..."}}, found ${describeJsonType(record)}`,
    );
  }
  const unknown = Object.keys(record).filter((k) => !TOP_LEVEL_KEYS.has(k));
  if (unknown.length > 0) {
    throw new RecordProblem(
      [unknown[0]!],
      `unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")}; allowed keys are "id", "inputs", "outputs" (and "metadata", ignored)`,
    );
  }
  if (!("inputs" in record)) {
    throw new RecordProblem(
      [],
      `missing "inputs" (an object of template variables, e.g. {"inputs": {"content": "..."}})`,
    );
  }
  const inputs = record["inputs"];
  if (!isPlainObject(inputs)) {
    throw new RecordProblem(
      ["inputs"],
      `"inputs" must be an object of template variables, found ${describeJsonType(inputs)}`,
    );
  }
  return { id: readId(record), inputs, reference: readReference(record) };
}

/** Validate one parsed record in the LangSmith shape and turn it into an Example. */
export function recordToExample(record: unknown, where: RecordLocation): Example {
  try {
    const parts = recordToParts(record);
    return {
      id: parts.id ?? exampleIdFor(parts.inputs),
      inputs: parts.inputs,
      reference: parts.reference,
      source: { file: where.file, line: where.line },
    };
  } catch (err) {
    if (!(err instanceof RecordProblem)) throw err;
    const at = where.positionOf?.(err.path) ?? {};
    throw new UserError(err.message, {
      file: where.file,
      line: at.line ?? where.line,
      column: at.column,
    });
  }
}

/**
 * Where readers send a bad record's problem when the caller wants them all (validate): the
 * record is skipped and reading goes on. Without a sink the first problem is thrown.
 */
export type ProblemSink = ((problem: UserError) => void) | undefined;

export function exampleOrSkip(onProblem: ProblemSink, make: () => Example): Example | undefined {
  if (onProblem === undefined) return make();
  try {
    return make();
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    onProblem(err);
    return undefined;
  }
}

/**
 * Remembers every id seen in one file so a repeated id is reported with both lines. Ids are
 * short strings, so even 100k examples cost only a few megabytes.
 */
export class DuplicateIdGuard {
  private readonly firstLine = new Map<string, number>();

  constructor(private readonly file: string) {}

  check(example: Example): void {
    const earlier = this.firstLine.get(example.id);
    if (earlier === undefined) {
      this.firstLine.set(example.id, example.source.line);
      return;
    }
    // Recomputing the hash only happens on a collision, which ends the read anyway.
    const hashed = example.id === exampleIdFor(example.inputs);
    const what = hashed
      ? `same inputs as the example at line ${earlier}, and neither has an "id", so both get id "${example.id}"; remove the duplicate or give them distinct ids`
      : `duplicate id "${example.id}" (first used at line ${earlier}); give each example a distinct id`;
    throw new UserError(what, { file: this.file, line: example.source.line });
  }
}
