/**
 * summary.md, the merge-request note: an honest headline, the feature × model grid (each row
 * naming its judge), what changed against a baseline run, and the worst examples folded in
 * <details>. Everything taken from data is escaped (markdown-text.ts), and the note stays
 * far below GitLab's 1,000,000-character limit: past SUMMARY_SIZE_LIMIT bytes the worst
 * examples are cut first, and the note says so.
 */
import type { GateOutcome, MatrixEntry } from "../scoring/index.js";
import { type BaselineChange, baselineChanges } from "./baseline-changes.js";
import { escapeMarkdownText as md } from "./markdown-text.js";
import { runOutcome } from "./run-outcome.js";
import { formatInterval, formatRate, judgeLabel } from "./verdict-table.js";
import { WORST_EXAMPLES_PER_PAIR, type WorstExample } from "./worst-examples.js";

/** Hidden marker by which the note is found again and updated (not duplicated) on an MR. */
export const SUMMARY_MARKER = "<!-- evalgate:summary -->";
/** Bytes; GitLab accepts notes up to 1,000,000 characters. */
export const SUMMARY_SIZE_LIMIT = 100_000;

export interface SummaryContext {
  runId: string;
  suite: string;
  startedAt: string;
  finishedAt: string | null;
  complete: boolean;
  gate: boolean;
  gateOutcome: GateOutcome;
  /** Command to resume when the run is incomplete. */
  resumeCommand?: string;
  /** `I/N` when this folder holds one shard of a sharded run. */
  shard?: string;
  /** A baseline run to compare with (report --baseline-dir). */
  baseline?: { runId: string; entries: readonly MatrixEntry[] };
  /** The worst failing examples of a pair, worst first. */
  worstExamples?: (feature: string, model: string) => readonly WorstExample[];
  /** Byte budget of the note (default SUMMARY_SIZE_LIMIT). */
  sizeLimit?: number;
}

const LIGHT: Record<MatrixEntry["verdict"], string> = {
  green: "🟢",
  yellow: "🟡",
  red: "🔴",
  insufficient: "⚪",
};

function pairs(list: readonly MatrixEntry[]): string {
  return list.map((e) => `${md(e.feature)} × ${md(e.model)}`).join(", ");
}

function headline(entries: readonly MatrixEntry[], ctx: SummaryContext): string[] {
  const lines = outcomeLines(entries, ctx);
  // A shard that could not run says so first; the reminder that it is a shard still holds.
  if (ctx.shard && !lines[0]!.includes("**Shard")) {
    lines.push(
      `This folder is shard ${md(ctx.shard)}; \`evalgate merge\` over all shard folders gives the verdict.`,
    );
  }
  return lines;
}

function outcomeLines(entries: readonly MatrixEntry[], ctx: SummaryContext): string[] {
  const outcome = runOutcome({ ...ctx, entries });
  switch (outcome.kind) {
    case "incomplete":
      return [
        "⚠️ **Incomplete run**: some planned cells have no result, so there is no verdict yet.",
        ...(ctx.resumeCommand ? [`Resume with \`${ctx.resumeCommand}\`.`] : []),
      ];
    case "could-not-evaluate": {
      const reasons = [
        ...new Set(outcome.couldNotEvaluate.flatMap((e) => Object.keys(e.reasons))),
      ].join(", ");
      return [
        `❌ **Could not evaluate** ${outcome.couldNotEvaluate.length} feature × model pair(s): their calls failed (${md(reasons)}). This says nothing about the models' quality; fix the endpoint and run again.`,
        `Not evaluated: ${pairs(outcome.couldNotEvaluate)}.`,
      ];
    }
    case "shard":
      return [
        `🧩 **Shard ${md(ctx.shard ?? "")}** of a sharded run: these rates cover only this shard's examples and do not gate. \`evalgate merge\` over all shard folders gives the verdict.`,
      ];
    case "gate-failed": {
      const parts = [
        ...(outcome.belowThreshold.length > 0
          ? [
              `${outcome.belowThreshold.length} gated feature × model pair(s) below threshold (${pairs(outcome.belowThreshold)})`,
            ]
          : []),
        ...(outcome.notEnoughScored.length > 0
          ? [
              `${outcome.notEnoughScored.length} gated pair(s) with not enough scored examples for a verdict (${pairs(outcome.notEnoughScored)})`,
            ]
          : []),
      ];
      return [`❌ **Gate failed**: ${parts.join("; ")}.`];
    }
    case "gate-passed":
      return ["✅ **Gate passed**."];
    case "report-only": {
      const thin = entries.filter((e) => e.verdict === "insufficient");
      return [
        `ℹ️ Report only (this suite does not gate).${thin.length > 0 ? ` ${thin.length} pair(s) have not enough scored examples for a verdict.` : ""}`,
      ];
    }
  }
}

