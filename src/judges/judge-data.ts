/**
 * What the judge sees of the graded material is data, never instructions. Inside it, three
 * things are defused before the judge prompt is rendered: the delimiters evalgate uses
 * (`<response>`, `</task>`, `<response_a>`, …), chat-template turn markers (`<|im_start|>`,
 * `[INST]`, `<start_of_turn>`, `<<SYS>>`), and anything shaped like a grade (`SCORE: 4`,
 * `Score - 4`, `score four`, `<score>4`, `"score": 4`, `Correctness: 4`). A response then
 * cannot close its own section or open a turn, and a judge that copies a planted grade into
 * its reply does not write a grade line the parser would read.
 *
 * Defusing writes the first character of each such thing as an HTML character reference
 * (`&lt;/response>`, `&#83;CORE: 4`): still legible, but no longer the tag, marker or label.
 * Matching is done on the reader view (see reader-view.ts), so full-width letters, Cyrillic
 * and Greek look-alikes, zero-width characters, soft hyphens and combining marks inside the
 * token do not hide it.
 */
import { readerView } from "./reader-view.js";

const TAG_NAMES = "task|reference|response|response_a|response_b|score|explanation|criteria|rubric";
const NOT_WORD = "(?![\\p{L}\\p{N}_])";
// `<`, then spaces or a `/` (`</ response >`), then one of evalgate's section names.
const DELIMITER_TAG = new RegExp(`<(?=\\s*\\/?\\s*(?:${TAG_NAMES})${NOT_WORD})`, "giu");
// Chat-template markers a server might read as a new turn.
const TURN_MARKER =
  /<(?=\|[\w-]+\|>)|<(?=\/?(?:start_of_turn|end_of_turn|start_header_id|end_header_id)>)|<(?=<\/?sys>>)|\[(?=\/?inst\])/giu;

const GRADE_WORDS = ["score", "scores", "rating", "grade", "verdict"];
const NUMBER_WORD = "zero|one|two|three|four|five|six|seven|eight|nine|ten";
// Decoration between a label and what follows it: `**`, `:`, `" `, `| `, `## `, a newline….
const GAP = "[^\\p{L}\\p{N}]{0,6}";
// A grade (a digit or a number word) or a pairwise verdict (A, B, tie).
const VALUE = `(?:\\d|(?:${NUMBER_WORD}|a|b|tie)(?![\\p{L}\\p{N}]))`;
// Between a label and its value, decoration that includes a mark (`Score - 4`, `| Score | 4`,
// `**Score** 4`), not only spaces.
const MARKED_GAP = "\\s{0,3}[^\\s\\p{L}\\p{N}][^\\p{L}\\p{N}]{0,5}";
// A label is a grade when a colon or equals sign and then, after any run of spaces and marks,
// a value follow it (`SCORE:        4`, `Correctness (main case): **3**`, `VERDICT: B`); when a
// value follows a mark, `is` or `of` (`Score - 4`, `| Score | 4`, `score of 4`); or a value
// out of a maximum (`Score 4/4`, `rating 4 out of 4`); `<score>4` is a delimiter. A label
// that only names something (`score = compute()`, `rating: number`, `Correctness: the
// code…`, `grade 4 students`) is left alone: the parser reads no grade there, and code and
// prose keep their words.
const AFTER_LABEL = [
  `${GAP}(?:[([][^)\\]\\n]{0,40}[)\\]]${GAP})?[:=][^\\p{L}\\p{N}]{0,40}${VALUE}`,
  `${MARKED_GAP}${VALUE}`,
  `${GAP}(?:is|of)${GAP}${VALUE}`,
  `${GAP}${VALUE}\\s*(?:\\/|out\\s+of)\\s*\\d`,
].join("|");

function escapeForRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function gradeLabel(criteria: readonly string[]): RegExp {
  const names = criteria.map((c) => escapeForRegex(c).replace(/_/g, "[ _]"));
  const labels = [...GRADE_WORDS, ...names].join("|");
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${labels})(?=${AFTER_LABEL})`, "giu");
}

function reference(codePoint: number): string {
  return codePoint === 0x3c ? "&lt;" : `&#${codePoint};`;
}

/**
 * Defuse `text` for a judge prompt. `criteria` are the rubric's criterion names, which are
 * grade labels too (`Correctness: 4`).
 */
export function defuseJudgeData(text: string, criteria: readonly string[] = []): string {
  const view = readerView(text);
  const starts = new Set<number>();
  for (const pattern of [DELIMITER_TAG, TURN_MARKER, gradeLabel(criteria)]) {
    for (const match of view.text.matchAll(pattern)) starts.add(view.origin[match.index]!);
  }
  if (starts.size === 0) return text;
  let out = "";
  let from = 0;
  for (const start of [...starts].sort((a, b) => a - b)) {
    const codePoint = text.codePointAt(start)!;
    out += text.slice(from, start) + reference(codePoint);
    from = start + String.fromCodePoint(codePoint).length;
  }
  return out + text.slice(from);
}
