/**
 * gl-code-quality-report.json: GitLab Code Quality issues that point at the prompt definition
 * file of every (feature, model) that went red or insufficient, or whose verdict got worse
 * than the baseline's, so the merge request's diff marks the prompt that needs work. Fields
 * as GitLab's Code Quality docs name them: description, check_name, fingerprint, severity,
 * location.path (relative to the repository root), location.lines.begin.
 */
import { existsSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { sha256Hex } from "../core/hashing.js";
import type { MatrixEntry } from "../scoring/index.js";
import { baselineChanges } from "./baseline-changes.js";
import { couldNotEvaluate } from "./run-outcome.js";
import { formatInterval, formatRate } from "./verdict-table.js";

export const CODE_QUALITY_FILE = "gl-code-quality-report.json";

export type CodeQualitySeverity = "info" | "minor" | "major" | "critical" | "blocker";

export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: CodeQualitySeverity;
  location: { path: string; lines: { begin: number } };
}

export interface CodeQualityInput {
  entries: readonly MatrixEntry[];
  /** feature → model → the file the issue points at (already repository-relative). */
  fileOf: (feature: string, model: string) => string | undefined;
  baseline?: { runId: string; entries: readonly MatrixEntry[] };
}

function pairName(e: MatrixEntry): string {
  return `${e.feature} × ${e.model}`;
}

function rateText(e: MatrixEntry): string {
  return `pass rate ${formatRate(e.passRate)}${e.interval ? ` (95% interval ${formatInterval(e)})` : ""} against a threshold of ${formatRate(e.threshold)}`;
}

function judged(e: MatrixEntry): string {
  return e.judges.length > 0 ? `, judged by ${e.judges.join(", ")}` : "";
}

function issueFor(
  e: MatrixEntry,
  regressedFrom: MatrixEntry | undefined,
  baselineRun: string | undefined,
): Omit<CodeQualityIssue, "location" | "fingerprint"> | undefined {
  const regression = regressedFrom
    ? ` It was ${regressedFrom.verdict} (${formatRate(regressedFrom.passRate)}) in the baseline run ${baselineRun}.`
    : "";
  if (couldNotEvaluate(e)) {
    return {
      check_name: "evalgate/could-not-evaluate",
      severity: "major",
      description: `evalgate: ${pairName(e)} could not be evaluated: ${e.errors} of ${e.n} calls failed (${Object.keys(e.reasons).join(", ")}).${regression}`,
    };
  }
  if (e.verdict === "red") {
    return {
      check_name: "evalgate/red",
      severity: e.gated ? "critical" : "major",
      description: `evalgate: ${pairName(e)} is red: ${rateText(e)}${judged(e)}.${regression}`,
    };
  }
  if (e.verdict === "insufficient") {
    return {
      check_name: "evalgate/insufficient",
      severity: "minor",
      description: `evalgate: ${pairName(e)} has not enough scored examples for a verdict (${e.scoredExamples} scored examples, ${e.scored} of ${e.n} cells scored; needs ${e.minScored} examples); threshold ${formatRate(e.threshold)}.${regression}`,
    };
  }
  if (regressedFrom) {
    return {
      check_name: "evalgate/regressed",
      severity: "minor",
      description: `evalgate: ${pairName(e)} regressed from ${regressedFrom.verdict} (${formatRate(regressedFrom.passRate)}) in the baseline run ${baselineRun} to ${e.verdict}: ${rateText(e)}${judged(e)}.`,
    };
  }
  return undefined;
}

export function codeQualityIssues(input: CodeQualityInput): CodeQualityIssue[] {
  const regressed = new Map<string, MatrixEntry>();
  if (input.baseline) {
    for (const c of baselineChanges(input.baseline.entries, input.entries)) {
      if (c.direction === "regressed") regressed.set(`${c.feature}\u0000${c.model}`, c.before!);
    }
  }
  const issues: CodeQualityIssue[] = [];
  for (const e of input.entries) {
    const path = input.fileOf(e.feature, e.model);
    if (path === undefined) continue;
    const issue = issueFor(e, regressed.get(`${e.feature}\u0000${e.model}`), input.baseline?.runId);
    if (!issue) continue;
    issues.push({
      description: issue.description,
      check_name: issue.check_name,
      // Stable across runs for the same finding, so GitLab can tell new issues from fixed ones.
      fingerprint: sha256Hex(
        `evalgate\u0000${issue.check_name}\u0000${e.feature}\u0000${e.model}`,
      ).slice(0, 32),
      severity: issue.severity,
      location: { path, lines: { begin: 1 } },
    });
  }
  return issues;
}

export function renderCodeQualityReport(input: CodeQualityInput): string {
  return `${JSON.stringify(codeQualityIssues(input), null, 2)}\n`;
}

/** The nearest folder at or above `from` holding `.git` (a folder, or a file in a worktree). */
export function findRepositoryRoot(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, ".git"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `file` relative to the repository holding it, else to `cwd`, with `/` separators. */
export function repositoryPath(file: string, cwd: string): string {
  const root = findRepositoryRoot(dirname(file)) ?? cwd;
  return relative(root, file).split(sep).join("/");
}
