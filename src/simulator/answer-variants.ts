import type { SeededRandom } from "./seeded-random.js";
import { gradeAgainstReference } from "./simulated-judge.js";

/**
 * How a simulated model turns a reference answer into its own: a light paraphrase when it
 * "gets it right", a degraded version (truncated, garbled, contradicted, off topic) when it
 * does not. Both are checked against the same grading the simulated judges use, so the
 * share of good answers tracks the configured quality.
 */

const SYNONYMS = new Map<string, string>([
  ["uses", "employs"],
  ["returns", "yields"],
  ["because", "since"],
  ["creates", "builds"],
  ["checks", "verifies"],
  ["removes", "deletes"],
  ["quickly", "fast"],
  ["simple", "basic"],
  ["large", "big"],
  ["shows", "displays"],
  ["gets", "obtains"],
  ["makes", "produces"],
  ["starts", "begins"],
  ["fixes", "repairs"],
  ["needs", "requires"],
  ["helps", "assists"],
  ["also", "additionally"],
  ["first", "initially"],
  ["then", "next"],
  ["each", "every"],
]);

const PREFACES = [
  "Here is one way to do it.\n\n",
  "Sure, here is the answer.\n\n",
  "Happy to help with this.\n\n",
];

const FILLER = [
  "thing",
  "stuff",
  "value",
  "item",
  "part",
  "process",
  "data",
  "element",
  "basically",
];

/** Splits prose from fenced code so paraphrases never touch code. */
function mapProse(text: string, transform: (line: string) => string): string {
  let inFence = false;
  return text
    .split("\n")
    .map((line) => {
      if (line.trimStart().startsWith("```")) {
        inFence = !inFence;
        return line;
      }
      return inFence ? line : transform(line);
    })
    .join("\n");
}

function wordCount(text: string): number {
  return (text.match(/\S+/g) ?? []).length;
}

export function paraphrase(reference: string, random: SeededRandom): string {
  const words = wordCount(reference);
  let budget = Math.floor(words * 0.06);
  let text = mapProse(reference, (line) =>
    line.replace(/\b[a-z]+\b/g, (w) => {
      const swap = SYNONYMS.get(w);
      if (swap === undefined || budget <= 0 || !random.chance(0.5)) return w;
      budget -= 1;
      return swap;
    }),
  );
  if (words >= 40 && random.chance(0.5)) text = random.pick(PREFACES) + text;
  const grade = gradeAgainstReference(reference, text);
  return grade.similarity >= 0.8 && !grade.contradiction ? text : reference;
}

function units(text: string): { parts: string[]; joiner: string } {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length >= 4) return { parts: lines, joiner: "\n" };
  const sentences = text.match(/[^.!?]+[.!?]+(?:\s+|$)|[^.!?]+$/g) ?? [text];
  if (sentences.length >= 3) return { parts: sentences.map((s) => s.trim()), joiner: " " };
  return { parts: text.split(/\s+/).filter(Boolean), joiner: " " };
}

function truncate(reference: string, random: SeededRandom): string {
  const { parts, joiner } = units(reference);
  const keep = Math.max(1, Math.floor(parts.length * (0.2 + random.next() * 0.15)));
  return parts.slice(0, keep).join(joiner);
}

function garble(text: string, random: SeededRandom): string {
  return text.replace(/[A-Za-z_][A-Za-z0-9_]*/g, (w) =>
    random.chance(0.65) ? random.pick(FILLER) : w,
  );
}

function contradict(reference: string, random: SeededRandom): string | undefined {
  let changed = false;
  let text = reference.replace(/\b(is|are|does|should|can|will|must)\b/, (verb) => {
    changed = true;
    return verb === "can" ? "cannot" : `${verb} not`;
  });
  if (!changed) {
    text = reference.replace(/\b(not|never)\s+/, () => {
      changed = true;
      return "";
    });
  }
  let swapped = false;
  text = text.replace(/\d+/, (n) => {
    swapped = true;
    return String(Number(n) * 10 + 7 + random.int(3));
  });
  return changed || swapped ? text : undefined;
}

export type DegradationKind = "truncated" | "garbled" | "contradicted" | "off_topic";

export function degrade(
  reference: string,
  random: SeededRandom,
  offTopic: () => string,
): { text: string; kind: DegradationKind } {
  const roll = random.next();
  let kind: DegradationKind =
    roll < 0.4 ? "truncated" : roll < 0.7 ? "garbled" : roll < 0.9 ? "contradicted" : "off_topic";
  let text: string;
  if (kind === "truncated") text = truncate(reference, random);
  else if (kind === "garbled") text = garble(reference, random);
  else if (kind === "contradicted")
    text = contradict(reference, random) ?? garble(reference, random);
  else text = offTopic();
  // A short reference can survive truncation almost whole; make sure "wrong" really is wrong.
  let grade = gradeAgainstReference(reference, text);
  if (!grade.contradiction && grade.similarity >= 0.45) {
    text = garble(text, random);
    kind = "garbled";
    grade = gradeAgainstReference(reference, text);
    if (!grade.contradiction && grade.similarity >= 0.45) {
      text = offTopic();
      kind = "off_topic";
    }
  }
  return { text, kind };
}

const GENERIC_PROSE = [
  "This code reads the input, validates it, and passes the result on to the next step. The main function coordinates the work and returns the processed value to the caller, handling the usual error cases along the way.",
  "The snippet sets up the data it needs, loops over the items, and collects the results. Edge cases such as empty input are handled up front, and the final value is returned at the end.",
  "In short, it wraps a lower-level call with some input checking and error handling, so callers get a simpler interface. Consider adding tests for the boundary values.",
];

const GENERIC_CODE = [
  "```python\ndef process(items):\n    result = []\n    for item in items:\n        if item is None:\n            continue\n        result.append(item)\n    return result\n```",
  "```javascript\nfunction process(items) {\n  return items.filter((item) => item != null).map((item) => item);\n}\n```",
];

/** An answer that sounds right but is about nothing in particular. */
export function genericAnswer(wantsCode: boolean, random: SeededRandom): string {
  return random.pick(wantsCode ? GENERIC_CODE : GENERIC_PROSE);
}
