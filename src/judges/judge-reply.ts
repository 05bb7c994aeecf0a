/**
 * The parse policy for judge replies. A score counts only when the judge wrote it as an
 * explicit grade line (`SCORE: 3`, `**Score:** 3`, `Rating: 3/4`, `<score>3</score>`,
 * `SCORE(correctness): 3`, or a JSON object with the grades). A number in free text ("I'd give
 * it a 3") is never taken: guessing is how unparseable replies end up counted as passes.
 *
 * Quoted text (block quotes, fenced or indented code, HTML quote blocks, code spans; see
 * reply-quotes.ts) is never a grade line: that is where a judge quotes the response it graded,
 * and the response may plant `SCORE: 4`. Every unquoted grade line for a criterion must agree
 * with the last one; two different grades are a contradiction, never a choice, and the judge
 * is asked again.
 */
import { jsonGrades } from "./judge-reply-json.js";
import { gradeableLines, withoutCodeSpans } from "./reply-quotes.js";

export type UnscoredReason = "no_score" | "out_of_scale" | "refusal" | "contradictory";

export type Grade = 1 | 2 | 3 | 4;

export interface ParsedJudgeReply {
  /** The grade of a single-criterion reply (the first criterion's when there are several). */
  score: Grade | null;
  /** Every criterion's grade when all were usable; empty otherwise. */
  scores: Record<string, Grade>;
  explanation: string;
  /** Why `score` is null. */
  reason?: UnscoredReason;
  /** Which criterion the reason is about, when there are several. */
  criterion?: string;
}

/** What one grade line or JSON field said. `literal` is the number as written. */
export type Candidate =
  | { kind: "value"; literal: string; outOf: number | undefined }
  | { kind: "ambiguous" };

const SCORE_LINE =
  /^(?:final\s+|overall\s+)?(?:score|rating|grade)\s*(?:[([](?<label>[^)\]]*)[)\]])?\s*:\s*\[?\s*(?<value>[+-]?\d+(?:\.\d+)?)\s*\]?\s*(?:(?:\/|out\s+of)\s*(?<outOf>\d+))?(?<rest>.*)$/i;
const XML_SCORE = /<score>\s*(?<value>[+-]?\d+(?:\.\d+)?)\s*<\/score>/gi;
// "3-4", "3 or 4", "3, 4": the judge did not settle on one score.
const RANGE_AFTER_VALUE = /^\s*(?:[-–—,]|or\b|to\b|and\b)\s*\d/i;
const EXPLANATION_LINE =
  /^(?:explanation|reason(?:ing)?|justification|rationale)\s*:\s*(?<text>.*)$/i;

