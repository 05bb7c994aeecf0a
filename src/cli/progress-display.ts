import type { RunProgress } from "../runner/index.js";
import { EtaEstimator } from "./eta-estimate.js";

export type ProgressMode = "tty" | "lines" | "quiet";

function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "?";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, "0")}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** One progress line; `etaMs` defaults to the run loop's average-rate estimate. */
export function describeProgress(p: RunProgress, etaMs = p.etaMs): string {
  const finished = p.done + p.skipped;
  const total = p.total ?? finished;
  const pct = total > 0 ? Math.floor((finished / total) * 100) : 100;
  const paused =
    p.pausedForMs && p.pausedForMs > 0 ? ` | rate-limited, paused ${duration(p.pausedForMs)}` : "";
  const backoff =
    p.backoff && p.backoff.waiting > 0
      ? ` | ${p.backoff.waiting} retrying, longest backoff ${duration(p.backoff.longestWaitMs)}`
      : "";
  const stopping = p.stopping ? " | stopping: finishing in-flight cells" : "";
  return `${finished}/${total} cells (${pct}%) | ${p.ratePerSecond.toFixed(1)}/s | ETA ${duration(etaMs)} | errors ${p.errors} | unscored ${p.unscored}${paused}${backoff}${stopping}`;
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal, a plain line every
 * `intervalMs` in CI logs (which cannot redraw), nothing with --quiet.
 */
export function createProgressDisplay(
  mode: ProgressMode,
  write: (text: string) => void,
  intervalMs = 10_000,
  now: () => number = Date.now,
) {
  const eta = new EtaEstimator({ now });
  let lastEta: number | undefined;
  let last: RunProgress | undefined;
  let lastLineAt = 0;
  let drawn = false;
  return {
    update(p: RunProgress): void {
      last = p;
      if (mode === "quiet") return;
      lastEta = eta.estimate(p);
      const at = now();
      if (mode === "tty") {
        if (at - lastLineAt < 100) return;
        lastLineAt = at;
        const finished = p.done + p.skipped;
        const total = p.total ?? finished;
        const width = 24;
        const filled = total > 0 ? Math.round((finished / total) * width) : width;
        write(
          `\r\x1b[2K[${"#".repeat(filled)}${".".repeat(width - filled)}] ${describeProgress(p, lastEta)}`,
        );
        drawn = true;
      } else if (at - lastLineAt >= intervalMs) {
        lastLineAt = at;
        write(`progress: ${describeProgress(p, lastEta)}\n`);
      }
    },
    finish(): void {
      if (mode === "tty" && drawn) write(`\r\x1b[2K`);
      if (mode === "lines" && last) write(`progress: ${describeProgress(last, lastEta)}\n`);
    },
  };
}
