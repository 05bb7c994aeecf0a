import type { MatrixEntry } from "../scoring/index.js";
import { alignColumns } from "./text-columns.js";

// The same words as run.json and summary.md: "n/a" beside a pass rate read as "not gated".
const LIGHT: Record<MatrixEntry["verdict"], string> = {
  green: "green",
  yellow: "yellow",
  red: "red",
  insufficient: "insufficient",
};

export function formatRate(rate: number | null): string {
  return rate === null ? "—" : `${(rate * 100).toFixed(1)}%`;
}

export function formatInterval(entry: MatrixEntry): string {
  if (!entry.interval) return "—";
  return `${(entry.interval.low * 100).toFixed(0)}–${(entry.interval.high * 100).toFixed(0)}%`;
}

/** Who scored a pair: its judge, `jury: a, b` when several did, `—` before any record. */
export function judgeLabel(entry: MatrixEntry): string {
  if (entry.judges.length === 0) return "—";
  return entry.judges.length === 1 ? entry.judges[0]! : `jury: ${entry.judges.join(", ")}`;
}

/** The compact plain-text verdict table printed at the end of a run. */
export function renderVerdictTable(entries: readonly MatrixEntry[]): string {
  const header = [
    "feature",
    "model",
    "verdict",
    "pass",
    "95% CI",
    "scored",
    "unscored",
    "errors",
    "judge",
  ];
  const rows = entries.map((e) => [
    e.feature,
    e.model,
    LIGHT[e.verdict],
    formatRate(e.passRate),
    formatInterval(e),
    `${e.scored}/${e.n}`,
    String(e.unscored),
    String(e.errors),
    judgeLabel(e),
  ]);
  return `${alignColumns([header, ...rows])}\n`;
}
