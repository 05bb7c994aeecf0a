/**
 * The parse policy for judge replies. A score counts only when the judge wrote it as an
 * explicit score line (`SCORE: 3`, `**Score:** 3`, `Rating: 3/4`, `<score>3</score>`, or a
 * JSON object with a `score`). A number in free text ("I'd give it a 3") is never taken:
 * guessing is how unparseable replies end up counted as passes.
 */

export type UnscoredReason = "no_score" | "out_of_scale" | "refusal";

export interface ParsedJudgeReply {
  score: 1 | 2 | 3 | 4 | null;
  explanation: string;
  /** Why `score` is null. */
  reason?: UnscoredReason;
}

type Candidate =
  | { kind: "value"; value: number; outOf: number | undefined }
  | { kind: "ambiguous" };

const SCORE_LINE =
  /^(?:final\s+|overall\s+)?(?:score|rating|grade)\s*(?:\([^)]*\))?\s*:\s*\[?\s*(?<value>[+-]?\d+(?:\.\d+)?)\s*\]?\s*(?:(?:\/|out\s+of)\s*(?<outOf>\d+))?(?<rest>.*)$/i;
const XML_SCORE = /<score>\s*(?<value>[+-]?\d+(?:\.\d+)?)\s*<\/score>/i;
// "3-4", "3 or 4", "3, 4": the judge did not settle on one score.
const RANGE_AFTER_VALUE = /^\s*(?:[-–—,]|or\b|to\b|and\b)\s*\d/i;
const EXPLANATION_LINE =
  /^(?:explanation|reason(?:ing)?|justification|rationale)\s*:\s*(?<text>.*)$/i;

// A refusal is only looked for when there is no score line. The verb list keeps phrases like
// "I can't help noticing a bug" from counting as one.
const REFUSAL =
  /\bI(?:\s+am|'m|’m)?\s+(?:can(?:not|'t|’t)|won(?:'t|’t)|will\s+not|(?:not\s+able|unable)\s+to|must\s+(?:decline|refuse))\b[^.\n]{0,60}?\b(?:help\s+with|help\s+you|assist|comply|evaluate|grade|score|rate|review|judge|provide|fulfil|do\s+(?:that|this)|engage|participate|continue)/i;

/** Markdown decoration around a score line (`**Score:** 3`, `### Rating: 4`, `> - Score: 2`). */
function plainLine(line: string): string {
  return line
    .replace(/[*_`]/g, "")
    .replace(/^\s*(?:#{1,6}\s+|>\s*|[-+•]\s+)*/, "")
    .trim();
}

function candidateFrom(line: string): Candidate | undefined {
  const plain = plainLine(line);
  const match = SCORE_LINE.exec(plain) ?? XML_SCORE.exec(line);
  if (!match?.groups) return undefined;
  const { value, outOf, rest } = match.groups;
  if (rest !== undefined && RANGE_AFTER_VALUE.test(rest)) return { kind: "ambiguous" };
  return {
    kind: "value",
    value: Number(value),
    outOf: outOf === undefined ? undefined : Number(outOf),
  };
}

/** Lines outside fenced code blocks: code quoted from the response may contain `score: 5`. */
function proseLines(text: string): { line: string; index: number }[] {
  const lines = text.split(/\r?\n/);
  const prose: { line: string; index: number }[] = [];
  let inFence = false;
  lines.forEach((line, index) => {
    if (/^\s*(?:```|~~~)/.test(line)) {
      inFence = !inFence;
      return;
    }
    if (!inFence) prose.push({ line, index });
  });
  return prose;
}

/** A reply that is one JSON object (optionally fenced), like `{"score": 3, "explanation": "…"}`. */
function jsonReply(text: string): { candidate: Candidate; explanation: string } | undefined {
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
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  const raw = record["score"] ?? record["rating"];
  const value = typeof raw === "string" && /^\s*\d+(?:\.\d+)?\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== "number") return undefined;
  const explanation = record["explanation"] ?? record["reason"] ?? record["reasoning"];
  return {
    candidate: { kind: "value", value, outOf: undefined },
    explanation: typeof explanation === "string" ? explanation.trim() : "",
  };
}

function explanationOf(text: string, scoreLineIndexes: Set<number>): string {
  const lines = text.split(/\r?\n/);
  let start = -1;
  let firstText = "";
  lines.forEach((line, index) => {
    const match = EXPLANATION_LINE.exec(plainLine(line));
    if (match?.groups) {
      start = index;
      firstText = match.groups["text"] ?? "";
    }
  });
  if (start >= 0) {
    const following = lines.slice(start + 1).filter((_, i) => !scoreLineIndexes.has(start + 1 + i));
    return [firstText, ...following].join("\n").trim();
  }
  return lines
    .filter((_, i) => !scoreLineIndexes.has(i))
    .join("\n")
    .trim();
}

function judged(
  candidate: Candidate | undefined,
  scale: readonly number[],
): Pick<ParsedJudgeReply, "score" | "reason"> {
  if (candidate === undefined || candidate.kind === "ambiguous") {
    return { score: null, reason: "no_score" };
  }
  const top = Math.max(...scale);
  const fits =
    Number.isInteger(candidate.value) &&
    scale.includes(candidate.value) &&
    (candidate.outOf === undefined || candidate.outOf === top);
  if (!fits) return { score: null, reason: "out_of_scale" };
  return { score: candidate.value as 1 | 2 | 3 | 4 };
}

/**
 * Read a judge's reply. The LAST explicit score line wins (judges that reconsider write the
 * final one last). No score line → `no_score`, or `refusal` when the judge declined; a score
 * outside `scale` (or written out of another maximum, like `3/5`) → `out_of_scale`.
 */
export function parseJudgeReply(text: string, scale: readonly number[]): ParsedJudgeReply {
  const json = jsonReply(text);
  if (json) return { ...judged(json.candidate, scale), explanation: json.explanation };

  let last: Candidate | undefined;
  const scoreLines = new Set<number>();
  for (const { line, index } of proseLines(text)) {
    const candidate = candidateFrom(line);
    if (candidate === undefined) continue;
    last = candidate;
    scoreLines.add(index);
  }
  const explanation = explanationOf(text, scoreLines);
  if (last === undefined && REFUSAL.test(text)) {
    return { score: null, reason: "refusal", explanation };
  }
  return { ...judged(last, scale), explanation };
}
