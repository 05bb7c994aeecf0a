/**
 * Human-labelled responses for `evalgate calibrate` (docs/calibration.md):
 * - JSONL, one object per line:
 *   {"id": "…", "input": "…", "response": "…", "reference": "…", "ratings": {"alice": 3, "bob": 4}}
 *   (`question` is accepted for `input`; `reference` is optional);
 * - CSV with a header: id, input (or question), response, reference (optional), and one
 *   `rater_<name>` column per rater.
 * Grades are whole numbers 1–4; a rater may leave a response unrated (missing or empty), but
 * every response needs at least one grade. Errors name the file and line.
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { UserError } from "../core/errors.js";
import { readCsvExamples } from "./csv-reader.js";
import { unreadable } from "./dataset-file.js";

export interface LabelledResponse {
  id: string;
  /** What the model was asked (the judge's `input`). */
  input: string;
  response: string;
  reference: string | undefined;
  /** Grade per rater name; a rater who did not rate this response is absent. */
  ratings: Record<string, number>;
  line: number;
}

export interface LabelFile {
  file: string;
  /** Every rater named anywhere in the file, in first-seen order. */
  raters: string[];
  responses: LabelledResponse[];
}

const RATER_COLUMN = /^rater_(.+)$/;

function text(
  file: string,
  line: number,
  value: unknown,
  key: string,
  required: boolean,
): string | undefined {
  if (value === undefined || value === null || value === "") {
    if (!required) return undefined;
    throw new UserError(`missing "${key}"; every labelled response needs one`, { file, line });
  }
  if (typeof value !== "string") {
    throw new UserError(`"${key}" must be a string, got ${typeof value}`, { file, line });
  }
  return value;
}

function grade(file: string, line: number, rater: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = typeof value === "string" ? Number(value.trim()) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 4) {
    throw new UserError(
      `rater "${rater}" gave ${JSON.stringify(value)}; grades are whole numbers 1, 2, 3 or 4`,
      { file, line },
    );
  }
  return n;
}

function labelled(
  file: string,
  line: number,
  fields: Record<string, unknown>,
  ratings: [string, unknown][],
): LabelledResponse {
  const id = fields.id === undefined ? undefined : String(fields.id);
  if (id === undefined || id === "") {
    throw new UserError(`missing "id"; give every labelled response an id`, { file, line });
  }
  const inputKey = fields.input !== undefined ? "input" : "question";
  const grades: Record<string, number> = {};
  for (const [rater, value] of ratings) {
    const g = grade(file, line, rater, value);
    if (g !== undefined) grades[rater] = g;
  }
  if (Object.keys(grades).length === 0) {
    throw new UserError(`response "${id}" has no grade; give at least one rater's 1–4 grade`, {
      file,
      line,
    });
  }
  return {
    id,
    input: text(file, line, fields[inputKey], "input", true)!,
    response: text(file, line, fields.response, "response", true)!,
    reference: text(file, line, fields.reference, "reference", false),
    ratings: grades,
    line,
  };
}

const JSONL_KEYS = new Set(["id", "input", "question", "response", "reference", "ratings"]);

function jsonlResponses(file: string, content: string): LabelledResponse[] {
  const responses: LabelledResponse[] = [];
  content
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = i + 1;
      if (raw.trim() === "") return;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw new UserError("invalid JSON; each line must be one complete JSON object", {
          file,
          line,
        });
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new UserError("each line must be a JSON object", { file, line });
      }
      const record = value as Record<string, unknown>;
      const unknown = Object.keys(record).find((k) => !JSONL_KEYS.has(k));
      if (unknown !== undefined) {
        throw new UserError(
          `unknown key "${unknown}"; a labelled response has ${[...JSONL_KEYS].join(", ")}`,
          { file, line },
        );
      }
      const ratings = record.ratings;
      if (typeof ratings !== "object" || ratings === null || Array.isArray(ratings)) {
        throw new UserError(
          `"ratings" must be an object of rater name to grade, e.g. {"alice": 3}`,
          {
            file,
            line,
          },
        );
      }
      responses.push(labelled(file, line, record, Object.entries(ratings)));
    });
  return responses;
}

async function csvResponses(file: string): Promise<LabelledResponse[]> {
  const responses: LabelledResponse[] = [];
  for await (const example of readCsvExamples(file, Number.POSITIVE_INFINITY)) {
    const ratings = Object.entries(example.inputs)
      .filter(([k]) => RATER_COLUMN.test(k))
      .map(([k, v]): [string, unknown] => [RATER_COLUMN.exec(k)![1]!, v]);
    if (ratings.length === 0) {
      throw new UserError(
        "no rater columns; name one column per rater rater_<name> (e.g. rater_alice)",
        { file, line: 1 },
      );
    }
    responses.push(
      labelled(
        file,
        example.source.line,
        { ...example.inputs, id: example.id, reference: example.reference },
        ratings,
      ),
    );
  }
  return responses;
}

/** Reads and checks a label file (.jsonl or .csv). */
export async function readLabelFile(file: string): Promise<LabelFile> {
  const extension = extname(file).toLowerCase();
  if (extension !== ".jsonl" && extension !== ".csv") {
    throw new UserError(
      `unsupported label file format "${extension || "(no extension)"}"; use .jsonl or .csv`,
      { file },
    );
  }
  let responses: LabelledResponse[];
  if (extension === ".csv") {
    responses = await csvResponses(file);
  } else {
    let content: string;
    try {
      content = await readFile(file, "utf8");
    } catch (err) {
      throw unreadable(file, err);
    }
    responses = jsonlResponses(file, content);
  }
  if (responses.length === 0) {
    throw new UserError("the label file has no labelled responses", { file });
  }
  const seen = new Map<string, number>();
  for (const r of responses) {
    const earlier = seen.get(r.id);
    if (earlier !== undefined) {
      throw new UserError(`id "${r.id}" is also on line ${earlier}; ids must be unique`, {
        file,
        line: r.line,
      });
    }
    seen.set(r.id, r.line);
  }
  const raters = [...new Set(responses.flatMap((r) => Object.keys(r.ratings)))];
  return { file, raters, responses };
}