function ordered<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/**
 * The row's judge; where some models had another (the model under test never judges itself),
 * those are named after it: `a (b for m1, m2)`.
 */
function judgeOfRow(row: readonly MatrixEntry[]): string {
  const byLabel = new Map<string, string[]>();
  for (const e of row) byLabel.set(judgeLabel(e), [...(byLabel.get(judgeLabel(e)) ?? []), e.model]);
  const [main, ...others] = [...byLabel.entries()].sort((a, b) => b[1].length - a[1].length);
  const exceptions = others.map(
    ([label, models]) => `${md(label)} for ${models.map(md).join(", ")}`,
  );
  return `${md(main![0])}${exceptions.length > 0 ? ` (${exceptions.join("; ")})` : ""}`;
}

function gridCell(e: MatrixEntry | undefined): string {
  if (!e) return "";
  const interval = e.interval ? ` (${formatInterval(e)})` : "";
  return `${LIGHT[e.verdict]} ${formatRate(e.passRate)}${interval}`;
}

function grid(entries: readonly MatrixEntry[]): string[] {
  const features = ordered(entries.map((e) => e.feature));
  const models = ordered(entries.map((e) => e.model));
  const at = new Map(entries.map((e) => [`${e.feature}\u0000${e.model}`, e]));
  const lines = [
    `| feature | judge | threshold | ${models.map(md).join(" | ")} |`,
    `|---|---|---:|${models.map(() => ":-:").join("|")}|`,
  ];
  for (const f of features) {
    const row = entries.filter((e) => e.feature === f);
    lines.push(
      `| ${md(f)} | ${judgeOfRow(row)} | ${formatRate(row[0]!.threshold)} | ${models.map((m) => gridCell(at.get(`${f}\u0000${m}`))).join(" | ")} |`,
    );
  }
  lines.push("");
  lines.push(
    "🟢 meets the threshold · 🟡 within the yellow band below it · 🔴 below · ⚪ not enough scored examples. Each cell: pass rate (95% interval).",
  );
  const notScored = entries.filter((e) => e.unscored + e.errors + e.missing > 0);
  if (notScored.length > 0) {
    lines.push("");
    lines.push("Cells without a score (never counted in a rate):");
    for (const e of notScored) {
      const reasons = Object.entries(e.reasons)
        .map(([r, n]) => `${md(r)} ${n}`)
        .join(", ");
      lines.push(
        `- ${md(e.feature)} × ${md(e.model)}: ${e.unscored} unscored, ${e.errors} errors${e.missing > 0 ? `, ${e.missing} missing` : ""}${reasons ? ` (${reasons})` : ""}`,
      );
    }
  }
  return lines;
}

function changeLine(c: BaselineChange): string {
  const pair = `${md(c.feature)} | ${md(c.model)}`;
  if (!c.before)
    return `| ${pair} | — | ${formatRate(c.after!.passRate)} | new | — → ${LIGHT[c.after!.verdict]} ${c.after!.verdict} |`;
  if (!c.after)
    return `| ${pair} | ${formatRate(c.before.passRate)} | — | not run | ${LIGHT[c.before.verdict]} ${c.before.verdict} → — |`;
  const delta =
    c.difference === null
      ? "—"
      : `${c.difference >= 0 ? "+" : "−"}${Math.abs(c.difference * 100).toFixed(1)} pts`;
  const mark = c.direction === "regressed" ? " ⬇️" : c.direction === "improved" ? " ⬆️" : "";
  return `| ${pair} | ${formatRate(c.before.passRate)} | ${formatRate(c.after.passRate)} | ${delta} | ${LIGHT[c.before.verdict]} ${c.before.verdict} → ${LIGHT[c.after.verdict]} ${c.after.verdict}${mark} |`;
}

