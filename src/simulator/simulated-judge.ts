import type { ChatMessage } from "../core/types.js";
import { SeededRandom } from "./seeded-random.js";

/**
 * A simulated reference-guided judge: it finds the <reference> and <response> the judge
 * prompt embeds, measures how close they are (bag-of-words F1, with a penalty when the
 * response contradicts the reference: flipped negations, numbers the reference never says)
 * and maps that onto the 1–4 scale with a little seeded per-judge noise.
 */

export interface Grade {
  /** Word-level F1 between response and reference, in [0, 1]. */
  similarity: number;
  /** The response says something the reference does not: a negation or number changed. */
  contradiction: boolean;
}

const WORD = /[a-z0-9_]+/g;
const NEGATION = /\b(?:not|never|no|cannot|none)\b|n't\b/g;
const NUMBER = /\d+(?:\.\d+)?/g;

function wordCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of text.toLowerCase().match(WORD) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

function total(counts: Map<string, number>): number {
  let n = 0;
  for (const c of counts.values()) n += c;
  return n;
}

export function gradeAgainstReference(reference: string, response: string): Grade {
  const ref = wordCounts(reference);
  const res = wordCounts(response);
  const refTotal = total(ref);
  const resTotal = total(res);
  let overlap = 0;
  for (const [w, c] of res) overlap += Math.min(c, ref.get(w) ?? 0);
  const similarity = refTotal === 0 || resTotal === 0 ? 0 : (2 * overlap) / (refTotal + resTotal);
  const negRef = (reference.toLowerCase().match(NEGATION) ?? []).length;
  const negRes = (response.toLowerCase().match(NEGATION) ?? []).length;
  const refNumbers = new Set(reference.match(NUMBER) ?? []);
  const strayNumber = (response.match(NUMBER) ?? []).some((n) => !refNumbers.has(n));
  return { similarity, contradiction: negRef !== negRes || strayNumber };
}

export type JudgeScoreValue = 1 | 2 | 3 | 4;

/** Thresholds chosen so near-reference answers land on 3–4 and degraded ones on 1–2. */
export function scoreFromGrade(grade: Grade, noise: number): JudgeScoreValue {
  let s = grade.similarity + noise;
  if (grade.contradiction) s = Math.min(s, 0.5) - 0.1;
  if (s >= 0.8) return 4;
  if (s >= 0.6) return 3;
  if (s >= 0.35) return 2;
  return 1;
}

const EXPLANATIONS: Record<JudgeScoreValue, readonly string[]> = {
  4: [
    "The response matches the reference in substance and is complete.",
    "The response covers every point of the reference accurately.",
  ],
  3: [
    "The response is mostly correct but misses or blurs a minor point of the reference.",
    "The response is largely in line with the reference, with small omissions.",
  ],
  2: [
    "The response misses important parts of the reference or gets a key detail wrong.",
    "The response is only partly correct and leaves out much of what the reference covers.",
  ],
  1: [
    "The response is wrong or unrelated to what the reference answer says.",
    "The response contradicts the reference or does not address the task.",
  ],
};

export interface JudgeVerdict {
  score: JudgeScoreValue | null;
  text: string;
  /** The one-sentence reason, for structured replies. */
  explanation?: string;
}

function between(text: string, open: string, close: string): string | undefined {
  const start = text.indexOf(open);
  if (start < 0) return undefined;
  const end = text.indexOf(close, start + open.length);
  if (end < 0) return undefined;
  return text.slice(start + open.length, end).trim();
}

export interface JudgeMaterial {
  reference: string | undefined;
  response: string | undefined;
}

export function extractJudgeMaterial(text: string): JudgeMaterial {
  return {
    reference: between(text, "<reference>", "</reference>"),
    response: between(text, "<response>", "</response>"),
  };
}

function hasJudgeTags(text: string): boolean {
  return (
    (text.includes("<reference>") && text.includes("<response>")) ||
    (text.includes("<response_a>") && text.includes("<response_b>"))
  );
}

/**
 * The user message to grade: the last one carrying the judge tags. A judge re-ask (after an
 * unparseable reply) appends the judge's reply and a corrective user message, so the tags
 * are earlier in the conversation; grading them again keeps the re-ask's grade equal to a
 * clean first ask's. Without tagged messages, the last user message.
 */
export function judgeMaterialMessage(messages: readonly ChatMessage[]): string {
  let last: string | undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role !== "user") continue;
    if (hasJudgeTags(message.content)) return message.content;
    last ??= message.content;
  }
  return last ?? "";
}

