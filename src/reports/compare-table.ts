import type { RunComparison } from "../scoring/index.js";
import {
  formatChange,
  formatChangeInterval,
  formatPValue,
  formatSide,
  outcomeWord,
} from "./compare-format.js";
import { alignColumns } from "./text-columns.js";

/** The short table `evalgate compare` prints. */
export function renderCompareTable(comparison: RunComparison): string {
  const ci = `${Math.round(comparison.confidence * 100)}% CI`;
  const header = ["feature", "base", "cand", "change", ci, "p", "n", "outcome"];
  const rows = comparison.features.map((f) => [
    f.feature,
    `${f.base.model} ${formatSide(f.base)}`,
    `${f.cand.model} ${formatSide(f.cand)}`,
    formatChange(f),
    formatChangeInterval(f),
    formatPValue(f.change?.pValue),
    String(f.paired),
    outcomeWord(f),
  ]);
  return `${alignColumns([header, ...rows])}\n`;
}
