/**
 * `compare.md`: the migration review as a Markdown note (fits an MR comment). Responses and
 * judge reasoning are untrusted text: they go into fenced blocks longer than any backtick run
 * inside them, so they can neither render as HTML nor mention (ping) anyone.
 */
import type {
  ChangedExample,
  ExampleSide,
  FeatureComparison,
  RunComparison,
} from "../scoring/index.js";
import { comparisonRowCells, formatMs, formatRelative, formatUsd } from "./compare-format.js";

/** At most this many changed examples per list; the rest are in compare.json. */
export const MARKDOWN_EXAMPLES_PER_LIST = 10;
const MAX_TEXT = 2000;

function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}

function clip(text: string | undefined): string {
  if (text === undefined || text === "") return "(none recorded)";
  return text.length > MAX_TEXT
    ? `${text.slice(0, MAX_TEXT)}… (${text.length - MAX_TEXT} more characters)`
    : text;
}

function sideBlock(label: string, model: string, s: ExampleSide): string {
  return [
    `**${label}** (${model}) — score ${s.score ?? "—"}${s.judge ? ` by ${s.judge}` : ""}`,
    "",
    fenced(clip(s.response)),
    "",
    "Judge:",
    "",
    fenced(clip(s.judgeExplanation)),
  ].join("\n");
}

function examplesSection(title: string, f: FeatureComparison, list: ChangedExample[]): string[] {
  if (list.length === 0) return [];
  const shown = list.slice(0, MARKDOWN_EXAMPLES_PER_LIST);
  const lines = [`#### ${title} (${list.length})`, ""];
  for (const e of shown) {
    lines.push(
      `<details><summary>${escapeHtml(e.exampleId)}${e.repeat > 0 ? ` (repeat ${e.repeat})` : ""}: ${e.base.score ?? "—"} → ${e.cand.score ?? "—"}</summary>`,
      "",
      sideBlock("base", f.base.model, e.base),
      "",
      sideBlock("cand", f.cand.model, e.cand),
      "",
      "</details>",
      "",
    );
  }
  if (list.length > shown.length)
    lines.push(`…and ${list.length - shown.length} more in compare.json.`, "");
  return lines;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@/g, "&#64;");
}

function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

export function renderCompareMarkdown(comparison: RunComparison): string {
  const ci = `${Math.round(comparison.confidence * 100)}% CI`;
  const regressed = comparison.features.filter((f) => f.regressed).map((f) => f.feature);
  const lines = [
    "## evalgate compare",
    "",
    `Base: \`${comparison.baseDir}\` · candidate: \`${comparison.candDir}\``,
    "",
    regressed.length > 0
      ? `**Regressed:** ${regressed.join(", ")} (the paired interval lies wholly below the tolerance).`
      : "**No feature regressed significantly.**",
    "",
    row(["feature", "base", "cand", "change", ci, "p (McNemar)", "pairs", "outcome"]),
    row(["---", "---", "---", "---:", "---", "---:", "---:", "---"]),
    ...comparison.features.map((f) => row(comparisonRowCells(f))),
    "",
    "### Cost and latency (paired cells)",
    "",
    row([
      "feature",
      "cost base",
      "cost cand",
      "Δ cost",
      "p50 base",
      "p50 cand",
      "p95 base",
      "p95 cand",
    ]),
    row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
    ...comparison.features.map((f) =>
      row([
        f.feature,
        formatUsd(f.base.costUsd),
        formatUsd(f.cand.costUsd),
        formatRelative(f.base.costUsd, f.cand.costUsd),
        formatMs(f.base.latencyP50Ms),
        formatMs(f.cand.latencyP50Ms),
        formatMs(f.base.latencyP95Ms),
        formatMs(f.cand.latencyP95Ms),
      ]),
    ),
    "",
  ];
  const pairwise = comparison.features.filter((f) => f.pairwise);
  if (pairwise.length > 0) {
    lines.push(
      "### Pairwise judging (both orders; a win must survive the swap)",
      "",
      row([
        "feature",
        "judge",
        "cand wins",
        "base wins",
        "ties",
        "unscored",
        "position-consistent",
        "judge call failed",
      ]),
      row(["---", "---", "---:", "---:", "---:", "---:", "---:", "---:"]),
      ...pairwise.map((f) => {
        const p = f.pairwise!;
        return row([
          f.feature,
          p.judge,
          String(p.candWins),
          String(p.baseWins),
          String(p.ties),
          String(p.unscored),
          p.consistencyRate === null ? "—" : `${(p.consistencyRate * 100).toFixed(1)}%`,
          String(p.failed),
        ]);
      }),
      "",
    );
  }
  for (const w of comparison.warnings) lines.push(`> warning: ${w}`, "");
  for (const f of comparison.features) {
    if (f.regressions.length + f.improvements.length === 0) continue;
    lines.push(`### ${f.feature}`, "");
    lines.push(...examplesSection("Regressed (pass → fail)", f, f.regressions));
    lines.push(...examplesSection("Improved (fail → pass)", f, f.improvements));
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
