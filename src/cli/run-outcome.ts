/**
 * How a finished `evalgate run` session ends: the one message on stderr that says why and
 * what to run next. The exit code is the report's own (src/reports/run-outcome.ts, which
 * `report` and `merge` use too), except that endpoints the circuit breaker took down make
 * the session exit 3 even when every pair still got enough scored examples.
 */
import { join } from "node:path";
import { ExitCode } from "../core/errors.js";
import { escapeControl } from "../core/terminal-text.js";
import { describeGateFailures, runExitCode, type writeRunReports } from "../reports/index.js";

export interface OutcomeInput {
  report: Awaited<ReturnType<typeof writeRunReports>>;
  interrupted: boolean;
  down: string[];
  breakAfter: number;
  rel: string;
  resumeCommand: string;
  noCache: boolean;
}

/** The exit code of a finished session, and what to tell the user on stderr. */
export function runOutcome(o: OutcomeInput): { code: number; message?: string } {
  const { report, rel, resumeCommand } = o;
  if (!report.complete) {
    return {
      code: ExitCode.incomplete,
      message: `evalgate run: the run is incomplete (${o.interrupted ? "interrupted" : "cells missing"}); finish it with: ${resumeCommand}\n`,
    };
  }
  if (o.down.length > 0) {
    return {
      code: ExitCode.incomplete,
      message: `evalgate run: endpoint(s) down: ${o.down.map((d) => escapeControl(d)).join(", ")}; after ${o.breakAfter} connection or auth failures in a row their remaining cells ended as endpoint_down without being sent. Fix the endpoint, then retry those cells with: ${resumeCommand}\n`,
    };
  }
  const code = runExitCode(report.outcome);
  const broken = report.outcome.couldNotEvaluate;
  if (report.outcome.kind === "could-not-evaluate") {
    const reasons = [...new Set(broken.flatMap((e) => Object.keys(e.reasons)))].join(", ");
    const models = [...new Set(broken.map((e) => e.model))].join(", ");
    // Error records are final, so --resume would not retry them: retry-errors does.
    const again = ` with: evalgate retry-errors ${rel}${o.noCache ? "" : " (calls that succeeded are replayed from the cache)"}`;
    return {
      code,
      message: `evalgate run: ${broken.length} feature × model pair(s) could not be evaluated because calls to ${models} failed (${reasons}); see the reasons in ${join(rel, "journal.jsonl")}, fix the endpoint, then run again${again}\n`,
    };
  }
  if (report.outcome.kind === "gate-failed") {
    return {
      code,
      message: `evalgate run: gate failed: ${describeGateFailures(report.gateOutcome.failures)}\n`,
    };
  }
  return { code };
}
