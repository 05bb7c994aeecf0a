import { relative, resolve } from "node:path";
import { ExitCode } from "../../core/errors.js";
import { renderVerdictTable, runExitCode, writeRunReports } from "../../reports/index.js";
import { type Command, parseCommandArgs } from "../command.js";

const usage = `evalgate report [DIR] [--baseline-dir DIR]   (default: reports/latest)

  --baseline-dir DIR   a run folder to compare with: summary.md shows each pair's rate and
                       verdict before → after, the Code Quality report flags regressions

writes summary.md, junit.xml, metrics.txt and gl-code-quality-report.json into DIR
exit codes: 0 ok, 1 a gate failed, 2 usage error, 3 incomplete or calls failed`;

export const reportCommand: Command = {
  name: "report",
  summary:
    "rebuild a run folder's reports (run.json summary, summary.md, junit.xml, …) from its journal",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      { name: "report", usage },
      argv,
      { "baseline-dir": { type: "string" } },
      true,
    );
    const dir = resolve(io.cwd, positionals[0] ?? "reports/latest");
    const baselineDir = values["baseline-dir"];
    const report = await writeRunReports(dir, {
      cwd: io.cwd,
      ...(baselineDir !== undefined ? { baselineDir: resolve(io.cwd, baselineDir) } : {}),
    });
    io.out(renderVerdictTable(report.entries));
    io.out(`\nreport: ${relative(io.cwd, resolve(dir, "summary.md"))}\n`);
    if (!report.complete) return ExitCode.incomplete;
    return runExitCode(report.outcome);
  },
};
