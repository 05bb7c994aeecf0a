import { escapeControl } from "../core/terminal-text.js";
import type { RunComparison } from "../scoring/index.js";
import { comparisonRowCells } from "./compare-format.js";
import { alignColumns } from "./text-columns.js";
import { formatRate } from "./verdict-table.js";

/** The short table `evalgate compare` prints. */
export function renderCompareTable(comparison: RunComparison): string {
  const ci = `${Math.round(comparison.confidence * 100)}% CI`;
  const header = ["feature", "base", "cand", "change", ci, "p", "n", "outcome"];
  const rows = comparison.features.map(comparisonRowCells);
  return `${alignColumns([header, ...rows])}\n`;
}

/**
 * What `compare --pairwise` prints under the table: each feature's tally, then what the judge
 * calls took (cache, requests sent, retries by cause, calls that still failed).
 */
export function renderPairwiseSummary(comparison: RunComparison): string {
  const lines: string[] = [];
  for (const f of comparison.features) {
    const p = f.pairwise;
    if (!p) continue;
    const consistent = p.consistencyRate === null ? "—" : formatRate(p.consistencyRate);
    lines.push(
      `pairwise ${f.feature}: cand wins ${p.candWins}, base wins ${p.baseWins}, ties ${p.ties}, unscored ${p.unscored}, failed ${p.failed}; position-consistent ${consistent}`,
    );
  }
  const c = comparison.pairwiseCalls;
  if (c) {
    const retries = Object.entries(c.retries).filter(([, n]) => (n ?? 0) > 0);
    const retried = retries.reduce((sum, [, n]) => sum + (n ?? 0), 0);
    const causes =
      retries.length > 0 ? ` (${retries.map(([k, n]) => `${n} ${k}`).join(", ")})` : "";
    const cache = c.cache.enabled
      ? `cache: ${c.cache.hits} hit(s), ${c.cache.misses} miss(es)`
      : "cache: off";
    const sim =
      c.simulatorRequests === undefined ? "" : ` · simulator: ${c.simulatorRequests} request(s)`;
    lines.push(
      `pairwise judge ${c.judge} (${escapeControl(c.endpoint)}): ${c.calls} call(s), ${c.cached} from the cache, ${c.requests} request(s) sent, ${retried} retr(ies)${causes}, ${c.failed} failed after retries · ${cache}${sim}`,
    );
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}
