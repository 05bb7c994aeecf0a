/**
 * metrics.txt for GitLab's metrics report: OpenMetrics text, one gauge line per (feature,
 * model) for the pass rate and each end of its interval, 4 decimals so that GitLab's string
 * comparison of the same value across pipelines never flickers.
 *
 * GitLab reads each line by deleting everything from `#` on and shell-splitting the rest
 * (Gitlab::Ci::Parsers::Metrics::Generic): a `#`, a space or a quote inside a label value
 * would cut the name. So label values keep only characters that survive that reading.
 */
import type { MatrixEntry } from "../scoring/index.js";

export const METRICS_FILE = "metrics.txt";

const FAMILIES = [
  {
    name: "evalgate_pass_rate",
    help: "Share of scored responses the judge rated 3 or 4.",
    value: (e: MatrixEntry) => e.passRate,
  },
  {
    name: "evalgate_pass_rate_interval_low",
    help: "Lower end of the pass rate's 95% interval.",
    value: (e: MatrixEntry) => e.interval?.low ?? null,
  },
  {
    name: "evalgate_pass_rate_interval_high",
    help: "Upper end of the pass rate's 95% interval.",
    value: (e: MatrixEntry) => e.interval?.high ?? null,
  },
] as const;

/**
 * Whitespace, `#`, quotes, backslashes, shell metacharacters and OpenMetrics' own label
 * syntax (`{`, `}`, `,`, `=`) become `_`; what remains needs no escaping in either reader.
 */
export function sanitizeLabelValue(value: string): string {
  return value.replace(/[\s#"'`\\$,={}();&|<>*?![\]~\p{Cc}]/gu, "_");
}

function labels(e: MatrixEntry): string {
  return `{feature="${sanitizeLabelValue(e.feature)}",model="${sanitizeLabelValue(e.model)}"}`;
}

/** Pairs with nothing scored have no rate: they are left out rather than written as 0. */
export function renderOpenMetrics(entries: readonly MatrixEntry[]): string {
  const lines: string[] = [];
  for (const family of FAMILIES) {
    lines.push(`# HELP ${family.name} ${family.help}`);
    lines.push(`# TYPE ${family.name} gauge`);
    for (const e of entries) {
      const value = family.value(e);
      if (value === null) continue;
      lines.push(`${family.name}${labels(e)} ${value.toFixed(4)}`);
    }
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}
