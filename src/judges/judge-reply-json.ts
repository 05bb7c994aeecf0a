import { z } from "zod";
import type { Candidate } from "./judge-reply.js";

/**
 * A reply that is one JSON object (optionally fenced): what a judge writes under structured
 * output, `{"explanation": "…", "scores": {"correctness": 3}}`, or the older `{"score": 3}`.
 * zod checks the shape; the grades themselves are settled by the same rules as grade lines.
 */

const explanationText = z.string().optional();
const replyShape = z.looseObject({
  explanation: explanationText,
  reason: explanationText,
  reasoning: explanationText,
  scores: z.record(z.string(), z.unknown()).optional(),
});

// JSON.parse reads 2.99999999999999999 as 3; the reply's own digits decide instead.
function hasInexactNumber(body: string): boolean {
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      continue;
    }
    if (/[-\d]/.test(ch) && !/[\w.]/.test(body[i - 1] ?? "")) {
      const literal = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(body.slice(i))?.[0] ?? "";
      if (literal !== "" && !/^-?\d+(?:\.0+)?$/.test(literal)) return true;
      i += Math.max(0, literal.length - 1);
    }
  }
  return false;
}

function candidateOf(value: unknown, inexact: boolean): Candidate[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "number") {
    const literal = Number.isInteger(value) && inexact ? `~${value}` : String(value);
    return [{ kind: "value", literal, outOf: undefined }];
  }
  if (typeof value === "string") {
    const text = value.trim();
    if (/^\d+\s*(?:[-–,]|or\b|to\b)\s*\d/.test(text)) return [{ kind: "ambiguous" }];
    return [{ kind: "value", literal: text, outOf: undefined }];
  }
  return [{ kind: "value", literal: JSON.stringify(value), outOf: undefined }];
}

export function jsonGrades(
  text: string,
  criteria: readonly string[],
): { grades: Record<string, Candidate[]>; explanation: string } | undefined {
  const body = text
    .trim()
    .replace(/^```(?:json)?\s*\n([\s\S]*)\n```$/i, "$1")
    .trim();
  if (!body.startsWith("{")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const shape = replyShape.safeParse(parsed);
  if (!shape.success) return undefined;
  const record = shape.data as Record<string, unknown> & z.output<typeof replyShape>;
  const inexact = hasInexactNumber(body);
  const grades: Record<string, Candidate[]> = {};
  for (const criterion of criteria) {
    let value = record.scores?.[criterion] ?? record[criterion];
    if (criteria.length === 1) value ??= record["score"] ?? record["rating"];
    grades[criterion] = candidateOf(value, inexact);
  }
  if (criteria.every((c) => grades[c]!.length === 0)) return undefined;
  const explanation = record.explanation ?? record.reason ?? record.reasoning ?? "";
  return { grades, explanation: explanation.trim() };
}
