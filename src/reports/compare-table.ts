import type { RunComparison } from "../scoring/index.js";
import { comparisonRowCells } from "./compare-format.js";
import { alignColumns } from "./text-columns.js";

/** The short table `evalgate compare` prints. */
export function renderCompareTable(comparison: RunComparison): string {
  const ci = `${Math.round(comparison.confidence * 100)}% CI`;
  const header = ["feature", "base", "cand", "change", ci, "p", "n", "outcome"];
  const rows = comparison.features.map(comparisonRowCells);
  return `${alignColumns([header, ...rows])}\n`;
}
