import { resolve } from "node:path";
import { ExitCode } from "../../core/errors.js";
import { renderVerdictTable, writeRunReports } from "../../reports/index.js";
import { type Command, displayPath, JSON_FLAG, parseCommandArgs, printJson } from "../command.js";
import { paintVerdicts } from "../terminal-colour.js";

const usage = "evalgate report [DIR] [--json]   (default: reports/latest)";

export const reportCommand: Command = {
  name: "report",
  summary: "rebuild a run folder's reports (run.json summary, summary.md) from its journal",
  usage,
  flags: [["DIR", "the run folder to report (default reports/latest)"], JSON_FLAG],
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      { name: "report", usage },
      argv,
      { json: { type: "boolean" } },
      true,
    );
    const dir = resolve(io.cwd, positionals[0] ?? "reports/latest");
    const report = await writeRunReports(dir);
    const code = !report.complete
      ? ExitCode.incomplete
      : report.gateOutcome.failed
        ? ExitCode.gateFailed
        : ExitCode.ok;
    if (values.json) {
      printJson(io, {
        outDir: dir,
        exitCode: code,
        complete: report.complete,
        summary: resolve(dir, "summary.md"),
        gate: report.gateOutcome,
        entries: report.entries,
      });
    } else {
      const table = renderVerdictTable(report.entries);
      io.out(io.colour ? paintVerdicts(table) : table);
      io.out(`\nreport: ${displayPath(io.cwd, resolve(dir, "summary.md"))}\n`);
    }
    if (code === ExitCode.incomplete) {
      // Exit 3 alone does not say why; the missing cells and the way to finish them do.
      const missing = report.entries.reduce((n, e) => n + e.missing, 0);
      io.err(
        `evalgate report: the run in ${displayPath(io.cwd, dir)} is incomplete (${missing} planned cell(s) have no record, e.g. it was interrupted); finish it with: evalgate run --resume ${displayPath(io.cwd, dir)}\n`,
      );
    }
    return code;
  },
};
