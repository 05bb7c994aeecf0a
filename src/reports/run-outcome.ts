/**
 * What a run's results amount to, in one place, so the exit code, the console and summary.md
 * never disagree: a run whose calls failed "could not evaluate" (exit 3), one with too few
 * scored examples is "not enough scored examples", and only a real low rate is "below
 * threshold". A shard never gates: its slice of the examples is not the run's verdict.
 */
import { ExitCode } from "../core/errors.js";
import type { GateOutcome, MatrixEntry } from "../scoring/index.js";

export type RunOutcomeKind =
  | "incomplete"
  | "could-not-evaluate"
  | "gate-failed"
  | "gate-passed"
  | "report-only"
  | "shard";

export interface RunOutcome {
  kind: RunOutcomeKind;
  /** Pairs that are `insufficient` because their calls failed (more errors than unscored). */
  couldNotEvaluate: MatrixEntry[];
  /** Gated pairs below the threshold (red, or yellow when yellow does not pass). */
  belowThreshold: MatrixEntry[];
  /** Gated pairs `insufficient` for want of scored examples (not because calls failed). */
  notEnoughScored: MatrixEntry[];
}

export interface RunOutcomeInput {
  entries: readonly MatrixEntry[];
  gateOutcome: GateOutcome;
  complete: boolean;
  /** Whether the suite gates (run.json `gate`). */
  gate: boolean;
  /** `I/N` when the folder holds one shard. */
  shard?: string | undefined;
}

export function couldNotEvaluate(entry: MatrixEntry): boolean {
  return entry.verdict === "insufficient" && entry.errors > entry.unscored;
}

export function runOutcome(input: RunOutcomeInput): RunOutcome {
  const broken = input.entries.filter(couldNotEvaluate);
  const failures = input.gateOutcome.failures.filter((f) => !couldNotEvaluate(f));
  const belowThreshold = failures.filter((f) => f.verdict !== "insufficient");
  const notEnoughScored = failures.filter((f) => f.verdict === "insufficient");
  const kind: RunOutcomeKind = !input.complete
    ? "incomplete"
    : broken.length > 0
      ? "could-not-evaluate"
      : input.shard !== undefined
        ? "shard"
        : input.gateOutcome.failed
          ? "gate-failed"
          : input.gate
            ? "gate-passed"
            : "report-only";
  return { kind, couldNotEvaluate: broken, belowThreshold, notEnoughScored };
}

/** 3 when cells could not run (a shard's own included), 1 for a failed gate, else 0. */
export function runExitCode(outcome: RunOutcome): ExitCode {
  if (outcome.kind === "incomplete" || outcome.kind === "could-not-evaluate") {
    return ExitCode.incomplete;
  }
  return outcome.kind === "gate-failed" ? ExitCode.gateFailed : ExitCode.ok;
}

/** `feature × model (verdict)` for each failure, as the CLI's gate messages list them. */
export function describeGateFailures(failures: readonly MatrixEntry[]): string {
  return failures.map((f) => `${f.feature} × ${f.model} (${f.verdict})`).join(", ");
}
