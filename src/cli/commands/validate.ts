import { findConfigFile } from "../../config/index.js";
import { ExitCode, formatPosition, type UserError, UserErrors } from "../../core/errors.js";
import { alignColumns } from "../../reports/index.js";
import { type CliIO, type Command, parseCommandArgs } from "../command.js";
import {
  type PairReport,
  type ProblemCode,
  type ValidationReport,
  validateConfig,
} from "./validate-checks.js";
import { validateDefinitionsTree } from "./validate-definitions.js";

const USAGE = [
  "evalgate validate [--config FILE] [--suite NAME] [--json]",
  "       evalgate validate --definitions DIR   (a whole prompt definitions tree, no config)",
].join("\n");

function status(pair: PairReport): string {
  if (pair.problems > 0) return `${pair.problems} problem(s)`;
  return pair.incompatibleAllowed ? "OK (incompatible, allowed)" : "OK";
}

export function formatSummary(report: ValidationReport): string {
  const lines: string[] = [`config: ${report.configFile}`];
  if (report.suites.length > 0) lines.push(`suites: ${report.suites.join(", ")}`);
  if (report.pairs.length > 0) {
    const rows = [
      ["feature", "model", "prompt file", "version", "examples", "status"],
      ...report.pairs.map((p) => [
        p.feature,
        p.model,
        p.promptFile ?? "-",
        p.version ?? "-",
        String(p.examplesChecked),
        status(p),
      ]),
    ];
    lines.push("", alignColumns(rows));
  }
  for (const warning of report.warnings) lines.push(`note: ${warning}`);
  return `${lines.join("\n")}\n`;
}

/** One problem for scripts: where it is, what kind of check found it, and the fix. */
export interface ProblemJson {
  file: string | null;
  line: number | null;
  column: number | null;
  code: ProblemCode;
  message: string;
}

export function problemJson(problem: UserError, code: ProblemCode): ProblemJson {
  const position = problem.position;
  const prefix = position ? `${formatPosition(position)}: ` : "";
  return {
    file: position?.file ?? null,
    line: position?.line ?? null,
    column: position?.column ?? null,
    code,
    message: problem.message.startsWith(prefix)
      ? problem.message.slice(prefix.length)
      : problem.message,
  };
}

function checkedCounts(report: ValidationReport): string {
  const renders = report.pairs.reduce((n, p) => n + p.examplesChecked, 0);
  return `${report.pairs.length} feature × model pair(s) in ${report.suites.length} suite(s), ${renders} example render(s) checked`;
}

/** `invalid: 5 problem(s) in 2 file(s) (3 dataset, 2 render); …` — one line, for CI logs. */
export function problemSummary(report: ValidationReport): string {
  const byCode = new Map<string, number>();
  const files = new Set<string>();
  for (const problem of report.problems) {
    const code = report.codes.get(problem) ?? "config";
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
    if (problem.position) files.add(problem.position.file);
  }
  const kinds = [...byCode].map(([code, n]) => `${n} ${code}`).join(", ");
  return `invalid: ${report.problems.length} problem(s) in ${files.size} file(s) (${kinds}); ${checkedCounts(report)}\n`;
}

export const validate: Command = {
  name: "validate",
  summary: "check config, catalog, prompts, datasets and evaluators together; list every problem",
  usage: USAGE,
  flags: [
    [
      "--config FILE",
      "entry configuration (default: the nearest evalgate.yaml, evalgate/evalgate.yaml or config/evalgate.yaml, walking up)",
    ],
    ["--suite NAME", "check only this suite (default: every suite)"],
    ["--definitions DIR", "check a whole prompt definitions tree, without a config"],
    ["--json", "print the problems as a JSON list [{file, line, column, code, message}] on stdout"],
  ],
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs({ name: "validate", usage: USAGE }, argv, {
      config: { type: "string" },
      suite: { type: "string" },
      definitions: { type: "string" },
      json: { type: "boolean" },
    });
    if (values.definitions !== undefined) return validateDefinitionsTree(values.definitions, io);
    const configFile = findConfigFile(io.cwd, values.config);
    const report = await validateConfig(configFile, { suite: values.suite, env: io.env });
    if (values.json) {
      // stdout holds the list and nothing else; the exit code says whether it is empty.
      const list = report.problems.map((p) => problemJson(p, report.codes.get(p) ?? "config"));
      io.out(`${JSON.stringify(list, null, 2)}\n`);
      return list.length > 0 ? ExitCode.usage : ExitCode.ok;
    }
    io.out(formatSummary(report));
    if (report.problems.length > 0) {
      io.out(problemSummary(report));
      throw new UserErrors(report.problems);
    }
    io.out(`valid: ${checkedCounts(report)}\n`);
    return ExitCode.ok;
  },
};
