/**
 * What in a judge's reply is quotation. A judge quotes the response it graded, and the
 * response may plant `SCORE: 4`, so quoted text is never a grade line: block quotes (`> …`,
 * `>> …`), fenced code (closed only by a fence of the same character at least as long, as in
 * CommonMark, so a ``` line inside a ~~~ block does not end it), indented code (four spaces
 * after a blank line), HTML `<blockquote>` and `<pre>` blocks, and inline code spans.
 */

const QUOTED = /^\s*>/;
const FENCE_OPEN = /^\s*(`{3,}|~{3,})/;
const INDENTED_CODE = /^(?: {4}|\t)/;
const HTML_OPEN = /<(blockquote|pre)\b[^>]*>/gi;
const HTML_CLOSE = /<\/(blockquote|pre)\s*>/gi;
// A run of backticks, then anything up to the same run (CommonMark code spans).
const CODE_SPAN = /(`+)(?!`)[^\n]*?(?<!`)\1(?!`)/g;

function closesFence(line: string, fence: string): boolean {
  const run = fence[0] === "`" ? /^\s*(`+)\s*$/ : /^\s*(~+)\s*$/;
  const match = run.exec(line);
  return match !== null && match[1]!.length >= fence.length;
}

/** Lines that are the judge's own text, with their line numbers. */
export function gradeableLines(text: string): { line: string; index: number }[] {
  const lines = text.split(/\r?\n/);
  const prose: { line: string; index: number }[] = [];
  let fence: string | undefined;
  let htmlDepth = 0;
  let afterBlank = true;
  let inIndentedCode = false;
  lines.forEach((line, index) => {
    const blank = line.trim() === "";
    if (fence !== undefined) {
      if (closesFence(line, fence)) fence = undefined;
      return;
    }
    const open = FENCE_OPEN.exec(line);
    if (open) {
      fence = open[1];
      return;
    }
    // A line that opens, is inside or closes an HTML quote block is part of it.
    const inHtml = htmlDepth > 0;
    const opens = (line.match(HTML_OPEN) ?? []).length;
    htmlDepth = Math.max(0, htmlDepth + opens - (line.match(HTML_CLOSE) ?? []).length);
    inIndentedCode = !blank && INDENTED_CODE.test(line) && (afterBlank || inIndentedCode);
    afterBlank = blank;
    if (inHtml || opens > 0 || inIndentedCode) return;
    if (!QUOTED.test(line)) prose.push({ line, index });
  });
  return prose;
}

/** A code span holding nothing but a number (`3`, `3/4`, `[3]`): formatting, not a quote. */
const NUMBER_SPAN = /(`+)\s*(\[?\s*[+-]?\d+(?:\.\d+)?\s*\]?(?:\s*\/\s*\d+)?)\s*\1(?!`)/g;

/**
 * The line with its inline code spans blanked: what a judge writes in backticks is quoted.
 * A span around a bare number is unwrapped first: `SCORE: \`3\`` is the judge's own grade
 * written in code style, and a number alone cannot be a quoted grade line (the label outside
 * the span is the judge's; a label copied from the judged text was defused in the prompt).
 */
export function withoutCodeSpans(line: string): string {
  return line.replace(NUMBER_SPAN, "$2").replace(CODE_SPAN, " ");
}