function baselineSection(entries: readonly MatrixEntry[], ctx: SummaryContext): string[] {
  if (!ctx.baseline) return [];
  const changes = baselineChanges(ctx.baseline.entries, entries);
  const regressed = changes.filter((c) => c.direction === "regressed").length;
  const improved = changes.filter((c) => c.direction === "improved").length;
  return [
    "",
    "### What changed against the baseline",
    "",
    `Baseline run \`${md(ctx.baseline.runId)}\`: ${regressed} verdict(s) worse, ${improved} better. Plain difference of pass rates; \`evalgate compare\` gives paired intervals.`,
    "",
    "| feature | model | before | after | change | verdict |",
    "|---|---|---:|---:|---:|---|",
    ...changes.map(changeLine),
  ];
}

function worstSection(
  entries: readonly MatrixEntry[],
  ctx: SummaryContext,
  perPair: number,
): string[] {
  if (!ctx.worstExamples || perPair === 0) return [];
  const lines: string[] = [];
  for (const e of entries) {
    const worst = ctx.worstExamples(e.feature, e.model).slice(0, perPair);
    if (worst.length === 0) continue;
    lines.push(
      "",
      `<details><summary>${md(e.feature)} × ${md(e.model)}: ${worst.length} lowest-scored example(s)</summary>`,
      "",
      "| example | score | judge | judge's reasoning |",
      "|---|---:|---|---|",
      ...worst.map(
        (w) =>
          `| ${md(w.exampleId)}${w.repeat > 0 ? ` #${w.repeat}` : ""} | ${w.score} | ${md(w.judge ?? "—")} | ${md(w.reasoning) || "—"} |`,
      ),
      "",
      "</details>",
    );
  }
  return lines.length > 0 ? ["", "### Worst examples", ...lines] : [];
}

function render(
  entries: readonly MatrixEntry[],
  ctx: SummaryContext,
  perPair: number,
  cut: boolean,
): string {
  const lines = [
    SUMMARY_MARKER,
    `## evalgate: ${md(ctx.suite)}`,
    "",
    ...headline(entries, ctx),
    "",
    ...grid(entries),
    ...baselineSection(entries, ctx),
    ...worstSection(entries, ctx, perPair),
    "",
    ...(cut
      ? [
          `_Worst examples ${perPair === 0 ? "left out" : `cut to ${perPair} per pair`} to keep this note under ${Math.round((ctx.sizeLimit ?? SUMMARY_SIZE_LIMIT) / 1000)} KB; journal.jsonl has every example._`,
          "",
        ]
      : []),
    `Pass rate = share of scored responses the judge rated 3 or 4. Run \`${md(ctx.runId)}\`, started ${md(ctx.startedAt)}${ctx.finishedAt ? `, finished ${md(ctx.finishedAt)}` : ""}.`,
  ];
  return `${lines.join("\n")}\n`;
}

/** The note; worst examples shrink (5, 3, 1, none) until it fits the byte budget. */
export function renderSummaryMarkdown(
  entries: readonly MatrixEntry[],
  ctx: SummaryContext,
): string {
  const limit = ctx.sizeLimit ?? SUMMARY_SIZE_LIMIT;
  let text = render(entries, ctx, WORST_EXAMPLES_PER_PAIR, false);
  for (const perPair of [3, 1, 0]) {
    if (Buffer.byteLength(text) <= limit) return text;
    text = render(entries, ctx, perPair, true);
  }
  if (Buffer.byteLength(text) <= limit) return text;
  // Only a grid of thousands of pairs gets here: cut it, and say where the rest is.
  const note = "\n\n_This note was cut to fit; run.json has the whole matrix._\n";
  const budget = limit - Buffer.byteLength(note);
  let cutText = text.slice(0, budget);
  while (Buffer.byteLength(cutText) > budget) cutText = cutText.slice(0, -100);
  return `${cutText.slice(0, cutText.lastIndexOf("\n"))}${note}`;
}
