import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { type SourcePosition, UserError, UserErrors } from "../core/errors.js";
import { readUserFile } from "../core/user-files.js";
import { pyyamlSafeTags } from "./pyyaml-schema.js";
import { constructYaml, plainBuilder, type YamlBuilder } from "./yaml-construct.js";

/**
 * How a YAML file is read. evalgate's own config files are YAML 1.2 (`"1.2"`, the default).
 * Files the AI gateway reads with PyYAML's `safe_load` (prompt definitions, GitLab's
 * feature_metadata.yml) are read as PyYAML reads them (`"1.1"`): `8_192` is 8192, `on` is true.
 */
export interface YamlReadOptions {
  yaml?: "1.1" | "1.2";
}

/** A YAML file parsed and validated, with a way back from a value's path to its position. */
export interface LoadedYaml<T> {
  file: string;
  value: T;
  positionOf(path: readonly PropertyKey[]): SourcePosition;
}

function positionAt(file: string, lines: LineCounter, offset: number | undefined): SourcePosition {
  if (offset === undefined) return { file };
  const { line, col } = lines.linePos(offset);
  return { file, line, column: col };
}

function nodeOffset(doc: Document, path: readonly PropertyKey[], key?: string): number | undefined {
  // Walk up the path until a node exists: an error on a missing key points at its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (!isNode(node)) continue;
    if (key !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (pair && isNode(pair.key)) return pair.key.range?.[0];
    }
    return node.range?.[0];
  }
  return undefined;
}

function describePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

function issueMessage(issue: z.core.$ZodIssue): { message: string; key?: string } {
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    return {
      key,
      message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")} (check the spelling; unknown keys are not allowed)`,
    };
  }
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) {
    return { message: `missing required key (expected ${issue.expected})` };
  }
  return { message: issue.message };
}

interface ParsedYaml<T> {
  doc: Document.Parsed;
  lines: LineCounter;
  value: T;
}

/**
 * The one place evalgate parses YAML. Syntax errors, alias bombs, unknown tags (1.1) and bad
 * merge keys (1.1) are UserErrors at file:line:column, all reported together.
 */
export function readYamlDocument<T>(
  file: string,
  text: string,
  builder: YamlBuilder<T>,
  options: YamlReadOptions = {},
): ParsedYaml<T> {
  const version = options.yaml ?? "1.2";
  const lines = new LineCounter();
  const doc =
    version === "1.1"
      ? // PyYAML allows repeated keys (the last one wins) and resolves scalars its own way.
        parseDocument(text, {
          lineCounter: lines,
          prettyErrors: false,
          uniqueKeys: false,
          version: "1.1",
          schema: "failsafe",
          customTags: pyyamlSafeTags,
        })
      : parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UserErrors(
      doc.errors.map(
        (e) =>
          new UserError(
            `invalid YAML: ${e.message.split("\n")[0]}`,
            positionAt(file, lines, e.pos[0]),
          ),
      ),
    );
  }
  const value = constructYaml(doc, builder, {
    version,
    locate: (offset) => positionAt(file, lines, offset),
  });
  return { doc, lines, value };
}

/**
 * Parse `text` (the contents of `file`) as YAML and validate it with `schema`. Every syntax
 * error and every schema issue becomes a UserError at file:line:column; all of them are
 * reported together.
 */
export function parseYamlText<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
  options: YamlReadOptions = {},
): LoadedYaml<z.output<S>> {
  const { doc, lines, value: data } = readYamlDocument(file, text, plainBuilder, options);
  const result = schema.safeParse(data);
  const positionOf = (path: readonly PropertyKey[]) =>
    positionAt(file, lines, nodeOffset(doc, path));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const { message, key } = issueMessage(issue);
      const where = positionAt(file, lines, nodeOffset(doc, issue.path, key));
      return new UserError(`${describePath(issue.path)}: ${message}`, where);
    });
    throw problems.length === 1 ? problems[0]! : new UserErrors(problems);
  }
  return { file, value: result.data, positionOf };
}

/** Read and validate a YAML file; a missing file is a UserError naming it. */
export async function loadYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
  options: YamlReadOptions = {},
): Promise<LoadedYaml<z.output<S>>> {
  return parseYamlText(file, await readUserFile(file, "file"), schema, options);
}
