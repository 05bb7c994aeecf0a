import { relative, resolve } from "node:path";
import { ExitCode } from "../../core/errors.js";
import { renderVerdictTable, writeRunReports } from "../../reports/index.js";
import { type Command, parseCommandArgs } from "../command.js";

const usage = "evalgate report [DIR]   (default: reports/latest)";

export const reportCommand: Command = {
  name: "report",
  summary: "rebuild a run folder's reports (run.json summary, summary.md) from its journal",
  usage,
  async run(argv, io) {
    const { positionals } = parseCommandArgs({ name: "report", usage }, argv, {}, true);
    const dir = resolve(io.cwd, positionals[0] ?? "reports/latest");
    const report = await writeRunReports(dir);
    io.out(renderVerdictTable(report.entries));
    io.out(`\nreport: ${relative(io.cwd, resolve(dir, "summary.md"))}\n`);
    if (!report.complete) return ExitCode.incomplete;
    return report.gateOutcome.failed ? ExitCode.gateFailed : ExitCode.ok;
  },
};
