import type { GateOutcome, MatrixEntry } from "../scoring/index.js";
import { formatInterval, formatRate } from "./verdict-table.js";

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
}

const EMOJI: Record<MatrixEntry["verdict"], string> = {
  green: "🟢 green",
  yellow: "🟡 yellow",
  red: "🔴 red",
  insufficient: "⚪ insufficient",
};

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Short Markdown note for a merge request: status line, then the matrix as a table. */
export function renderSummaryMarkdown(
  entries: readonly MatrixEntry[],
  ctx: SummaryContext,
): string {
  const lines: string[] = [];
  lines.push(`## evalgate: ${ctx.suite}`);
  lines.push("");
  const status = !ctx.complete
    ? "⚠️ **Incomplete run**: some planned cells have no result."
    : ctx.gate
      ? ctx.gateOutcome.failed
        ? `❌ **Gate failed**: ${ctx.gateOutcome.failures.length} gated feature × model pair(s) below threshold.`
        : "✅ **Gate passed**."
      : "ℹ️ Report only (this suite does not gate).";
  lines.push(status);
  if (!ctx.complete && ctx.resumeCommand) lines.push(`Resume with \`${ctx.resumeCommand}\`.`);
  lines.push("");
  lines.push(
    "| feature | model | verdict | pass rate | 95% CI | threshold | scored | unscored | errors |",
  );
  lines.push("|---|---|---|---:|---:|---:|---:|---:|---:|");
  for (const e of entries) {
    lines.push(
      `| ${escapeCell(e.feature)} | ${escapeCell(e.model)} | ${EMOJI[e.verdict]} | ${formatRate(e.passRate)} | ${formatInterval(e)} | ${formatRate(e.threshold)} | ${e.scored}/${e.n} | ${e.unscored} | ${e.errors} |`,
    );
  }
  lines.push("");
  lines.push(
    `Pass rate = share of scored responses the judge rated 3 or 4. Run \`${ctx.runId}\`, started ${ctx.startedAt}${ctx.finishedAt ? `, finished ${ctx.finishedAt}` : ""}.`,
  );
  return `${lines.join("\n")}\n`;
}
