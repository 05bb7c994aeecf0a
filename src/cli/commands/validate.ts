import { resolve } from "node:path";
import { ExitCode, UserErrors } from "../../core/errors.js";
import { alignColumns } from "../../reports/index.js";
import { type CliIO, type Command, parseCommandArgs } from "../command.js";
import { type PairReport, type ValidationReport, validateConfig } from "./validate-checks.js";
import { validateDefinitionsTree } from "./validate-definitions.js";

export const DEFAULT_CONFIG_FILE = "config/evalgate.yaml";

const USAGE = [
  "evalgate validate [--config FILE] [--suite NAME]",
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

export const validate: Command = {
  name: "validate",
  summary: "check config, catalog, prompts, datasets and evaluators together; list every problem",
  usage: USAGE,
  flags: [
    ["--config FILE", "entry configuration (default config/evalgate.yaml)"],
    ["--suite NAME", "check only this suite (default: every suite)"],
    ["--definitions DIR", "check a whole prompt definitions tree, without a config"],
  ],
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs({ name: "validate", usage: USAGE }, argv, {
      config: { type: "string" },
      suite: { type: "string" },
      definitions: { type: "string" },
    });
    if (values.definitions !== undefined) return validateDefinitionsTree(values.definitions, io);
    const configFile = resolve(io.cwd, values.config ?? DEFAULT_CONFIG_FILE);
    const report = await validateConfig(configFile, { suite: values.suite, env: io.env });
    io.out(formatSummary(report));
    if (report.problems.length > 0) throw new UserErrors(report.problems);
    io.out(
      `valid: ${report.pairs.length} feature × model pair(s) in ${report.suites.length} suite(s), ${report.pairs.reduce((n, p) => n + p.examplesChecked, 0)} example render(s) checked\n`,
    );
    return ExitCode.ok;
  },
};
