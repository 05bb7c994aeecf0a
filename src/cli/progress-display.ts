import type { RunProgress } from "../runner/index.js";

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

export function describeProgress(p: RunProgress): string {
  const finished = p.done + p.skipped;
  const total = p.total ?? finished;
  const pct = total > 0 ? Math.floor((finished / total) * 100) : 100;
  const backoff =
    p.backoff && p.backoff.waiting > 0
      ? ` | ${p.backoff.waiting} retrying, longest backoff ${duration(p.backoff.longestWaitMs)}`
      : "";
  const stopping = p.stopping ? " | stopping: finishing in-flight cells" : "";
  return `${finished}/${total} cells (${pct}%) | ${p.ratePerSecond.toFixed(1)}/s | ETA ${duration(p.etaMs)} | errors ${p.errors} | unscored ${p.unscored}${backoff}${stopping}`;
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal, a plain line every
 * `intervalMs` in CI logs (which cannot redraw), nothing with --quiet.
 */
export function createProgressDisplay(
  mode: ProgressMode,
  write: (text: string) => void,
  intervalMs = 10_000,
) {
  let last: RunProgress | undefined;
  let lastLineAt = 0;
  let drawn = false;
  return {
    update(p: RunProgress): void {
      last = p;
      if (mode === "quiet") return;
      const now = Date.now();
      if (mode === "tty") {
        if (now - lastLineAt < 100) return;
        lastLineAt = now;
        const finished = p.done + p.skipped;
        const total = p.total ?? finished;
        const width = 24;
        const filled = total > 0 ? Math.round((finished / total) * width) : width;
        write(
          `\r\x1b[2K[${"#".repeat(filled)}${".".repeat(width - filled)}] ${describeProgress(p)}`,
        );
        drawn = true;
      } else if (now - lastLineAt >= intervalMs) {
        lastLineAt = now;
        write(`progress: ${describeProgress(p)}\n`);
      }
    },
    finish(): void {
      if (mode === "tty" && drawn) write(`\r\x1b[2K`);
      if (mode === "lines" && last) write(`progress: ${describeProgress(last)}\n`);
    },
  };
}