export function looksLikeJudgeRequest(messages: readonly ChatMessage[]): boolean {
  return messages.some((m) => m.role === "user" && hasJudgeTags(m.content));
}

/** How the judge prompt asks to be answered: one grade, one line per criterion, or JSON. */
export type JudgeContract =
  | { kind: "single" }
  | { kind: "lines"; criteria: string[] }
  | { kind: "json"; criteria: string[] };

/** Read the reply contract from the judge prompt, as a judge that follows instructions would. */
export function judgeContractOf(text: string): JudgeContract {
  const json = /Reply (?:again )?with one JSON object[^\n]*"scores":\s*\{([^}\n]*)\}/.exec(text);
  if (json) {
    const criteria = [...(json[1] ?? "").matchAll(/"([^"]+)":/g)].map((m) => m[1]!);
    if (criteria.length > 0) return { kind: "json", criteria };
  }
  const lines = [...text.matchAll(/^SCORE\(([^)\n]+)\): </gm)].map((m) => m[1]!);
  if (lines.length > 0) return { kind: "lines", criteria: [...new Set(lines)] };
  return { kind: "single" };
}

function reply(contract: JudgeContract, score: JudgeScoreValue, explanation: string): string {
  switch (contract.kind) {
    case "single":
      return `SCORE: ${score}\nEXPLANATION: ${explanation}`;
    case "lines":
      return `${contract.criteria.map((c) => `SCORE(${c}): ${score}`).join("\n")}\nEXPLANATION: ${explanation}`;
    case "json":
      return JSON.stringify({
        explanation,
        scores: Object.fromEntries(contract.criteria.map((c) => [c, score])),
      });
  }
}

/**
 * Grades `material` as judge `judgeName`. Better judges (higher quality) are less noisy.
 * `withoutScore` simulates a judge that forgets the SCORE line.
 */
export function judge(
  judgeName: string,
  judgeQuality: number,
  material: JudgeMaterial,
  withoutScore: boolean,
  contract: JudgeContract = { kind: "single" },
): JudgeVerdict {
  const random = SeededRandom.from(
    "judge",
    judgeName,
    material.reference ?? "",
    material.response ?? "",
  );
  if (withoutScore) {
    return { score: null, text: "The response addresses the task reasonably well overall." };
  }
  if (material.response === undefined || material.reference === undefined) {
    const text = "There was no reference answer to check the response against.";
    return { score: 2, text: reply(contract, 2, text), explanation: text };
  }
  const amplitude = 0.04 + 0.12 * (1 - judgeQuality);
  const noise = (random.next() * 2 - 1) * amplitude;
  const score = scoreFromGrade(gradeAgainstReference(material.reference, material.response), noise);
  const explanation = random.pick(EXPLANATIONS[score]);
  return { score, text: reply(contract, score, explanation), explanation };
}

/** The two answers of a pairwise prompt (`<response_a>`, `<response_b>`). */
export interface PairwiseMaterial {
  reference: string | undefined;
  a: string;
  b: string;
}

export function extractPairwiseMaterial(text: string): PairwiseMaterial | undefined {
  const a = between(text, "<response_a>", "</response_a>");
  const b = between(text, "<response_b>", "</response_b>");
  if (a === undefined || b === undefined) return undefined;
  const reference = between(text, "<reference>", "</reference>");
  return { reference: reference === "" ? undefined : reference, a, b };
}

/**
 * A simulated pairwise judge: the answer whose grade against the reference is higher wins,
 * equal grades tie. With probability `positionBias` (seeded by the prompt, so the two orders
 * of one pair draw independently) it picks answer A whatever the answers say: the position
 * bias real judges show, which the swap in `judgeBothOrders` is there to catch.
 */
export function pairwiseJudge(
  judgeName: string,
  positionBias: number,
  material: PairwiseMaterial,
): { text: string; winner: "A" | "B" | "TIE" } {
  const random = SeededRandom.from("pairwise", judgeName, material.a, material.b);
  let winner: "A" | "B" | "TIE";
  if (random.next() < positionBias) {
    winner = "A";
  } else if (material.reference === undefined) {
    winner = "TIE";
  } else {
    const grade = (text: string) =>
      scoreFromGrade(gradeAgainstReference(material.reference!, text), 0);
    const a = grade(material.a);
    const b = grade(material.b);
    winner = a === b ? "TIE" : a > b ? "A" : "B";
  }
  const why =
    winner === "TIE"
      ? "Both answers are about as close to the reference."
      : `Answer ${winner} is closer to the reference.`;
  return { text: `VERDICT: ${winner}\nEXPLANATION: ${why}`, winner };
}
