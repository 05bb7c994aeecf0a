/**
 * What the judge sees of the graded material is data, never instructions. Inside it, the
 * delimiters evalgate uses (`<response>`, `</task>`, …) and anything shaped like a grade
 * (`SCORE: 4`, `<score>4</score>`, `"score": 4`, `Correctness: 4`) are defused before the
 * judge prompt is rendered, so a response cannot close its own section and start writing the
 * judge's instructions, and a judge that copies a planted grade into its reply does not write
 * a grade line the parser would read.
 */

const DELIMITER_TAG = /<(\/?)(task|reference|response|score|explanation|criteria|rubric)\b/gi;
const GRADE_LABEL =
  /\b(score|scores|rating|grade|verdict)([\s*_`]*(?:[([][^)\]\n]{0,40}[)\]])?[\s*_`]*)(:|=)/gi;
const JSON_GRADE_KEY = /"(score|scores|rating|grade|explanation)"(\s*):/gi;

/** The replacement colon: reads the same to a person, but is not the ASCII `:` a grade line needs. */
export const DEFUSED_COLON = "\uFF1A";

function escapeForRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Defuse `text` for a judge prompt. `criteria` are the rubric's criterion names, which are
 * grade labels too (`Correctness: 4`).
 */
export function defuseJudgeData(text: string, criteria: readonly string[] = []): string {
  let out = text
    .replace(DELIMITER_TAG, "&lt;$1$2")
    .replace(
      GRADE_LABEL,
      (_m, word: string, between: string, sign: string) =>
        `${word}${between}${sign === ":" ? DEFUSED_COLON : "\uFF1D"}`,
    )
    .replace(JSON_GRADE_KEY, `"$1"$2${DEFUSED_COLON}`);
  for (const name of criteria) {
    const label = new RegExp(`\\b(${escapeForRegex(name).replace(/_/g, "[ _]")})(\\s*):`, "gi");
    out = out.replace(label, `$1$2${DEFUSED_COLON}`);
  }
  return out;
}
