import type { SeededRandom } from "./seeded-random.js";

/**
 * Builds a JSON value that fits a (simple) JSON Schema, for `response_format: json_schema`.
 * Handles object/string/number/integer/boolean/array/null, enum/const, anyOf/oneOf (first
 * branch) and nullable type lists; anything fancier gets a best effort. Text-like string
 * fields carry the model's answer, and a judge's `score` field carries its grade.
 */
export interface JsonAnswerHints {
  /** The answer the model would have written as plain text. */
  text: string;
  /** For judges: the grade and explanation to put into score/explanation fields. */
  score?: number;
  explanation?: string;
}

type Schema = Record<string, unknown>;

const TEXT_FIELD = /answer|content|text|response|code|summary|explanation|reason|message|output/i;
const SCORE_FIELD = /score|rating|grade/i;

function asSchema(value: unknown): Schema {
  return value !== null && typeof value === "object" ? (value as Schema) : {};
}

function schemaType(schema: Schema): string | undefined {
  const t = schema["type"];
  if (typeof t === "string") return t;
  if (Array.isArray(t)) return t.find((x) => x !== "null") ?? t[0];
  if (schema["properties"] !== undefined) return "object";
  if (schema["items"] !== undefined) return "array";
  return undefined;
}

function numberIn(schema: Schema, integer: boolean, preferred: number | undefined): number {
  const min = typeof schema["minimum"] === "number" ? schema["minimum"] : undefined;
  const max = typeof schema["maximum"] === "number" ? schema["maximum"] : undefined;
  let value = preferred ?? min ?? (max !== undefined ? Math.min(max, 1) : 1);
  if (min !== undefined && value < min) value = min;
  if (max !== undefined && value > max) value = max;
  return integer ? Math.round(value) : value;
}

function valueFor(
  schema: Schema,
  key: string,
  hints: JsonAnswerHints,
  random: SeededRandom,
  depth: number,
): unknown {
  if (depth > 8) return null;
  if ("const" in schema) return schema["const"];
  const choices = schema["enum"];
  if (Array.isArray(choices) && choices.length > 0) {
    if (hints.score !== undefined && SCORE_FIELD.test(key)) {
      const match = choices.find((c) => Number(c) === hints.score);
      if (match !== undefined) return match;
    }
    return choices[random.int(choices.length)];
  }
  const branches = schema["anyOf"] ?? schema["oneOf"];
  if (Array.isArray(branches) && branches.length > 0) {
    return valueFor(asSchema(branches[0]), key, hints, random, depth + 1);
  }
  const scoreHere = hints.score !== undefined && SCORE_FIELD.test(key) ? hints.score : undefined;
  switch (schemaType(schema)) {
    case "object":
      // A judge's `scores: {correctness: …, readability: …}` carries its grade in every field.
      return objectFor(schema, hints, random, depth + 1, scoreHere === undefined ? undefined : key);
    case "array": {
      const min = typeof schema["minItems"] === "number" ? schema["minItems"] : 1;
      const items = asSchema(schema["items"]);
      return Array.from({ length: Math.max(1, min) }, () =>
        valueFor(items, key, hints, random, depth + 1),
      );
    }
    case "integer":
      return numberIn(schema, true, scoreHere);
    case "number":
      return numberIn(schema, false, scoreHere);
    case "boolean":
      return random.chance(0.5);
    case "null":
      return null;
    default:
      if (hints.explanation !== undefined && /explanation|reason|rationale/i.test(key)) {
        return hints.explanation;
      }
      if (scoreHere !== undefined) return String(scoreHere);
      return TEXT_FIELD.test(key) || key === "" ? hints.text : `${key.replace(/_/g, " ")} value`;
  }
}

function objectFor(
  schema: Schema,
  hints: JsonAnswerHints,
  random: SeededRandom,
  depth: number,
  scoreKey?: string,
): unknown {
  const properties = asSchema(schema["properties"]);
  const result: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(properties)) {
    result[key] = valueFor(asSchema(sub), scoreKey ?? key, hints, random, depth);
  }
  const required = Array.isArray(schema["required"]) ? schema["required"] : [];
  for (const key of required) {
    if (typeof key === "string" && !(key in result)) result[key] = hints.text;
  }
  return result;
}

export function jsonAnswer(schema: unknown, hints: JsonAnswerHints, random: SeededRandom): string {
  const s = asSchema(schema);
  const value =
    schemaType(s) === undefined && !("properties" in s)
      ? { answer: hints.text }
      : valueFor(s, "", hints, random, 0);
  return JSON.stringify(value);
}
