import { resolve } from "node:path";
import { ExitCode, UserError } from "../../core/errors.js";
import {
  describeGateFailures,
  renderVerdictTable,
  runExitCode,
  writeRunReports,
} from "../../reports/index.js";
import { mergeRuns } from "../../runner/index.js";
import { type Command, displayPath, parseCommandArgs } from "../command.js";
import { paintVerdicts } from "../terminal-colour.js";

const usage = "evalgate merge DIR... --out DIR";

export const mergeCommand: Command = {
  name: "merge",
  summary: "merge shard folders (evalgate run --shard I/N) into one run folder and report it",
  usage,
  flags: [
    ["DIR...", "shard folders written by evalgate run --shard I/N (each named once)"],
    ["--out DIR", "the merged run folder to write (required)"],
  ],
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      { name: "merge", usage },
      argv,
      { out: { type: "string" } },
      true,
    );
    if (!values.out) throw new UserError(`--out DIR is required\nusage: ${usage}`);
    if (positionals.length === 0)
      throw new UserError(`name the shard folders to merge\nusage: ${usage}`);
    const result = await mergeRuns(
      positionals.map((d) => resolve(io.cwd, d)),
      resolve(io.cwd, values.out),
    );
    const report = await writeRunReports(result.outDir, { cwd: io.cwd });
    const rel = displayPath(io.cwd, result.outDir);
    const table = renderVerdictTable(report.entries);
    io.out(io.colour ? paintVerdicts(table) : table);
    io.out(
      `\nmerged ${positionals.length} folder(s), ${result.records} records${result.duplicates ? ` (${result.duplicates} duplicates kept once)` : ""} into ${rel}\n`,
    );
    if (result.missingShards.length > 0) {
      io.err(
        `evalgate merge: shard(s) ${result.missingShards.join(", ")} are missing; the merged run is incomplete\n`,
      );
      return ExitCode.incomplete;
    }
    if (!report.complete) {
      io.err("evalgate merge: some planned cells have no record; the merged run is incomplete\n");
      return ExitCode.incomplete;
    }
    // The same outcome, message aside, as the unsharded run would have had.
    const { outcome } = report;
    if (outcome.kind === "could-not-evaluate") {
      io.err(
        `evalgate merge: ${outcome.couldNotEvaluate.length} feature × model pair(s) could not be evaluated because their calls failed; see ${rel}/journal.jsonl\n`,
      );
    } else if (outcome.kind === "gate-failed") {
      io.err(`evalgate merge: gate failed: ${describeGateFailures(report.gateOutcome.failures)}\n`);
    }
    return runExitCode(outcome);
  },
};