// A refusal is only looked for when there is no score line. The verb list keeps phrases like
// "I can't help noticing a bug" from counting as one.
const REFUSAL =
  /\bI(?:\s+am|'m|’m)?\s+(?:can(?:not|'t|’t)|won(?:'t|’t)|will\s+not|(?:not\s+able|unable)\s+to|must\s+(?:decline|refuse))\b[^.\n]{0,60}?\b(?:help\s+with|help\s+you|assist|comply|evaluate|grade|score|rate|review|judge|provide|fulfil|do\s+(?:that|this)|engage|participate|continue)/i;

/** Markdown decoration around a grade line (`**Score:** 3`, `### Rating: 4`, `- Score: 2`). */
function plainLine(line: string): string {
  return line
    .replace(/[*_`]/g, "")
    .replace(/^\s*(?:#{1,6}\s+|[-+•]\s+)*/, "")
    .trim();
}

type LabelledCandidate = { label: string | undefined; candidate: Candidate };

function fromMatch(groups: Record<string, string | undefined>, label: string | undefined) {
  const { value, outOf, rest } = groups;
  if (rest !== undefined && RANGE_AFTER_VALUE.test(rest)) {
    return { label, candidate: { kind: "ambiguous" } } satisfies LabelledCandidate;
  }
  const out = outOf === undefined ? undefined : Number(outOf);
  return {
    label,
    candidate: { kind: "value", literal: value!, outOf: out },
  } satisfies LabelledCandidate;
}

// Markdown decoration removal drops `_`, so `code_quality` may arrive as `codequality`.
function sameName(criterion: string, label: string): boolean {
  const bare = (text: string) => text.toLowerCase().replace(/[-._\s]/g, "");
  return bare(criterion) === bare(label);
}

function criterionLine(criterion: string): RegExp {
  const name = criterion.replace(/[-._]/g, "[-. _]?");
  return new RegExp(
    `^${name}(?:\\s+(?:score|rating|grade))?\\s*:\\s*\\[?\\s*(?<value>[+-]?\\d+(?:\\.\\d+)?)\\s*\\]?\\s*(?:(?:\\/|out\\s+of)\\s*(?<outOf>\\d+))?(?<rest>.*)$`,
    "i",
  );
}

/**
 * The grades on one line, with the criterion each names (`SCORE(correctness): 3`,
 * `Correctness: 3`); every `<score>` tag on the line counts, so two tags that disagree are a
 * contradiction rather than a choice of the first.
 */
function gradesOnLine(text: string, criteria: readonly string[]): LabelledCandidate[] {
  const line = withoutCodeSpans(text);
  const plain = plainLine(line);
  const found: LabelledCandidate[] = [];
  const match = SCORE_LINE.exec(plain);
  if (match?.groups) {
    const label = match.groups["label"];
    const named = label === undefined ? undefined : criteria.find((c) => sameName(c, label));
    found.push(fromMatch(match.groups, named));
  } else {
    for (const criterion of criteria) {
      const own = criterionLine(criterion).exec(plain);
      if (own?.groups) {
        found.push(fromMatch(own.groups, criterion));
        break;
      }
    }
  }
  for (const m of line.matchAll(XML_SCORE)) {
    found.push({
      label: undefined,
      candidate: { kind: "value", literal: m.groups!["value"]!, outOf: undefined },
    });
  }
  return found;
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

/**
 * The grade a number as written stands for. `3` and `3.0` are 3; `2.99999999999999999` is not
 * (Number() would round it to 3) and neither is `3.5`.
 */
export function gradeOf(literal: string, outOf: number | undefined, scale: readonly number[]) {
  const integer = /^\+?(\d+)(?:\.0+)?$/.exec(literal);
  if (!integer) return undefined;
  const value = Number(integer[1]);
  const top = Math.max(...scale);
  if (!scale.includes(value) || (outOf !== undefined && outOf !== top)) return undefined;
  return value as Grade;
}

type Settled = { grade: Grade } | { reason: UnscoredReason };

/** Settle one criterion's candidates: they must all be the same usable grade. */
export function settle(candidates: readonly Candidate[], scale: readonly number[]): Settled {
  if (candidates.length === 0) return { reason: "no_score" };
  if (candidates.some((c) => c.kind === "ambiguous")) return { reason: "no_score" };
  const values = candidates as Extract<Candidate, { kind: "value" }>[];
  const distinct = new Set(values.map((c) => `${c.literal}/${c.outOf ?? ""}`));
  if (distinct.size > 1) {
    const grades = new Set(values.map((c) => gradeOf(c.literal, c.outOf, scale) ?? c.literal));
    if (grades.size > 1) return { reason: "contradictory" };
  }
  const last = values[values.length - 1]!;
  const grade = gradeOf(last.literal, last.outOf, scale);
  return grade === undefined ? { reason: "out_of_scale" } : { grade };
}

function collect(
  byCriterion: Map<string, Candidate[]>,
  explanation: string,
  criteria: readonly string[],
  scale: readonly number[],
  refused: () => boolean,
): ParsedJudgeReply {
  const scores: Record<string, Grade> = {};
  const nothing = criteria.every((c) => (byCriterion.get(c) ?? []).length === 0);
  if (nothing && refused()) return { score: null, scores, reason: "refusal", explanation };
  for (const criterion of criteria) {
    const settled = settle(byCriterion.get(criterion) ?? [], scale);
    if ("reason" in settled) {
      const parsed: ParsedJudgeReply = {
        score: null,
        scores: {},
        reason: settled.reason,
        explanation,
      };
      if (criteria.length > 1) parsed.criterion = criterion;
      return parsed;
    }
    scores[criterion] = settled.grade;
  }
  return { score: scores[criteria[0]!]!, scores, explanation };
}

/**
 * Read a judge's reply for `criteria` (one name for a single-criterion rubric). A grade line
 * without a criterion label counts for the only criterion; with several criteria each needs
 * its own (`SCORE(correctness): 3`). No grade → `no_score`, or `refusal` when the judge
 * declined; a grade outside `scale` (or out of another maximum, like `3/5`) → `out_of_scale`;
 * two different grades for one criterion → `contradictory`.
 */
export function parseCriteriaReply(
  text: string,
  criteria: readonly string[],
  scale: readonly number[],
): ParsedJudgeReply {
  const json = jsonGrades(text, criteria);
  if (json) {
    const byCriterion = new Map(criteria.map((c) => [c, json.grades[c] ?? []]));
    return collect(byCriterion, json.explanation, criteria, scale, () => false);
  }
  const byCriterion = new Map<string, Candidate[]>(criteria.map((c) => [c, []]));
  const scoreLines = new Set<number>();
  const only = criteria.length === 1 ? criteria[0] : undefined;
  for (const { line, index } of gradeableLines(text)) {
    for (const { label, candidate } of gradesOnLine(line, criteria)) {
      const criterion = label ?? only;
      if (criterion === undefined) continue;
      byCriterion.get(criterion)!.push(candidate);
      scoreLines.add(index);
    }
  }
  const explanation = explanationOf(text, scoreLines);
  return collect(byCriterion, explanation, criteria, scale, () => REFUSAL.test(text));
}

/** A single-criterion reply (the original rubric format). */
export function parseJudgeReply(text: string, scale: readonly number[]): ParsedJudgeReply {
  return parseCriteriaReply(text, ["score"], scale);
}
