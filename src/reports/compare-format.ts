/** Wording shared by the comparison's console table, Markdown and HTML. */
import type { FeatureComparison, RunSide } from "../scoring/index.js";
import { formatRate } from "./verdict-table.js";

/** A difference of rates in percentage points, signed: `-12.5`. */
export function formatPoints(value: number): string {
  const points = value * 100;
  return `${points > 0 ? "+" : ""}${points.toFixed(1)}`;
}

export function formatChange(f: FeatureComparison): string {
  if (!f.change) return "—";
  return `${formatPoints(f.change.difference)} pts`;
}

export function formatChangeInterval(f: FeatureComparison): string {
  if (!f.change) return "—";
  return `${formatPoints(f.change.low)} to ${formatPoints(f.change.high)}`;
}

export function formatPValue(p: number | undefined): string {
  if (p === undefined) return "—";
  return p < 0.001 ? "<0.001" : p.toFixed(3);
}

export function formatSide(side: RunSide): string {
  return `${formatRate(side.passRate)} ${side.verdict ?? "—"}`;
}

export function formatUsd(usd: number | null): string {
  return usd === null ? "—" : `$${usd.toFixed(4)}`;
}

export function formatMs(ms: number | null): string {
  return ms === null ? "—" : `${Math.round(ms)} ms`;
}

/** `+12%` style relative change, or the absolute values when one side is missing. */
export function formatRelative(base: number | null, cand: number | null): string {
  if (base === null || cand === null) return "—";
  if (base === 0) return cand === 0 ? "±0%" : "new";
  const pct = ((cand - base) / base) * 100;
  return `${pct > 0 ? "+" : ""}${pct.toFixed(0)}%`;
}

/** What the reviewer should conclude, in words. */
export function outcomeWord(f: FeatureComparison): string {
  if (!f.change) return "not scored";
  if (f.regressed) return "REGRESSED";
  if (f.change.low > 0) return "improved";
  return "no significant change";
}

/** One feature's row of the comparison table, as both the console and compare.md show it. */
export function comparisonRowCells(f: FeatureComparison): string[] {
  return [
    f.feature,
    `${f.base.model} ${formatSide(f.base)}`,
    `${f.cand.model} ${formatSide(f.cand)}`,
    formatChange(f),
    formatChangeInterval(f),
    formatPValue(f.change?.pValue),
    String(f.paired),
    outcomeWord(f),
  ];
}
